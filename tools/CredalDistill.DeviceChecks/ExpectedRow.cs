using CredalDistill.Credal;
using CredalDistill.Divergences;
using CredalDistill.Numerics;

namespace CredalDistill.DeviceChecks;

/// <summary>The library's run-time outputs for one row of logits, in double precision.</summary>
internal sealed record ExpectedRow(double[] Edge, double[] Probabilities, double[] Lower, double[] Upper, bool[] LabelSet)
{
    public static ExpectedRow Compute(IDivergence divergence, double gamma, ReadOnlySpan<float> logits, bool maxEntropy)
    {
        int k = logits.Length;
        var z = new double[k];
        for (int j = 0; j < k; j++)
        {
            z[j] = logits[j];
        }

        var p = new double[k];
        Softmax.Compute(z, p);
        var lower = new double[k];
        var upper = new double[k];
        CredalBounds.Compute(divergence, p, gamma, lower, upper);
        var q = new double[k];
        if (maxEntropy)
        {
            MaximumEntropy.Compute(divergence, p, gamma, q);
        }
        else
        {
            IntersectionProbability.Compute(lower, upper, p, q);
        }

        var set = new bool[k];
        LabelSets.IntervalDominance(lower, upper, set);
        return new ExpectedRow(p, q, lower, upper, set);
    }
}
