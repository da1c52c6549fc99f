using CredalDistill.Credal;
using CredalDistill.Divergences;

namespace CredalDistill.Calibration;

/// <summary>
/// The settings a method of the registry (<see cref="CalibrationMethods"/>) is created with. Each method reads only the
/// settings it lists in <see cref="CalibrationMethod.Options"/> (by the names of <see cref="MethodOptionNames"/>); the others
/// keep their defaults. The defaults are the paper's: KL, eps 0.1, the intersection probability.
/// </summary>
public sealed record MethodOptions
{
    /// <summary><c>divergence</c>: the score divergence; null chooses it without labels (<c>cdci</c>). Default KL.</summary>
    public FDivergence? Divergence { get; init; } = Divergences.Divergence.KL;

    /// <summary><c>epsilon</c>: the miscoverage in (0, 1); null chooses it without labels (<c>cdci</c>). Default 0.1.</summary>
    public double? Epsilon { get; init; } = 0.1;

    /// <summary>
    /// <c>output</c>: the point output of a set-valued method; null for the method's own default (<c>cdci</c>: the intersection
    /// probability; a map followed by CD-CI: the map's output, the centre of its sets).
    /// </summary>
    public CalibratedOutput? Output { get; init; }

    /// <summary><c>objective</c>: what a labelled map minimises (<c>ts</c>: NLL or the paper's ECE grid). Default NLL.</summary>
    public MapObjective Objective { get; init; } = MapObjective.NegativeLogLikelihood;

    /// <summary><c>regularization</c>: the penalty weight of a vector or matrix map; null chooses it by cross-fitting. Default null.</summary>
    public double? Regularization { get; init; }

    /// <summary><c>delta</c>: null for the marginal threshold, else the PAC failure probability in (0, 1).</summary>
    public double? Delta { get; init; }

    /// <summary><c>mondrian</c>: one threshold per edge-predicted class.</summary>
    public bool Mondrian { get; init; }

    /// <summary><c>deployment-edge</c>: unlabeled deployment edge outputs for the covariate-shift threshold, or null.</summary>
    public ProbabilityMatrix? DeploymentEdge { get; init; }

    /// <summary>Folds of the label-free choices (cross-fitting). Default 2.</summary>
    public int Folds { get; init; } = 2;

    /// <summary>Seed of the folds. Default 1.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Settings of the fitted credal predictor (parallelism, Monte Carlo); null for the defaults.</summary>
    public CredalPredictorOptions? Predictor { get; init; }
}
