using CredalDistill.Conformal;
using CredalDistill.Credal;
using CredalDistill.Divergences;
using CredalDistill.Shift;
using CredalDistill.Validation;

namespace CredalDistill.Calibration;

/// <summary>
/// CD-CI (the paper): scores <c>s_i = D(p_cloud_i || p_edge_i)</c>, threshold <c>gamma = s_(k)</c> with
/// <c>k = ceil((n + 1)(1 - eps))</c> (<see cref="ConformalThreshold"/>), credal set <c>{ q : D(q || p_edge) &lt;= gamma }</c>
/// and the extracted point <see cref="Output"/>. A null <see cref="Divergence"/> or <see cref="Epsilon"/> is chosen without labels
/// by cross-fitted cloud-referenced ECE (<see cref="ConfigurationSelector"/>, <see cref="EpsilonSelector"/>); the guarantee then
/// holds only up to that selection. No labels are needed.
/// </summary>
public sealed class CdciCalibrator : Calibrator
{
    /// <summary>The registry entry <c>cdci</c>.</summary>
    internal static CalibrationMethod Method { get; } = new(
        "cdci",
        "CD-CI (the paper): the conformal threshold of D(cloud || edge) around the edge itself, no labels; eps and the divergence may be chosen label-free ('auto').",
        o => new CdciCalibrator
        {
            Divergence = o.Divergence,
            Epsilon = o.Epsilon,
            Output = o.Output is null or CalibratedOutput.Intersection or CalibratedOutput.MaximumEntropy or CalibratedOutput.Centroid
                ? o.Output ?? CalibratedOutput.Intersection
                : throw new ArgumentException($"cdci's point output is extracted from its credal set: {CalibratedOutputNames.Extractions}; got {CalibratedOutputNames.Name(o.Output.Value)}.", nameof(o)),
            Delta = o.Delta,
            Mondrian = o.Mondrian,
            DeploymentEdge = o.DeploymentEdge,
            Folds = o.Folds,
            Seed = o.Seed,
            PredictorOptions = o.Predictor,
        })
    {
        GivesSets = true,
        AutoCandidate = true,
        PerRowThresholds = true,
        Options = [MethodOptionNames.Divergence, MethodOptionNames.Epsilon, MethodOptionNames.Output, MethodOptionNames.Delta, MethodOptionNames.Mondrian, MethodOptionNames.DeploymentEdge],
    };

    /// <summary>The score divergence; null chooses it among <see cref="DivergenceCandidates"/>. Default KL.</summary>
    public FDivergence? Divergence { get; init; } = Divergences.Divergence.KL;

    /// <summary>The miscoverage in (0, 1); null chooses it among <see cref="EpsilonCandidates"/>. Default 0.1.</summary>
    public double? Epsilon { get; init; } = 0.1;

    /// <summary>The extracted point distribution (and the output scored by a label-free choice). Default intersection probability.</summary>
    public CalibratedOutput Output { get; init; } = CalibratedOutput.Intersection;

    /// <summary>Divergence candidates of the label-free choice; null means <see cref="ConfigurationSelector.DefaultDivergences"/>.</summary>
    public IReadOnlyList<FDivergence>? DivergenceCandidates { get; init; }

    /// <summary>Eps candidates of the label-free choice; null means <see cref="EpsilonSelector.DefaultCandidates"/>.</summary>
    public IReadOnlyList<double>? EpsilonCandidates { get; init; }

    /// <summary>Folds of the label-free choice, in <c>[2, n/2]</c>. Default 2.</summary>
    public int Folds { get; init; } = 2;

    /// <summary>Seed of the folds. Default 1.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>
    /// Null for the marginal split-conformal threshold; otherwise the PAC threshold with this failure probability
    /// (<see cref="TrainingConditional"/>): coverage <c>&gt;= 1 - eps</c> with probability <c>&gt;= 1 - delta</c> over calibration sets.
    /// With a data-driven choice of eps or divergence, the choice is made as usual and the PAC rank applied to it.
    /// </summary>
    public double? Delta { get; init; }

    /// <summary>
    /// True for Mondrian thresholds by the edge's predicted class (<see cref="MondrianThreshold"/>, METHOD.md 3.4): each
    /// row uses <c>gamma_{argmax p_edge}</c>, coverage <c>&gt;= 1 - eps</c> within each predicted class (with <see cref="Delta"/>,
    /// the PAC rule per class). A class with too few calibration rows is unbounded (<see cref="RowThreshold.Warnings"/>).
    /// </summary>
    public bool Mondrian { get; init; }

    /// <summary>
    /// Null, or unlabeled edge outputs from deployment: the threshold then follows the covariate shift (Tibshirani et al.
    /// 2019) through a density ratio fitted on the edge outputs (<see cref="CovariateShiftThreshold"/>); each row uses the
    /// weighted quantile with its own weight. Excludes <see cref="Mondrian"/> and <see cref="Delta"/>.
    /// </summary>
    public ProbabilityMatrix? DeploymentEdge { get; init; }

    /// <summary>L2 penalty of the density ratio's logistic regression (<see cref="DeploymentEdge"/>). Default <see cref="LogisticDensityRatio.DefaultRidge"/>.</summary>
    public double DensityRatioRidge { get; init; } = LogisticDensityRatio.DefaultRidge;

    /// <summary>Settings of the fitted predictor (parallelism, Monte Carlo); null for the defaults.</summary>
    public CredalPredictorOptions? PredictorOptions { get; init; }

    /// <inheritdoc />
    public override string Name => Method.Name;

    /// <inheritdoc />
    private protected override FittedCalibrator FitCore(CalibrationData data, CancellationToken cancellationToken)
    {
        CheckVariants();
        if (DeploymentEdge is { } deployment && deployment.Classes != data.Classes)
        {
            throw new ArgumentException($"the deployment edge outputs have {deployment.Classes} classes; the calibration outputs have {data.Classes}.", nameof(data));
        }

        if (!CalibratedOutputNames.IsExtraction(Output))
        {
            throw new ArgumentException($"cdci extracts {CalibratedOutputNames.Extractions} from its credal sets; got {CalibratedOutputNames.Name(Output)}.", nameof(data));
        }

        string output = CalibratedOutputNames.Name(Output);
        ConformalThreshold threshold;
        ThresholdSelection selection;
        if (Divergence is { } d && Epsilon is double eps)
        {
            threshold = SplitConformal.Calibrate(data.Cloud, data.Edge, eps, d);
            selection = ThresholdSelection.FixedChoice(d.Name, eps, output);
        }
        else if (Divergence is { } fixedDivergence)
        {
            var chosen = EpsilonSelector.Select(data.Cloud, data.Edge, fixedDivergence, Output, EpsilonCandidates, Folds, Seed, cancellationToken);
            threshold = chosen.Threshold;
            selection = new ThresholdSelection(ThresholdSelection.Auto, output, [fixedDivergence.Name], chosen.Candidates, [chosen.Scores], Folds, Seed);
        }
        else
        {
            var chosen = ConfigurationSelector.Select(data.Cloud, data.Edge, DivergenceCandidates, Output, Epsilon is double e ? [e] : EpsilonCandidates, Folds, Seed, cancellationToken);
            threshold = chosen.Threshold;
            selection = new ThresholdSelection(ThresholdSelection.Auto, output, [.. chosen.Divergences.Select(x => x.Name)], chosen.Epsilons, chosen.Scores, Folds, Seed);
        }

        if (Delta is double delta)
        {
            threshold = TrainingConditional.Calibrate(data.Cloud, data.Edge, threshold.Epsilon, delta, threshold.Divergence);
        }

        RowThreshold? rows = Mondrian ? MondrianThreshold.Calibrate(data.Cloud, data.Edge, threshold.Epsilon, threshold.Divergence, Delta)
            : DeploymentEdge is { } deploy ? CovariateShiftThreshold.Calibrate(data.Cloud, data.Edge, deploy, threshold.Epsilon, threshold.Divergence, DensityRatioRidge)
            : null;
        return MapCalibration.Fitted(Name, CalibrationMap.Identity(data.Classes), Output, threshold.N, threshold, selection, PredictorOptions, rows: rows);
    }

    /// <summary>
    /// Fits from precomputed scores <c>s_i = D(cloud_i || edge_i)</c> of <see cref="Divergence"/> (the score pass of a
    /// calibration set streamed in chunks: 8 bytes a row instead of both matrices); equal to <see cref="Calibrator.Fit"/>
    /// on the matrices (the PAC threshold when <see cref="Delta"/> is set). Needs a fixed <see cref="Divergence"/> and
    /// <see cref="Epsilon"/> (a label-free selection re-fits on cross-fitting folds of the matrices).
    /// </summary>
    /// <param name="scores">One score per calibration row (<see cref="SplitConformal.Scores(ProbabilityMatrix, ProbabilityMatrix, FDivergence, Span{double})"/>).</param>
    /// <param name="classes">Number of classes of the outputs the scores came from.</param>
    /// <exception cref="InvalidOperationException">The divergence or eps is chosen from data.</exception>
    public FittedCalibrator FitScores(ReadOnlySpan<double> scores, int classes)
    {
        if (Divergence is not { } d || Epsilon is not double eps)
        {
            throw new InvalidOperationException("Fitting from scores needs a fixed divergence and eps; a label-free selection needs the matrices.");
        }

        if (Mondrian || DeploymentEdge is not null)
        {
            throw new InvalidOperationException("Mondrian and covariate-shift thresholds need the edge outputs of every calibration row, not only the scores; use Fit.");
        }

        var threshold = Delta is double delta ? TrainingConditional.Calibrate(scores, classes, eps, delta, d) : SplitConformal.Calibrate(scores, classes, eps, d);
        var selection = ThresholdSelection.FixedChoice(d.Name, eps, CalibratedOutputNames.Name(Output));
        return MapCalibration.Fitted(Name, CalibrationMap.Identity(classes), Output, threshold.N, threshold, selection, PredictorOptions);
    }

    /// <summary>Refuses the combinations the threshold variants do not define.</summary>
    private void CheckVariants()
    {
        if (Mondrian && DeploymentEdge is not null)
        {
            throw new InvalidOperationException("Mondrian and covariate-shift thresholds exclude each other; choose one.");
        }

        if (DeploymentEdge is not null && Delta is not null)
        {
            throw new InvalidOperationException("the covariate-shift (weighted) threshold has no PAC rule; drop Delta or DeploymentEdge.");
        }

        Check.PositiveFinite(DensityRatioRidge, nameof(DensityRatioRidge));
    }
}
