using System.Globalization;
using CredalDistill.Baselines;
using CredalDistill.Calibration;
using CredalDistill.Credal;

namespace CredalDistill.Experiments;

/// <summary>
/// The typed identity of one row of the experiment: what was run (<see cref="Kind"/>) and with which settings. Records,
/// summaries, tables and figures are keyed and selected by its fields; <see cref="Id"/> is its stable name in
/// results.json (e.g. <c>edge</c>, <c>edge-ts-nll</c>, <c>cdci/kl/0.1/intersection</c>, <c>q4/edge</c>) and is only ever
/// written, never parsed back. Fields that do not apply to a kind are null.
/// </summary>
public sealed record MethodKey
{
    /// <summary>What was run.</summary>
    public required MethodKind Kind { get; init; }

    /// <summary>Canonical divergence name of a credal method (<see cref="MethodKind.CdciAuto"/>: null when chosen too).</summary>
    public string? Divergence { get; init; }

    /// <summary>Fixed miscoverage eps (null when chosen without labels, and in a cost family).</summary>
    public double? Epsilon { get; init; }

    /// <summary>The credal output (credal methods only): the extraction, or <see cref="CalibratedOutput.LabelSet"/> for the maximality label-set row.</summary>
    public CalibratedOutput? Output { get; init; }

    /// <summary>What the temperature minimises (<see cref="MethodKind.CloudTs"/>, <see cref="MethodKind.EdgeTs"/>; null in a cost family).</summary>
    public MapObjective? Objective { get; init; }

    /// <summary>The posterior structure of <see cref="MethodKind.Laplace"/>.</summary>
    public LastLayerLaplaceKind? Laplace { get; init; }

    /// <summary>Weight bits of a quantized edge; null for the float edge.</summary>
    public int? Bits { get; init; }

    /// <summary>Number of leading test inputs a reference row is evaluated on (<see cref="MethodKind.Edge"/>); null for the whole test set.</summary>
    public int? FirstRows { get; init; }

    /// <summary>A fixed published name that replaces the composed <see cref="Id"/> (the regimes comparison: <c>ts</c>, <c>cdci-paper</c>, ...).</summary>
    public string? Alias { get; init; }

    /// <summary>The registry name of a <see cref="MethodKind.Registered"/> method (<c>distilled-ms</c>, <c>auto</c>, ...).</summary>
    public string? Method { get; init; }

    /// <summary>The raw edge.</summary>
    public static MethodKey Edge { get; } = new() { Kind = MethodKind.Edge };

    /// <summary>The registry method <paramref name="name"/> (<see cref="CalibrationMethods"/>) with its default settings.</summary>
    public static MethodKey Registered(string name) => new() { Kind = MethodKind.Registered, Method = name };

    /// <summary>The raw cloud.</summary>
    public static MethodKey Cloud { get; } = new() { Kind = MethodKind.Cloud };

    /// <summary>Distilled temperature scaling of the edge.</summary>
    public static MethodKey DistilledTs { get; } = new() { Kind = MethodKind.DistilledTs };

    /// <summary>The raw edge on the first <paramref name="rows"/> test inputs.</summary>
    public static MethodKey EdgePrefix(int rows) => new() { Kind = MethodKind.Edge, FirstRows = rows };

    /// <summary>The raw <paramref name="bits"/>-bit quantized edge.</summary>
    public static MethodKey QuantizedEdge(int bits) => new() { Kind = MethodKind.Edge, Bits = bits };

    /// <summary>Temperature scaling of the cloud with labels.</summary>
    public static MethodKey CloudTs(MapObjective objective) => new() { Kind = MethodKind.CloudTs, Objective = objective };

    /// <summary>Temperature scaling of the edge with labels.</summary>
    public static MethodKey EdgeTs(MapObjective objective) => new() { Kind = MethodKind.EdgeTs, Objective = objective };

    /// <summary>Last-layer Laplace of kind <paramref name="kind"/>.</summary>
    public static MethodKey LastLayerLaplace(LastLayerLaplaceKind kind) => new() { Kind = MethodKind.Laplace, Laplace = kind };

    /// <summary>CD-CI with a fixed divergence and eps.</summary>
    public static MethodKey Cdci(string divergence, double epsilon, CalibratedOutput output) => new() { Kind = MethodKind.Cdci, Divergence = divergence, Epsilon = epsilon, Output = output };

    /// <summary>CD-CI with eps chosen without labels for <paramref name="divergence"/>, or divergence and eps jointly when it is null.</summary>
    public static MethodKey CdciAuto(string? divergence, CalibratedOutput output = CalibratedOutput.Intersection) => new() { Kind = MethodKind.CdciAuto, Divergence = divergence, Output = output };

    /// <summary>Distilled temperature, then CD-CI around the tempered edge.</summary>
    public static MethodKey TwoStage(string divergence, double epsilon, CalibratedOutput output = CalibratedOutput.Intersection) => new() { Kind = MethodKind.TwoStage, Divergence = divergence, Epsilon = epsilon, Output = output };

    /// <summary>True for a CD-CI row with fixed settings on the float edge (the rows of the CD-CI grid).</summary>
    public bool IsCdciGrid => Kind == MethodKind.Cdci && Bits is null;

    /// <summary>The stable JSON id (see the type remarks).</summary>
    public string Id => Alias ?? Compose();

    /// <summary>The human-readable name used in tables and figure titles.</summary>
    public string Display => Kind switch
    {
        MethodKind.Edge when Bits is int b => $"{b}-bit edge as is",
        MethodKind.Edge when FirstRows is int n => $"Edge as is (first {n} test inputs)",
        MethodKind.Edge => "Edge as is",
        MethodKind.Cloud => "Cloud as is",
        MethodKind.CloudTs => $"Cloud + TS ({ObjectiveDisplay}, labels)",
        MethodKind.EdgeTs => $"Edge + TS ({ObjectiveDisplay}, labels)",
        MethodKind.DistilledTs => "Edge + distilled TS (no labels)",
        MethodKind.Laplace => $"Edge + last-layer Laplace ({LaplaceDisplay})",
        MethodKind.Cdci => $"{(Bits is int b ? $"{b}-bit edge + " : string.Empty)}CD-CI {Divergence}, eps {FormatEpsilon(Epsilon)}, {ExtractionDisplay}",
        MethodKind.CdciAuto => Divergence is null
            ? $"CD-CI divergence + eps auto (label-free), {ExtractionDisplay}"
            : $"CD-CI {DivergenceDisplay}, eps auto (label-free), {ExtractionDisplay}",
        MethodKind.TwoStage => $"Distilled TS + CD-CI {Divergence}, eps {FormatEpsilon(Epsilon)}, {ExtractionDisplay}",
        MethodKind.Registered => Method!,
        _ => Id,
    };

    /// <summary>Short name of the extraction: IP, max-entropy, centroid, maximality.</summary>
    public string ExtractionDisplay => Output switch
    {
        CalibratedOutput.Intersection => "IP",
        CalibratedOutput.MaximumEntropy => "max-entropy",
        CalibratedOutput.Centroid => "centroid",
        CalibratedOutput.LabelSet => "maximality",
        _ => string.Empty,
    };

    /// <summary>
    /// The key whose run-time step this row measures in the cost table (<see cref="CostProbe"/>): the settings that do not
    /// change the per-input cost are dropped (eps, the temperature objective); TS-style methods share <c>edge-ts</c>, the
    /// cloud's TS rows the cloud's latency, the label-free CD-CI rows the KL IP cost.
    /// </summary>
    public MethodKey CostFamily => Kind switch
    {
        MethodKind.CloudTs => Cloud,
        MethodKind.EdgeTs or MethodKind.DistilledTs => new MethodKey { Kind = MethodKind.EdgeTs },
        MethodKind.Cdci => this with { Epsilon = null, Alias = null },
        MethodKind.CdciAuto => new MethodKey { Kind = MethodKind.Cdci, Divergence = "kl", Output = CalibratedOutput.Intersection },
        _ => this with { Alias = null },
    };

    /// <summary>Formats an eps as it appears in ids and names (e.g. 0.1).</summary>
    public static string FormatEpsilon(double? epsilon) => epsilon is double e ? e.ToString("0.###", CultureInfo.InvariantCulture) : "auto";

    /// <inheritdoc />
    public override string ToString() => Id;

    private string Compose()
    {
        string rule = Output switch
        {
            CalibratedOutput.Intersection => "intersection",
            CalibratedOutput.MaximumEntropy => "maxent",
            CalibratedOutput.Centroid => "centroid",
            CalibratedOutput.LabelSet => "maximality",
            _ => string.Empty,
        };
        string objective = Objective switch
        {
            MapObjective.ExpectedCalibrationError => "-ece",
            MapObjective.NegativeLogLikelihood => "-nll",
            _ => string.Empty,
        };
        string quantized = Bits is int b ? $"q{b}/" : string.Empty;
        string eps = Epsilon is double e ? FormatEpsilon(e) + "/" : string.Empty;
        return Kind switch
        {
            MethodKind.Registered => Method!,
            MethodKind.Edge when FirstRows is int n => $"edge/first-{n}",
            MethodKind.Edge => quantized + "edge",
            MethodKind.Cloud => "cloud",
            MethodKind.CloudTs => "cloud-ts" + objective,
            MethodKind.EdgeTs => "edge-ts" + objective,
            MethodKind.DistilledTs => "distilled-ts",
            MethodKind.Laplace => LaplaceCalibrator.NameOf(Laplace ?? LastLayerLaplaceKind.KroneckerFactored),
            MethodKind.Cdci => $"{quantized}cdci/{Divergence}/{eps}{rule}",
            MethodKind.CdciAuto => $"cdci-auto/{Divergence ?? "joint"}/{rule}",
            MethodKind.TwoStage => $"{"distilled-ts+cdci"}/{Divergence}/{eps}{rule}",
            _ => Kind.ToString(),
        };
    }

    private string ObjectiveDisplay => Objective == MapObjective.ExpectedCalibrationError ? "ECE grid" : "NLL";

    private string LaplaceDisplay => Laplace switch
    {
        LastLayerLaplaceKind.Diagonal => "diag",
        LastLayerLaplaceKind.Full => "full GGN",
        _ => "KFAC",
    };

    private string DivergenceDisplay => Divergence == "kl" ? "KL" : Divergence!;
}
