using CredalDistill.Validation;

namespace CredalDistill.Metrics;

/// <summary>
/// A label-free calibration error: the 15-bin ECE of an output with the 0/1 correctness of its top-1 label replaced by
/// the cloud's probability of that label, <c>sum_b (n_b / n) | mean_b conf(q_i) - mean_b p*(argmax q_i | x_i) |</c>.
/// When the cloud is calibrated, <c>E[1{y = yhat} | x] = p*(yhat | x)</c>, so this estimates the output's ECE without labels.
/// Returned as a fraction.
/// </summary>
public static class CloudReferencedCalibrationError
{
    /// <summary>Computes the cloud-referenced ECE of <paramref name="output"/> against <paramref name="cloud"/> (same rows and classes).</summary>
    public static double Compute(ProbabilityMatrix output, ProbabilityMatrix cloud, int bins = ExpectedCalibrationError.DefaultBins)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(cloud);
        Check.SameRows(output.Rows, cloud.Rows, nameof(cloud));
        Check.SameClasses(output.Classes, cloud.Classes, nameof(cloud));
        Check.NotEmpty(output.Rows, nameof(output));
        MetricInput.Bins(bins);
        var confidence = new double[output.Rows];
        var reference = new double[output.Rows];
        for (int i = 0; i < output.Rows; i++)
        {
            int top = output.ArgMax(i);
            confidence[i] = output[i][top];
            reference[i] = cloud[i][top];
        }

        return Binning.WeightedGap(Binning.EqualWidth(confidence, reference, bins));
    }
}
