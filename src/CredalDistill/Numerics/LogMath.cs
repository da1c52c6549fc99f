namespace CredalDistill.Numerics;

/// <summary>
/// Elementary functions with full relative precision near 0 (.NET's generic <c>double.ExpM1</c>/<c>double.LogP1</c> are
/// <c>exp(x) - 1</c> and <c>log(1 + x)</c>): Kahan's <c>expm1(x) = (u - 1) x / log u</c> and Goldberg's
/// <c>log1p(x) = log(u) x / (u - 1)</c> with <c>u = e^x</c> resp. <c>1 + x</c>, and <c>log(e^x + e^y)</c>.
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

        double u = Math.Exp(x);
        if (u == 1.0)
        {
            return x;
        }

        double um1 = u - 1.0;
        return um1 == -1.0 ? -1.0 : um1 * x / Math.Log(u);
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
}
