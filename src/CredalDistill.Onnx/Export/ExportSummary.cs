namespace CredalDistill.Onnx.Export;

/// <summary>What <see cref="CalibratedModelExporter"/> appended to a model.</summary>
/// <param name="Classes">Number of classes <c>K</c>.</param>
/// <param name="Method">The artifact's method name.</param>
/// <param name="Divergence">The threshold's divergence name; null for a point calibration (only <c>probabilities</c> added).</param>
/// <param name="Gamma">The threshold in nats (+infinity when unbounded; NaN for a point calibration); with Mondrian thresholds the marginal one, for reference.</param>
/// <param name="Opset">The model's default-domain opset (kept).</param>
/// <param name="BoundIterations">Unrolled bisection steps for the bounds (0 for closed forms, gamma = 0 or +infinity, or no threshold).</param>
/// <param name="TemperatureIterations">Unrolled bisection steps for the max-entropy temperature (0 unless used).</param>
/// <param name="NodesAdded">Number of operators appended.</param>
/// <param name="ClassGammas">Null for one threshold; with Mondrian thresholds, <c>gamma_c</c> per predicted class (+infinity when unbounded), chosen in the graph by the arg-max of the logits.</param>
/// <param name="Groups">Null unless per-group thresholds were exported (<see cref="CalibratedExportOptions.GroupInputName"/>): the group values in the order of their ids.</param>
/// <param name="GroupGammas">With <paramref name="Groups"/>: each group's threshold (+infinity when unbounded), chosen in the graph by the row's group id.</param>
public sealed record ExportSummary(int Classes, string Method, string? Divergence, double Gamma, long Opset, int BoundIterations, int TemperatureIterations, int NodesAdded, IReadOnlyList<double>? ClassGammas = null, IReadOnlyList<string>? Groups = null, IReadOnlyList<double>? GroupGammas = null);
