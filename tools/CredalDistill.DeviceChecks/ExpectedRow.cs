using CredalDistill.Calibration;
using CredalDistill.Credal;
using CredalDistill.Divergences;

namespace CredalDistill.DeviceChecks;

/// <summary>The library's run-time outputs for one row of logits, in double precision (logits kept: <c>EdgeRow.FromLogits</c>).</summary>
internal sealed record ExpectedRow(double[] Edge, double[] Probabilities, double[] Lower, double[] Upper, bool[] LabelSet)
{
    public static ExpectedRow Compute(FDivergence divergence, double gamma, ReadOnlySpan<float> logits, bool maxEntropy)
    {
        int k = logits.Length;
        var z = new double[k];
        for (int j = 0; j < k; j++)
        {
            z[j] = logits[j];
        }

        double[] p = ProbabilityMatrix.FromLogits(z, k).ToArray();
        var predictor = new CredalPredictor(divergence, gamma);
        var (lower, upper, q, set) = (new double[k], new double[k], new double[k], new bool[k]);
        var row = EdgeRow.FromLogits(z);
        predictor.Bounds(row, lower, upper);
        predictor.Predict(row, maxEntropy ? CalibratedOutput.MaximumEntropy : CalibratedOutput.Intersection, q);
        predictor.LabelSet(row, LabelSetRule.IntervalDominance, set);
        return new ExpectedRow(p, q, lower, upper, set);
    }
}
