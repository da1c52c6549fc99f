namespace CredalDistill.Numerics;

/// <summary>
/// The log-domain view of one edge output that the exact kernels use (METHOD.md section 3.1a): for every class
/// <c>log p_k</c> and <c>log r_k</c>, where <c>r_k = sum_{j != k} p_j</c> is taken from the other classes and never as
/// <c>1 - p_k</c>. From logits: <c>log p_k = z_k - logsumexp(z)</c>, <c>log r_k = logsumexp_{j != k}(z_j) - logsumexp(z)</c>.
/// From probabilities: the row is divided by its (compensated) sum here, once; this is the library's one
/// normalisation of a probability row that sums to 1 within tolerance.
/// </summary>
internal static class ClassMasses
{
    /// <summary>Four ulps of 1 (<c>2^-50</c>): a sum closer to 1 than this is taken as 1.</summary>
    private const double MaxUlpsFromOne = 8.881784197001252e-16;

    /// <summary>
    /// Fills <paramref name="logP"/>, <paramref name="logRest"/> and the same masses as doubles (<paramref name="p"/>,
    /// <paramref name="rest"/>; zeros where they underflow) from a row of logits (or log-probabilities).
    /// </summary>
    public static void FromLogits(ReadOnlySpan<double> z, Span<double> logP, Span<double> logRest, Span<double> p, Span<double> rest)
    {
        int top = 0;
        for (int k = 1; k < z.Length; k++)
        {
            if (z[k] > z[top])
            {
                top = k;
            }
        }

        double max = z[top];
        VectorLogMath.ExpAffine(z, 1.0, max, p); // e_k = exp(z_k - max), scaled below
        double sum = 0.0;
        double compensation = 0.0;
        double others = 0.0;
        double othersCompensation = 0.0;
        for (int k = 0; k < z.Length; k++)
        {
            Neumaier.Add(ref sum, ref compensation, p[k]);
            if (k != top)
            {
                Neumaier.Add(ref others, ref othersCompensation, p[k]);
            }
        }

        sum += compensation;
        others += othersCompensation;
        double logSum = Math.Log(sum);
        double inverse = 1.0 / sum;
        for (int k = 0; k < z.Length; k++)
        {
            double e = p[k];
            logP[k] = z[k] - max - logSum;
            p[k] = e * inverse;

            // r_k = sum - e_k: for k != top the top class alone contributes 1, so there is no cancellation.
            double r = k == top ? others : sum - e;
            logRest[k] = r; // its logarithm below
            rest[k] = r * inverse;
        }

        VectorLogMath.LogMinus(logRest, logSum, logRest);

        logRest[top] = LogOthers(z, top, max, others) - logSum;
        rest[top] = Math.Exp(logRest[top]);
    }

    /// <summary>
    /// Fills <paramref name="logP"/>, <paramref name="logRest"/> and the masses as doubles from a row of probabilities (finite,
    /// non-negative, positive sum), dividing it by its sum; <paramref name="withLogs"/> false skips the logarithms.
    /// </summary>
    public static void FromProbabilities(ReadOnlySpan<double> values, Span<double> logP, Span<double> logRest, Span<double> p, Span<double> rest, bool withLogs = true)
    {
        int top = 0;
        for (int k = 1; k < values.Length; k++)
        {
            if (values[k] > values[top])
            {
                top = k;
            }
        }

        double sum = 0.0;
        double compensation = 0.0;
        double others = 0.0;
        double othersCompensation = 0.0;
        for (int k = 0; k < values.Length; k++)
        {
            Neumaier.Add(ref sum, ref compensation, values[k]);
            if (k != top)
            {
                Neumaier.Add(ref others, ref othersCompensation, values[k]);
            }
        }

        sum += compensation;
        others += othersCompensation;
        bool exact = sum == 1.0;
        double logSum = exact ? 0.0 : Math.Log(sum);
        for (int k = 0; k < values.Length; k++)
        {
            double r = k == top ? others : sum - values[k];
            p[k] = exact ? values[k] : values[k] / sum;
            rest[k] = exact ? r : r / sum;
            if (withLogs)
            {
                logRest[k] = r; // its logarithm below
            }
        }

        if (withLogs)
        {
            // log p_k = log v_k - log sum, log r_k = log r_k' - log sum (r_k' the unnormalised rest mass), vectorised.
            VectorLogMath.LogMinus(values, logSum, logP);
            VectorLogMath.LogMinus(logRest, logSum, logRest);
        }
    }

    /// <summary>
    /// Divides a probability row by its compensated sum in place (the normalisation of <see cref="FromProbabilities"/>);
    /// a row whose sum is already within 4 ulps of 1 is left as it is, so normalising is idempotent.
    /// </summary>
    public static void Normalize(Span<double> p)
    {
        double sum = Neumaier.Sum(p);
        if (Math.Abs(sum - 1.0) > MaxUlpsFromOne)
        {
            for (int k = 0; k < p.Length; k++)
            {
                p[k] /= sum;
            }
        }
    }

    /// <summary><c>log sum_{j != top} exp(z_j - max)</c>, rescaled by the largest other logit when the plain sum underflows.</summary>
    private static double LogOthers(ReadOnlySpan<double> z, int top, double max, double others)
    {
        if (others >= 1e-280)
        {
            return Math.Log(others);
        }

        double second = double.NegativeInfinity;
        for (int k = 0; k < z.Length; k++)
        {
            if (k != top && z[k] > second)
            {
                second = z[k];
            }
        }

        if (double.IsNegativeInfinity(second))
        {
            return double.NegativeInfinity;
        }

        double sum = 0.0;
        double compensation = 0.0;
        for (int k = 0; k < z.Length; k++)
        {
            if (k != top)
            {
                Neumaier.Add(ref sum, ref compensation, Math.Exp(z[k] - second));
            }
        }

        return second - max + Math.Log(sum + compensation);
    }
}
