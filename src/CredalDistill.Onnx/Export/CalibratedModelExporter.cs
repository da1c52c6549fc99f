using System.Globalization;
using CredalDistill.Calibration;
using CredalDistill.Divergences;
using CredalDistill.IO;
using Google.Protobuf;
using Onnx;

namespace CredalDistill.Onnx.Export;

/// <summary>
/// <c>credal export</c>: appends a calibration artifact's run-time step to an edge ONNX model as standard operators
/// (default domain, opset of the model, at least 13; float32; no custom operators), so that any ONNX Runtime runs the
/// calibrated edge. The model's inputs and outputs are kept. First the artifact's calibration map on the logits <c>z</c>
/// (float32 <c>[N, K]</c>): the identity (CD-CI), <c>z / T</c> (a temperature), or on the log-softmax <c>l</c>,
/// <c>w * l + b</c> (vector scaling: Mul, Add) or <c>l W^T + b</c> (matrix scaling: MatMul, Add); its softmax is the
/// output <c>calibrated</c>, the centre <c>c</c> of the credal set. A point calibration (no threshold) adds only
/// <c>probabilities</c> = <c>softmax</c> of the mapped logits. With a threshold, four outputs are added around <c>c</c>:
/// <list type="bullet">
/// <item><c>lower</c>, <c>upper</c> (float32 <c>[N, K]</c>): the exact class bounds of
/// <c>{ q : D(q || p) &lt;= gamma }</c> by the binary reduction (METHOD.md 3.1) in the log domain (3.1a):
/// <c>log p_k = z_k - logsumexp z</c>, <c>log(1 - p_k) = logsumexp_{j != k} z_j - logsumexp z</c>, then
/// <see cref="CalibratedExportOptions.BoundIterations"/> unrolled bisection steps in <c>v</c>, <c>t = sigmoid(v)</c>,
/// carrying <c>log t = -softplus(-v)</c> and <c>log(1 - t) = -softplus(v)</c>, keeping the feasible end (so
/// <c>lower &lt;= p &lt;= upper</c>); closed forms for total variation <c>[p - gamma, p + gamma]</c> and chi-square
/// <c>p -/+ sqrt(gamma p (1 - p))</c>, clipped to [0, 1]; <c>gamma = 0</c> gives <c>p</c>, <c>gamma = +inf</c> gives [0, 1].</item>
/// <item><c>probabilities</c> (float32 <c>[N, K]</c>): the intersection probability <c>l + beta (u - l)</c>,
/// <c>beta = (1 - sum l) / sum (u - l)</c> (<c>p</c> when <c>sum (u - l) = 0</c>), or for KL the maximum-entropy member
/// <c>q ∝ p^(1/T)</c> with <c>KL(q || p) = gamma</c> by bisection in <c>1/T</c>, clipped to the bounds (a float32 rounding),
/// or the centre itself (<c>calibrated</c>).</item>
/// <item><c>label_set</c> (bool <c>[N, K]</c>): interval dominance <c>upper_k &gt;= max_j lower_j</c>.</item>
/// </list>
/// With Mondrian thresholds (<see cref="Conformal.MondrianThreshold"/>) each row's radius is
/// <c>gamma[argmax z]</c>, gathered from the per-class thresholds in the graph (ArgMax, Gather); the same formulas run with
/// that <c>[N, 1]</c> radius, rows of an unbounded class (IsInf) get <c>[0, 1]</c> and, for max-entropy, the uniform
/// distribution, and rows of a class with <c>gamma = 0</c> get <c>p</c> (as the single-threshold graph does). With per-group
/// thresholds (<see cref="IO.ArtifactThreshold.Groups"/>) and <see cref="CalibratedExportOptions.GroupInputName"/>, the
/// radius is gathered the same way by an added int64 group-id input.
/// <para>
/// One refusal rule, <see cref="Refusal"/>, decides what has no ONNX form (a covariate-shift threshold, the centroid, the
/// maximum-entropy member of a divergence other than KL, a method that reads features); the CLI reports it.
/// </para>
/// </summary>
public static class CalibratedModelExporter
{
    /// <summary>The lowest default-domain opset accepted (axes as inputs of ReduceSum, Unsqueeze, Squeeze).</summary>
    public const long MinimumOpset = 13;

    /// <summary>Name of the added distribution output.</summary>
    public const string ProbabilitiesOutput = "probabilities";

    /// <summary>Name of the added lower-bound output.</summary>
    public const string LowerOutput = "lower";

    /// <summary>Name of the added upper-bound output.</summary>
    public const string UpperOutput = "upper";

    /// <summary>Name of the added label-set output.</summary>
    public const string LabelSetOutput = "label_set";

    /// <summary>Prefix of every node and intermediate tensor the exporter adds.</summary>
    public const string Prefix = "credal_export/";

    /// <summary>Bisection brackets reach <c>|logit p| + 40</c> beyond the edge output: <c>sigmoid(-40) = 4e-18</c>.</summary>
    private const float BracketMargin = 40f;

    private static readonly string[] AddedOutputs = [ProbabilitiesOutput, LowerOutput, UpperOutput, LabelSetOutput];

    /// <summary>Reads <paramref name="modelPath"/>, appends the calibration and writes <paramref name="outPath"/> atomically.</summary>
    /// <exception cref="OnnxExportException">The model or the combination cannot be exported; nothing is written.</exception>
    public static ExportSummary ExportFile(string modelPath, CalibrationArtifact artifact, string outPath, CalibratedExportOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        ArgumentException.ThrowIfNullOrEmpty(outPath);
        var model = Read(modelPath);
        var summary = Append(model, artifact, options, modelPath);
        AtomicFile.Write(outPath, model.WriteTo);
        return summary;
    }

    /// <summary>Parses an ONNX model file.</summary>
    /// <exception cref="OnnxExportException">The file is not a protobuf ONNX model.</exception>
    public static ModelProto Read(string modelPath)
    {
        byte[] bytes = File.ReadAllBytes(modelPath);
        try
        {
            var model = ModelProto.Parser.ParseFrom(bytes);
            return model.Graph is null || bytes.Length == 0
                ? throw new OnnxExportException(modelPath, "not an ONNX model: no graph")
                : model;
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new OnnxExportException(modelPath, "not an ONNX model: " + ex.Message, ex);
        }
    }

    /// <summary>Appends the calibration to <paramref name="model"/> in place (see the type's summary).</summary>
    /// <param name="model">The edge model.</param>
    /// <param name="artifact">A calibration artifact with an ONNX form (<see cref="Refusal"/> is null).</param>
    /// <param name="options">Logits output name, output kind, iteration counts.</param>
    /// <param name="source">The model's file name for messages.</param>
    /// <exception cref="OnnxExportException">The model or the combination cannot be exported; the model is unchanged.</exception>
    public static ExportSummary Append(ModelProto model, CalibrationArtifact artifact, CalibratedExportOptions? options = null, string source = "model")
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(artifact);
        options ??= new CalibratedExportOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BoundIterations, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.TemperatureIterations, 1);
        var (graph, opset, logits) = Validate(model, artifact, options, source);
        var output = options.Output ?? artifact.Output;
        int k = artifact.Classes;
        var g = new GraphBuilder(graph, Prefix, opset);
        var batch = logits.Type.TensorType.Shape?.Dim.Count == 2 ? logits.Type.TensorType.Shape.Dim[0].Clone() : new TensorShapeProto.Types.Dimension { DimParam = "N" };
        string centre = MapLogits(g, artifact.Map, logits.Name);
        SetMetadata(model, "credal.method", artifact.Method);
        SetMetadata(model, "credal.map", artifact.Map.ToString());
        SetMetadata(model, "credal.output", CalibratedOutputNames.Name(output));
        SetMetadata(model, "credal.artifact_sha256", artifact.Sha256 ?? string.Empty);
        if (artifact.Threshold is not { } threshold)
        {
            string softmax = g.Exp(g.Sub(centre, g.LogSumExp(centre, 1, keepDims: true)));
            g.Identity(softmax, ProbabilitiesOutput);
            graph.Output.Add(ValueInfo(ProbabilitiesOutput, TensorProto.Types.DataType.Float, batch, k));
            return new ExportSummary(k, artifact.Method, null, double.NaN, opset, 0, 0, g.NodesAdded);
        }

        var divergence = threshold.Divergence;
        double gamma = threshold.Gamma;
        string zero = g.Scalar(0f);
        string one = g.Scalar(1f);

        // log p_k = zs_k - lse, zs = z - max z; log(1 - p_k) = logsumexp_{j != k} zs_j - lse (z: the centre's logits).
        string zs = g.Sub(centre, g.ReduceMax(centre, 1, keepDims: true));
        string lse = g.LogSumExp(zs, 1, keepDims: true);
        string a = g.Sub(zs, lse);
        var mask = new float[k * k];
        for (int i = 0; i < k; i++)
        {
            mask[(i * k) + i] = float.NegativeInfinity;
        }

        string others = g.Add(g.Unsqueeze(zs, 1), g.Tensor(mask, [k, k]));
        string b = g.Sub(g.LogSumExp(others, 2, keepDims: false), lse);
        string p = g.Exp(a);

        int boundIterations = 0;
        string lower, upper;
        var mondrian = threshold.Rows as Conformal.MondrianThreshold;
        string? gammaRow = null, unbounded = null, pinned = null;
        if (mondrian is not null)
        {
            // Each row's radius: gamma of its predicted class, [N, 1]; +inf for an unbounded class.
            var perClass = Enumerable.Range(0, k).Select(c => (float)mondrian.Gamma(c)).ToArray();
            gammaRow = g.Gather(g.Tensor(perClass, [k]), g.ArgMax(centre, 1));
            unbounded = g.IsInf(gammaRow);
            pinned = g.Op("Equal", [gammaRow, zero]);
        }

        var groups = options.GroupInputName is null ? null : threshold.Groups;
        if (groups is not null)
        {
            // Each row's radius: gamma of its group id, [N, 1]; an id outside [0, G) (a group without calibration rows) reads the +inf at index G.
            long count = groups.Groups.Count;
            var perGroup = groups.Groups.Values.Select(v => (float)v.Gamma).Append(float.PositiveInfinity).ToArray();
            string ids = g.Unsqueeze(options.GroupInputName!, 1);
            string outside = g.Op("Or", [g.Op("Less", [ids, g.Int64s(0)]), g.Op("GreaterOrEqual", [ids, g.Int64s(count)])]);
            gammaRow = g.Gather(g.Tensor(perGroup, [count + 1]), g.Where(outside, g.Int64s(count), ids));
            unbounded = g.IsInf(gammaRow);
            pinned = g.Op("Equal", [gammaRow, zero]);
            graph.Input.Add(GroupInput(options.GroupInputName!, logits));
        }

        if (gammaRow is not null)
        {
            if (divergence is TotalVariation)
            {
                lower = g.Max(g.Sub(p, gammaRow), zero);
                upper = g.Min(g.Add(p, gammaRow), one);
            }
            else if (divergence is PearsonChiSquare)
            {
                string radius = g.Exp(g.Mul(g.Add(g.Add(a, b), g.Log(gammaRow)), g.Scalar(0.5f)));
                lower = g.Max(g.Sub(p, radius), zero);
                upper = g.Min(g.Add(p, radius), one);
            }
            else
            {
                boundIterations = options.BoundIterations;
                (lower, upper) = Bisection(g, divergence, a, b, gammaRow, k, boundIterations);
                lower = g.Where(unbounded!, g.Mul(p, zero), g.Where(pinned!, p, lower));
                upper = g.Where(unbounded!, g.Add(g.Mul(p, zero), one), g.Where(pinned!, p, upper));
            }
        }
        else if (gamma == 0.0)
        {
            lower = p;
            upper = p;
        }
        else if (double.IsPositiveInfinity(gamma))
        {
            lower = g.Mul(p, zero);
            upper = g.Add(lower, one);
        }
        else if (divergence is TotalVariation)
        {
            string radius = g.Scalar((float)gamma);
            lower = g.Max(g.Sub(p, radius), zero);
            upper = g.Min(g.Add(p, radius), one);
        }
        else if (divergence is PearsonChiSquare)
        {
            // d(t) = (t - p)^2 / (p (1 - p)): radius sqrt(gamma p (1 - p)) = exp((log gamma + a + b) / 2).
            string radius = g.Exp(g.Mul(g.Add(g.Add(a, b), g.Scalar((float)Math.Log(gamma))), g.Scalar(0.5f)));
            lower = g.Max(g.Sub(p, radius), zero);
            upper = g.Min(g.Add(p, radius), one);
        }
        else
        {
            boundIterations = options.BoundIterations;
            (lower, upper) = Bisection(g, divergence, a, b, g.Scalar((float)gamma), k, boundIterations);
        }

        string probabilities;
        int temperatureIterations = 0;
        if (output == CalibratedOutput.Calibrated)
        {
            probabilities = p;
        }
        else if (output == CalibratedOutput.MaximumEntropy && gammaRow is not null)
        {
            temperatureIterations = options.TemperatureIterations;
            string tempered = g.Where(unbounded!, g.Add(g.Mul(p, zero), g.Scalar(1f / k)), g.Where(pinned!, p, TemperedKl(g, a, gammaRow, temperatureIterations)));
            probabilities = g.Min(g.Max(tempered, lower), upper);
        }
        else if (output == CalibratedOutput.MaximumEntropy && gamma > 0.0)
        {
            if (double.IsPositiveInfinity(gamma))
            {
                probabilities = g.Add(g.Mul(p, zero), g.Scalar(1f / k));
            }
            else
            {
                // Clipped to the bounds: both are float32 roots of the same set, a rounding apart.
                temperatureIterations = options.TemperatureIterations;
                probabilities = g.Min(g.Max(TemperedKl(g, a, g.Scalar((float)gamma), temperatureIterations), lower), upper);
            }
        }
        else
        {
            probabilities = Intersection(g, lower, upper, p);
        }

        string labels = g.Op("GreaterOrEqual", [upper, g.ReduceMax(lower, 1, keepDims: true)]);
        string[] values = [probabilities, lower, upper, labels];
        for (int i = 0; i < AddedOutputs.Length; i++)
        {
            g.Identity(values[i], AddedOutputs[i]);
            var type = i == 3 ? TensorProto.Types.DataType.Bool : TensorProto.Types.DataType.Float;
            graph.Output.Add(ValueInfo(AddedOutputs[i], type, batch, k));
        }

        static string Text(double value) => double.IsPositiveInfinity(value) ? "inf" : value.ToString("R", CultureInfo.InvariantCulture);
        double[]? classGammas = mondrian is null ? null : [.. Enumerable.Range(0, k).Select(mondrian.Gamma)];
        double[]? groupGammas = groups is null ? null : [.. groups.Groups.Values.Select(v => v.Gamma)];
        SetMetadata(model, "credal.divergence", divergence.Name);
        SetMetadata(model, "credal.gamma_nats", string.Join(",", (classGammas ?? groupGammas ?? [gamma]).Select(Text)));
        SetMetadata(model, "credal.threshold_rule", mondrian?.Rule ?? (groups is null ? Conformal.RowThreshold.Marginal : "group"));
        if (groups is not null)
        {
            SetMetadata(model, "credal.group_input", options.GroupInputName!);
            SetMetadata(model, "credal.groups", System.Text.Json.JsonSerializer.Serialize(groups.Groups.Keys.ToArray(), GroupNamesJsonContext.Default.StringArray));
        }

        SetMetadata(model, "credal.epsilon", threshold.Epsilon.ToString("R", CultureInfo.InvariantCulture));
        return new ExportSummary(k, artifact.Method, divergence.Name, gamma, opset, boundIterations, temperatureIterations, g.NodesAdded, classGammas, groups is null ? null : [.. groups.Groups.Keys], groupGammas);
    }

    /// <summary>
    /// Null when <paramref name="artifact"/> has an ONNX form with the point output <paramref name="output"/> (null: the
    /// artifact's own); otherwise why not. The one refusal rule of the export: a covariate-shift threshold (a weighted
    /// quantile per row), the centroid (Monte Carlo above three classes), and the maximum-entropy member of a divergence
    /// other than KL have no ONNX form; every calibration map does.
    /// </summary>
    public static string? Refusal(CalibrationArtifact artifact, CalibratedOutput? output = null)
    {
        ArgumentNullException.ThrowIfNull(artifact);
        var chosen = output ?? artifact.Output;
        if (artifact.Threshold is not { } threshold)
        {
            return chosen == CalibratedOutput.Calibrated
                ? null
                : $"the {artifact.Method} artifact is a point calibration (no credal set): it exports its calibrated output only (--output calibrated)";
        }

        if (threshold.Rows is { } rows && rows is not Conformal.MondrianThreshold)
        {
            return "the artifact has a covariate-shift threshold (a weighted quantile per row), which has no ONNX form; export supports one threshold or Mondrian thresholds by predicted class";
        }

        if (chosen is not (CalibratedOutput.Calibrated or CalibratedOutput.Intersection or CalibratedOutput.MaximumEntropy))
        {
            return $"the output '{CalibratedOutputNames.Name(chosen)}' has no ONNX form; export writes calibrated, intersection or maxent (KL) to 'probabilities' (choose one with --output)";
        }

        if (chosen == CalibratedOutput.MaximumEntropy && threshold.Divergence is not KullbackLeibler)
        {
            return $"the max-entropy output is exported for the KL divergence only; the artifact uses '{threshold.Divergence.Name}' (use --output intersection)";
        }

        return BinaryDivergenceGraph.Supports(threshold.Divergence) || threshold.Divergence is TotalVariation or PearsonChiSquare
            ? null
            : $"divergence '{threshold.Divergence.Name}' has no ONNX form";
    }

    /// <summary>
    /// The calibration map on the logits: the logits themselves (identity), <c>z / T</c> (temperature, shift-invariant),
    /// or on the log-softmax <c>l = z - logsumexp z</c>: <c>w * l + b</c> (vector) or <c>l W^T + b</c> (matrix).
    /// </summary>
    private static string MapLogits(GraphBuilder g, CalibrationMap map, string logits)
    {
        int k = map.Classes;
        switch (map.Shape)
        {
            case MapShape.Identity:
                return logits;
            case MapShape.Temperature:
                return g.Div(logits, g.Scalar((float)map.Temperature));
        }

        string l = g.Sub(logits, g.LogSumExp(logits, 1, keepDims: true));
        string bias = g.Tensor([.. map.Bias.ToArray().Select(v => (float)v)], [k]);
        if (map.Shape == MapShape.Vector)
        {
            return g.Add(g.Mul(l, g.Tensor([.. map.Weights.ToArray().Select(v => (float)v)], [k])), bias);
        }

        // Row j of W gives output class j: z'_j = sum_m W_jm l_m, i.e. l (N x K) times W^T (K x K).
        var transposed = new float[k * k];
        for (int j = 0; j < k; j++)
        {
            for (int m = 0; m < k; m++)
            {
                transposed[(m * k) + j] = (float)map.Weights[(j * k) + m];
            }
        }

        return g.Add(g.Op("MatMul", [l, g.Tensor(transposed, [k, k])]), bias);
    }

    private static (GraphProto Graph, long Opset, ValueInfoProto Logits) Validate(ModelProto model, CalibrationArtifact artifact, CalibratedExportOptions options, string source)
    {
        if (Refusal(artifact, options.Output) is string refusal)
        {
            throw new OnnxExportException(source, refusal);
        }

        var graph = model.Graph ?? throw new OnnxExportException(source, "not an ONNX model: no graph");
        var opsetImport = model.OpsetImport.FirstOrDefault(o => o.Domain is "" or "ai.onnx")
            ?? throw new OnnxExportException(source, "the model imports no default-domain (ai.onnx) opset");
        if (opsetImport.Version < MinimumOpset)
        {
            throw new OnnxExportException(source, $"the model uses opset {opsetImport.Version}; export needs opset {MinimumOpset} or higher (re-export the edge model with opset >= {MinimumOpset})");
        }

        string name = options.LogitsOutputName;
        var logits = graph.Output.FirstOrDefault(o => o.Name == name)
            ?? throw new OnnxExportException(source, $"the model has no output named '{name}' (outputs: {string.Join(", ", graph.Output.Select(o => "'" + o.Name + "'"))}); name the logits output with --logits-output");
        var tensor = logits.Type?.TensorType;
        if (tensor is null || tensor.ElemType != (int)TensorProto.Types.DataType.Float)
        {
            string what = tensor is null ? "not a tensor" : ((TensorProto.Types.DataType)tensor.ElemType).ToString().ToLowerInvariant();
            throw new OnnxExportException(source, $"output '{name}' is {what}; export needs float32 logits");
        }

        if (tensor.Shape is { } shape)
        {
            if (shape.Dim.Count != 2)
            {
                throw new OnnxExportException(source, $"output '{name}' has rank {shape.Dim.Count}; export needs logits of shape [N, K]");
            }

            if (shape.Dim[1].ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && shape.Dim[1].DimValue != artifact.Classes)
            {
                throw new OnnxExportException(source, $"output '{name}' has {shape.Dim[1].DimValue} classes but the calibration artifact has {artifact.Classes}");
            }
        }

        var taken = new HashSet<string>(StringComparer.Ordinal);
        taken.UnionWith(graph.Input.Select(i => i.Name));
        taken.UnionWith(graph.Output.Select(o => o.Name));
        taken.UnionWith(graph.Initializer.Select(i => i.Name));
        taken.UnionWith(graph.Node.SelectMany(n => n.Output));
        foreach (string added in AddedOutputs)
        {
            if (taken.Contains(added))
            {
                throw new OnnxExportException(source, $"the model already has a tensor named '{added}'; it cannot take the calibrated outputs (was it exported already?)");
            }
        }

        if (taken.Any(t => t.StartsWith(Prefix, StringComparison.Ordinal)) || graph.Node.Any(n => n.Name.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            throw new OnnxExportException(source, $"the model already has names starting with '{Prefix}' (was it exported already?)");
        }

        if (options.GroupInputName is { } groupInput)
        {
            if (artifact.Threshold?.Groups is null)
            {
                throw new OnnxExportException(source, "a group-id input was asked for, but the artifact has no per-group thresholds ('groups', from calibrate --query ... --group-by)");
            }

            if (taken.Contains(groupInput) || groupInput.StartsWith(Prefix, StringComparison.Ordinal) || AddedOutputs.Contains(groupInput))
            {
                throw new OnnxExportException(source, $"the model already has a tensor named '{groupInput}'; choose another name for the group-id input");
            }
        }

        return (graph, opsetImport.Version, logits);
    }

    /// <summary>Lower and upper bounds by bisection on <c>[N, 2K]</c>: columns <c>0..K-1</c> search below <c>p</c>, <c>K..2K-1</c> above; the radius <c>threshold</c> is a scalar or <c>[N, 1]</c> per row.</summary>
    private static (string Lower, string Upper) Bisection(GraphBuilder g, FDivergence divergence, string a, string b, string threshold, int k, int iterations)
    {
        string zero = g.Scalar(0f);
        string margin = g.Scalar(BracketMargin);
        string half = g.Scalar(0.5f);
        string vp = g.Sub(a, b);
        string inside = g.Concat(1, vp, vp);
        string outside = g.Concat(1, g.Sub(g.Min(vp, zero), margin), g.Add(g.Max(vp, zero), margin));
        var d = BinaryDivergenceGraph.Create(g, divergence, g.Concat(1, a, a), g.Concat(1, b, b));
        for (int i = 0; i < iterations; i++)
        {
            string mid = g.Mul(g.Add(inside, outside), half);
            var (logT, logOneMinusT) = g.LogSigmoidPair(mid);
            string ok = g.LessOrEqual(d.Value(logT, logOneMinusT), threshold);
            string nextInside = g.Where(ok, mid, inside);
            outside = g.Where(ok, outside, mid);
            inside = nextInside;
        }

        string t = g.Exp(g.LogSigmoidPair(inside).LogT);
        return (g.Columns(t, 0, k), g.Columns(t, k, 2 * k));
    }

    /// <summary>Intersection probability, kept inside <c>[lower, upper]</c>; <c>p</c> when the interval has no width.</summary>
    private static string Intersection(GraphBuilder g, string lower, string upper, string p)
    {
        string zero = g.Scalar(0f);
        string one = g.Scalar(1f);
        string width = g.Sub(upper, lower);
        string sumWidth = g.ReduceSum(width, 1, keepDims: true);
        string beta = g.Div(g.Sub(one, g.ReduceSum(lower, 1, keepDims: true)), g.Max(sumWidth, g.Scalar(1e-30f)));
        beta = g.Min(g.Max(beta, zero), one);
        string q = g.Min(g.Max(g.Add(lower, g.Mul(beta, width)), lower), upper);
        return g.Where(g.Op("Greater", [sumWidth, zero]), q, p);
    }

    /// <summary>KL max-entropy member <c>softmax(beta log p)</c>, <c>beta = 1/T</c> by bisection on [0, 1] keeping <c>KL &lt;= threshold</c> (a scalar or <c>[N, 1]</c> per row).</summary>
    private static string TemperedKl(GraphBuilder g, string a, string threshold, int iterations)
    {
        string half = g.Scalar(0.5f);
        string inside = g.Scalar(1f);
        string outside = g.Scalar(0f);
        for (int i = 0; i < iterations; i++)
        {
            string mid = g.Mul(g.Add(inside, outside), half);
            string s = g.Mul(mid, a);
            string logQ = g.Sub(s, g.LogSumExp(s, 1, keepDims: true));
            string kl = g.ReduceSum(g.Mul(g.Exp(logQ), g.Sub(logQ, a)), 1, keepDims: true);
            string ok = g.LessOrEqual(kl, threshold);
            string nextInside = g.Where(ok, mid, inside);
            outside = g.Where(ok, outside, mid);
            inside = nextInside;
        }

        string final = g.Mul(inside, a);
        return g.Exp(g.Sub(final, g.LogSumExp(final, 1, keepDims: true)));
    }

    /// <summary>The int64 <c>[N]</c> group-id input, with the batch dimension of the logits.</summary>
    private static ValueInfoProto GroupInput(string name, ValueInfoProto logits)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(logits.Type.TensorType.Shape?.Dim.Count == 2 ? logits.Type.TensorType.Shape.Dim[0].Clone() : new TensorShapeProto.Types.Dimension { DimParam = "N" });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Int64, Shape = shape } },
        };
    }

    private static ValueInfoProto ValueInfo(string name, TensorProto.Types.DataType type, TensorShapeProto.Types.Dimension batch, int k)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(batch.Clone());
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = k });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }

    private static void SetMetadata(ModelProto model, string key, string value)
    {
        var existing = model.MetadataProps.FirstOrDefault(m => m.Key == key);
        if (existing is not null)
        {
            existing.Value = value;
        }
        else
        {
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }
    }
}

/// <summary>Source-generated JSON for the <c>credal.groups</c> metadata (AOT-safe).</summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(string[]))]
internal sealed partial class GroupNamesJsonContext : System.Text.Json.Serialization.JsonSerializerContext
{
}
