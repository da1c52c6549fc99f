namespace CredalDistill.Numerics;

/// <summary>
/// Elementary functions with full relative precision near 0 (.NET's generic <c>double.ExpM1</c>/<c>double.LogP1</c> are
/// <c>exp(x) - 1</c> and <c>log(1 + x)</c>): <c>expm1</c> by its Taylor series below 1/2 in magnitude (error below 1e-16
/// relative), <c>log1p</c> by Goldberg's <c>log(u) x / (u - 1)</c>, <c>u = 1 + x</c>, and <c>log(e^x + e^y)</c>.
/// </summary>
internal static class LogMath
{
    /// <summary><c>e^x - 1</c>.</summary>
    public static double ExpM1(double x)
    {
        if (!(Math.Abs(x) < 0.5))
        {
            return Math.Exp(x) - 1.0;
        }

        // Taylor series to x^16 / 16!: the remainder is below 0.5^17 / 17! < 1e-19 relative to |x| >= ... for |x| < 1/2.
        double sum = 1.0 / 20922789888000.0; // 1/16!
        sum = (sum * x) + (1.0 / 1307674368000.0);
        sum = (sum * x) + (1.0 / 87178291200.0);
        sum = (sum * x) + (1.0 / 6227020800.0);
        sum = (sum * x) + (1.0 / 479001600.0);
        sum = (sum * x) + (1.0 / 39916800.0);
        sum = (sum * x) + (1.0 / 3628800.0);
        sum = (sum * x) + (1.0 / 362880.0);
        sum = (sum * x) + (1.0 / 40320.0);
        sum = (sum * x) + (1.0 / 5040.0);
        sum = (sum * x) + (1.0 / 720.0);
        sum = (sum * x) + (1.0 / 120.0);
        sum = (sum * x) + (1.0 / 24.0);
        sum = (sum * x) + (1.0 / 6.0);
        sum = (sum * x) + 0.5;
        return x + (x * x * sum);
    }

    /// <summary><c>log(1 + x)</c> for <c>x &gt;= -1</c>.</summary>
    public static double Log1P(double x)
    {
        if (!(Math.Abs(x) < 0.5))
        {
            return Math.Log(1.0 + x);
        }

        double u = 1.0 + x;
        return u == 1.0 ? x : Math.Log(u) * x / (u - 1.0);
    }

    /// <summary><c>log(e^x + e^y)</c> (-inf when both are -inf).</summary>
    public static double Add(double x, double y)
    {
        double max = Math.Max(x, y);
        return double.IsNegativeInfinity(max) ? max : max + Log1P(Math.Exp(Math.Min(x, y) - max));
    }

    /// <summary><c>log sum_k exp(x_k)</c>, shifted by the maximum (entries may be -inf; all -inf gives -inf).</summary>
    public static double LogSumExp(ReadOnlySpan<double> x)
    {
        double max = double.NegativeInfinity;
        foreach (double v in x)
        {
            max = Math.Max(max, v);
        }

        if (!double.IsFinite(max))
        {
            return max;
        }

        double sum = 0.0;
        foreach (double v in x)
        {
            sum += Math.Exp(v - max);
        }

        return max + Math.Log(sum);
    }
}
