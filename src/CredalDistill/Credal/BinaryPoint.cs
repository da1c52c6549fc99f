namespace CredalDistill.Credal;

/// <summary>A binary member <c>(t, 1 - t)</c> with both masses and their logarithms (each to full relative precision).</summary>
/// <param name="LogT"><c>log t</c>.</param>
/// <param name="LogS"><c>log(1 - t)</c>.</param>
/// <param name="T"><c>t</c> (0 where it underflows).</param>
/// <param name="S"><c>1 - t</c> (0 where it underflows).</param>
internal readonly record struct BinaryPoint(double LogT, double LogS, double T, double S)
{
    /// <summary>The vertex <c>t = 1</c>.</summary>
    public static BinaryPoint One => new(0.0, double.NegativeInfinity, 1.0, 0.0);

    /// <summary>The point of log-odds <c>v</c>: <c>t = sigmoid(v)</c>, <c>log t = -softplus(-v)</c>, <c>log(1 - t) = -softplus(v)</c>.</summary>
    public static BinaryPoint FromLogOdds(double v)
    {
        double e = Math.Exp(-Math.Abs(v));
        double l = Numerics.LogMath.Log1P(e);
        double small = e / (1.0 + e);
        double big = 1.0 - small; // one rounding: t near 1 to within half an ulp
        return v >= 0.0 ? new BinaryPoint(-l, -v - l, big, small) : new BinaryPoint(v - l, -l, small, big);
    }
}
