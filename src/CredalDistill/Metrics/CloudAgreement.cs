using CredalDistill.Divergences;
using CredalDistill.Validation;

namespace CredalDistill.Metrics;

/// <summary>
/// Agreement of an output (edge, or a distribution extracted from the credal set) with the cloud model:
/// the mean divergence <c>(1/n) sum_i D(p_cloud_i || q_i)</c> (default KL, nats) and the top-1 agreement
/// <c>(1/n) sum_i 1[argmax p_cloud_i = argmax q_i]</c> (first index on ties). No labels are needed.
/// </summary>
public static class CloudAgreement
{
    /// <summary>
    /// Mean divergence <c>(1/n) sum_i D(cloud_i || output_i)</c> (cloud FIRST; KL when <paramref name="divergence"/> is
    /// null). No floor is applied: if an output row puts zero probability where the cloud does not, KL is +infinity and
    /// so is the mean (reported honestly, as scipy's entropy would).
    /// </summary>
    /// <param name="cloud">Cloud outputs, <c>n x K</c>, <c>n &gt;= 1</c>.</param>
    /// <param name="output">Outputs to compare, same shape.</param>
    /// <param name="divergence">The divergence; null means KL.</param>
    public static double MeanDivergence(ProbabilityMatrix cloud, ProbabilityMatrix output, FDivergence? divergence = null)
    {
        Validate(cloud, output);
        divergence ??= Divergence.KL;
        double sum = 0.0;
        for (int i = 0; i < cloud.Rows; i++)
        {
            sum += divergence.Compute(cloud.Row(i), output.Row(i));
        }

        return sum / cloud.Rows;
    }

    /// <summary>Top-1 agreement <c>(1/n) sum_i 1[argmax_k cloud_ik = argmax_k output_ik]</c> (first index on ties).</summary>
    /// <param name="cloud">Cloud outputs, <c>n x K</c>, <c>n &gt;= 1</c>.</param>
    /// <param name="output">Outputs to compare, same shape.</param>
    public static double TopOneAgreement(ProbabilityMatrix cloud, ProbabilityMatrix output)
    {
        Validate(cloud, output);
        int agree = 0;
        for (int i = 0; i < cloud.Rows; i++)
        {
            if (cloud.ArgMax(i) == output.ArgMax(i))
            {
                agree++;
            }
        }

        return (double)agree / cloud.Rows;
    }

    private static void Validate(ProbabilityMatrix cloud, ProbabilityMatrix output)
    {
        ArgumentNullException.ThrowIfNull(cloud);
        ArgumentNullException.ThrowIfNull(output);
        Check.NotEmpty(cloud.Rows, nameof(cloud));
        Check.SameRows(cloud.Rows, output.Rows, nameof(output));
        Check.SameClasses(cloud.Classes, output.Classes, nameof(output));
    }
}
