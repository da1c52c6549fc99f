namespace CredalDistill.Experiments;

/// <summary>The experimental protocol (defaults: the full run documented in docs/RESULTS.md).</summary>
public sealed record ExperimentOptions
{
    /// <summary>Random calibration/labeled/test splits per task.</summary>
    public int Splits { get; init; } = 50;

    /// <summary>Unlabeled calibration inputs for CD-CI and distilled temperature scaling.</summary>
    public int CalibrationSize { get; init; } = 1000;

    /// <summary>Disjoint labeled inputs for the label-needing baselines (temperature scaling, Laplace).</summary>
    public int LabeledSize { get; init; } = 1000;

    /// <summary>Miscoverage levels.</summary>
    public IReadOnlyList<double> Epsilons { get; init; } = [0.05, 0.1, 0.2, 0.3];

    /// <summary>Divergences for CD-CI.</summary>
    public IReadOnlyList<string> Divergences { get; init; } = ["kl", "alpha:0.9", "alpha:1.2", "reverse-kl", "tv", "hellinger", "chi2"];

    /// <summary>Quantized edge bit widths; each task runs those it has a quantized edge for (<see cref="Data.IExperimentTask.QuantizedBits"/>).</summary>
    public IReadOnlyList<int> QuantizedBits { get; init; } = [4, 6, 8];

    /// <summary>Tasks to run (<see cref="Data.ExperimentTasks"/>): the two image tasks and the text task.</summary>
    public IReadOnlyList<string> Tasks { get; init; } = Data.ExperimentTasks.Names;

    /// <summary>
    /// Splits on which the expensive extractions (max-entropy for the Lagrange divergences, centroids, maximality)
    /// are evaluated; they use the first <see cref="HeavyTestRows"/> test rows of those splits.
    /// </summary>
    public int HeavySplits { get; init; } = 50;

    /// <summary>Test rows used by the expensive extractions.</summary>
    public int HeavyTestRows { get; init; } = 1000;

    /// <summary>Test rows used by the Monte Carlo (hit-and-run) centroids above three classes, every divergence.</summary>
    public int MonteCarloTestRows { get; init; } = 200;

    /// <summary>Hit-and-run samples per input for centroids above three classes.</summary>
    public int CentroidSamples { get; init; } = 500;

    /// <summary>Random calibration/test splits of the coverage guarantee test (<see cref="GuaranteeAtScale"/>).</summary>
    public int GuaranteeSplits { get; init; } = 1000;

    /// <summary>Miscoverage levels of the coverage guarantee test.</summary>
    public IReadOnlyList<double> GuaranteeEpsilons { get; init; } = [0.05, 0.1, 0.2];

    /// <summary>Divergences of the coverage guarantee test.</summary>
    public IReadOnlyList<string> GuaranteeDivergences { get; init; } = ["kl", "tv", "hellinger"];

    /// <summary>
    /// Edges per task in the regimes comparison (<see cref="RegimeEdge.Catalog"/>: the bundled edge, then the
    /// overconfidence axis by decreasing recorded ECE); <see cref="int.MaxValue"/> for all, 0 to skip the comparison.
    /// </summary>
    public int RegimeEdgesPerTask { get; init; } = int.MaxValue;

    /// <summary>Master seed.</summary>
    public ulong Seed { get; init; } = 20250110;

    /// <summary>Run the sections beyond the paper (threshold variants and covariate shift, deferral, drift monitoring).</summary>
    public bool BeyondPaper { get; init; } = true;

    /// <summary>The quick mode: a few splits and two divergences on every task (the text task included), for a smoke run of a few minutes.</summary>
    public static ExperimentOptions Quick => new()
    {
        Splits = 3,
        Epsilons = [0.1, 0.2],
        Divergences = ["kl", "alpha:0.9"],
        HeavySplits = 1,
        HeavyTestRows = 300,
        MonteCarloTestRows = 100,
        CentroidSamples = 200,
        GuaranteeSplits = 200,
        RegimeEdgesPerTask = 2,
    };
}
