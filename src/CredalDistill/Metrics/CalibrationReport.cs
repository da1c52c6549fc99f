using AccuracyMetric = CredalDistill.Metrics.Accuracy;
using BrierMetric = CredalDistill.Metrics.BrierScore;
using ClasswiseMetric = CredalDistill.Metrics.ClasswiseCalibrationError;
using DebiasedMetric = CredalDistill.Metrics.DebiasedCalibrationError;
using EceMetric = CredalDistill.Metrics.ExpectedCalibrationError;
using KsMetric = CredalDistill.Metrics.KsCalibrationError;
using MceMetric = CredalDistill.Metrics.MaximumCalibrationError;
using NllMetric = CredalDistill.Metrics.NegativeLogLikelihood;

namespace CredalDistill.Metrics;

/// <summary>
/// The labelled metrics of one set of predictions, computed with the conventions of the individual metric types.
/// Calibration errors and accuracy are fractions (multiply by 100 for percent); NLL is in nats.
/// </summary>
public sealed record CalibrationReport
{
    private CalibrationReport(int count, int bins, double accuracy, double ece, double equalMassEce, double mce, double classwiseEce, double debiased, double ks, double nll, double brier)
    {
        DebiasedCalibrationError = debiased;
        KsCalibrationError = ks;
        Count = count;
        Bins = bins;
        Accuracy = accuracy;
        ExpectedCalibrationError = ece;
        EqualMassCalibrationError = equalMassEce;
        MaximumCalibrationError = mce;
        ClasswiseCalibrationError = classwiseEce;
        NegativeLogLikelihood = nll;
        BrierScore = brier;
    }

    /// <summary>Number of samples <c>n</c>.</summary>
    public int Count { get; }

    /// <summary>Number of bins <c>B</c> used by the binned metrics.</summary>
    public int Bins { get; }

    /// <summary>Top-1 accuracy <c>(1/n) sum_i 1[argmax p_i = y_i]</c> (see <see cref="AccuracyMetric"/>).</summary>
    public double Accuracy { get; }

    /// <summary>Equal-width ECE <c>sum_b (n_b/n) |acc_b - conf_b|</c>, a fraction (see <see cref="EceMetric"/>).</summary>
    public double ExpectedCalibrationError { get; }

    /// <summary>Equal-mass ECE, a fraction (see <see cref="EceMetric.ComputeEqualMass(ProbabilityMatrix, ReadOnlySpan{int}, int)"/>).</summary>
    public double EqualMassCalibrationError { get; }

    /// <summary>MCE <c>max_b |acc_b - conf_b|</c> over non-empty equal-width bins (see <see cref="MceMetric"/>).</summary>
    public double MaximumCalibrationError { get; }

    /// <summary>Classwise ECE <c>(1/K) sum_k ECE_k</c> (see <see cref="ClasswiseMetric"/>).</summary>
    public double ClasswiseCalibrationError { get; }

    /// <summary>
    /// Debiased top-label L2 calibration error over <see cref="Bins"/> equal-mass bins, a fraction (see <see cref="DebiasedMetric"/>;
    /// the variance of each bin's accuracy subtracted from the squared gap).
    /// </summary>
    public double DebiasedCalibrationError { get; }

    /// <summary>KS calibration error <c>max_i |(1/n) sum_{j &lt;= i} (c_(j) - a_(j))|</c>, a fraction (see <see cref="KsMetric"/>).</summary>
    public double KsCalibrationError { get; }

    /// <summary>NLL <c>-(1/n) sum_i log p_{i,y_i}</c> in nats (exact; +inf when a true label has probability 0) (see <see cref="NllMetric"/>).</summary>
    public double NegativeLogLikelihood { get; }

    /// <summary>Brier score <c>(1/n) sum_i sum_k (p_ik - 1[y_i = k])^2</c> (see <see cref="BrierMetric"/>).</summary>
    public double BrierScore { get; }

    /// <summary>Computes every metric of the report for <paramref name="probabilities"/> against <paramref name="labels"/>.</summary>
    /// <param name="probabilities">Predicted distributions, <c>n x K</c>, <c>n &gt;= 1</c>.</param>
    /// <param name="labels">True labels in [0, K), one per row.</param>
    /// <param name="bins">Number of bins <c>B &gt;= 1</c> for the binned metrics (default 15, the paper's).</param>
    public static CalibrationReport Compute(ProbabilityMatrix probabilities, ReadOnlySpan<int> labels, int bins = EceMetric.DefaultBins)
    {
        MetricInput.Validate(probabilities, labels);
        MetricInput.Bins(bins);
        var diagram = ReliabilityDiagram.Compute(probabilities, labels, bins);
        return new CalibrationReport(
            probabilities.Rows,
            bins,
            AccuracyMetric.Compute(probabilities, labels),
            EceMetric.FromBins(diagram),
            EceMetric.ComputeEqualMass(probabilities, labels, bins),
            Binning.MaxGap(diagram),
            ClasswiseMetric.Compute(probabilities, labels, bins),
            DebiasedMetric.Compute(probabilities, labels, bins),
            KsMetric.Compute(probabilities, labels),
            NllMetric.Compute(probabilities, labels),
            BrierMetric.Compute(probabilities, labels));
    }
}
