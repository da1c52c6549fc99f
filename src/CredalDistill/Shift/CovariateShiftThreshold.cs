using System.Globalization;
using CredalDistill.Conformal;
using CredalDistill.Divergences;
using CredalDistill.Validation;

namespace CredalDistill.Shift;

/// <summary>
/// CD-CI under covariate shift (Tibshirani et al. 2019; METHOD.md section 3.4): with the density ratio
/// <c>w(x) = p_deploy(x) / p_cal(x)</c> estimated from unlabeled edge outputs (<see cref="LogisticDensityRatio"/>) and the
/// calibration scores <c>s_i = D(p_cloud_i || p_edge_i)</c> weighted by <c>w_i = w(x_i)</c>, a row's threshold is the
/// <c>(1 - eps)</c>-quantile of <c>sum_i p_i delta_{s_i} + p_x delta_{+inf}</c>, <c>p_i = w_i / (sum_j w_j + w(x))</c>
/// (<see cref="WeightedScores"/>). Equal weights give the split-conformal threshold.
/// </summary>
public sealed class CovariateShiftThreshold : RowThreshold
{
    internal CovariateShiftThreshold(LogisticDensityRatio ratio, WeightedScores scores, double epsilon, FDivergence divergence, int deploymentRows)
    {
        Ratio = ratio;
        Scores = scores;
        Epsilon = epsilon;
        Divergence = divergence;
        DeploymentRows = deploymentRows;
    }

    /// <inheritdoc />
    public override string Rule => "shift";

    /// <summary>The fitted density ratio on edge outputs.</summary>
    public LogisticDensityRatio Ratio { get; }

    /// <summary>The calibration scores with their weights.</summary>
    public WeightedScores Scores { get; }

    /// <inheritdoc />
    public override double Epsilon { get; }

    /// <inheritdoc />
    public override FDivergence Divergence { get; }

    /// <summary>Number of unlabeled deployment rows the ratio was fitted on.</summary>
    public int DeploymentRows { get; }

    /// <inheritdoc />
    public override int N => Scores.Count;

    /// <inheritdoc />
    public override int Classes => Ratio.Classes;

    /// <summary>Calibrates the weighted threshold: scores on the calibration pairs, the ratio from calibration against deployment edge outputs.</summary>
    /// <param name="cloud">Cloud outputs on the calibration inputs, <c>n x K</c>.</param>
    /// <param name="edge">Edge outputs on the same inputs.</param>
    /// <param name="deploymentEdge">Edge outputs on unlabeled inputs from deployment (no cloud output needed).</param>
    /// <param name="epsilon">Miscoverage in (0, 1).</param>
    /// <param name="divergence">Score divergence; null means KL.</param>
    /// <param name="ridge">L2 penalty of the ratio's logistic regression.</param>
    public static CovariateShiftThreshold Calibrate(ProbabilityMatrix cloud, ProbabilityMatrix edge, ProbabilityMatrix deploymentEdge, double epsilon, FDivergence? divergence = null, double ridge = LogisticDensityRatio.DefaultRidge)
    {
        ArgumentNullException.ThrowIfNull(cloud);
        ArgumentNullException.ThrowIfNull(edge);
        ArgumentNullException.ThrowIfNull(deploymentEdge);
        Check.Epsilon(epsilon, nameof(epsilon));
        divergence ??= Divergences.Divergence.KL;
        var scores = SplitConformal.Scores(cloud, edge, divergence);
        var ratio = LogisticDensityRatio.Fit(edge, deploymentEdge, ridge);
        return new CovariateShiftThreshold(ratio, new WeightedScores(scores, ratio.Weights(edge)), epsilon, divergence, deploymentEdge.Rows);
    }

    /// <summary>The threshold for one edge output: the weighted quantile with the row's weight <c>w(x)</c> on +infinity.</summary>
    public override double GammaFor(EdgeRow edge)
    {
        CheckRow(edge);
        double w = Ratio.Weight(edge);
        return double.IsPositiveInfinity(w) ? double.PositiveInfinity : Scores.Threshold(w, Epsilon);
    }

    /// <summary>A warning when the weights leave fewer effective calibration rows (Kish) than eps needs for a finite threshold.</summary>
    public override IReadOnlyList<string> Warnings()
    {
        double effective = Scores.EffectiveSize;
        long needed = SplitConformal.MinimumCalibrationSize(Epsilon);
        return effective >= needed
            ? []
            : [string.Create(CultureInfo.InvariantCulture, $"the density-ratio weights leave an effective calibration size of {effective:F1} rows (Kish) out of {N}; eps = {Epsilon:R} needs at least {needed}, so many rows, above all those far from the calibration data, get an unbounded threshold (the whole simplex).")];
    }
}
