using CredalDistill.Calibration;

namespace CredalDistill.Onnx.Export;

/// <summary>Settings of <see cref="CalibratedModelExporter"/>. The defaults reach float32 accuracy.</summary>
public sealed class CalibratedExportOptions
{
    /// <summary>Name of the edge model's logits output (float32 <c>[N, K]</c>). Default <c>logits</c>.</summary>
    public string LogitsOutputName { get; init; } = "logits";

    /// <summary>
    /// The distribution written to <c>probabilities</c>: <see cref="CalibratedOutput.Calibrated"/> (the map's output, the
    /// centre), <see cref="CalibratedOutput.Intersection"/> or <see cref="CalibratedOutput.MaximumEntropy"/> (KL). Default null:
    /// the artifact's own output.
    /// </summary>
    public CalibratedOutput? Output { get; init; }

    /// <summary>
    /// Unrolled bisection steps for the bounds, in the logit <c>v</c> of <c>t = sigmoid(v)</c> on a bracket of width
    /// <c>|logit p| + 40</c>: 50 steps shrink a bracket of width 1,000 below 1e-12, past float32 resolution.
    /// </summary>
    public int BoundIterations { get; init; } = 50;

    /// <summary>
    /// With an artifact that has per-group thresholds (<see cref="IO.ArtifactThreshold.Groups"/>): the name of an int64
    /// <c>[N]</c> graph input added for each row's group id, the index of its group among the artifact's groups in ordinal
    /// order of their values (listed in the model metadata <c>credal.groups</c>); an id outside <c>[0, G)</c> is a group
    /// without calibration rows (unbounded). Null: one threshold (the artifact's threshold over all rows) for every row.
    /// </summary>
    public string? GroupInputName { get; init; }

    /// <summary>Unrolled bisection steps for the inverse temperature <c>1/T</c> in [0, 1] (max-entropy output). Default 40 (1e-12).</summary>
    public int TemperatureIterations { get; init; } = 40;
}
