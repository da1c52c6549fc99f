using CredalDistill.Numerics;

namespace CredalDistill.Divergences;

/// <summary>
/// Pearson chi-square divergence <c>chi2(q || p) = sum_k (q_k - p_k)^2 / p_k</c>, generator <c>f(u) = (u - 1)^2</c>.
/// Mass where <c>p_k = 0</c> gives +infinity.
/// </summary>
public sealed class PearsonChiSquare : FDivergence
{
    /// <summary>The shared instance.</summary>
    public static PearsonChiSquare Instance { get; } = new();

    /// <inheritdoc />
    public override string Name => "chi2";

    /// <inheritdoc />
    public override double SlopeAtInfinity => double.PositiveInfinity;

    /// <inheritdoc />
    private protected override double GeneratorAtZero => 1.0;

    /// <inheritdoc />
    internal override double Term(double q, double p)
    {
        if (p <= 0.0)
        {
            return q <= 0.0 ? 0.0 : double.PositiveInfinity;
        }

        double d = q - p;
        return d * d / p;
    }

    /// <inheritdoc />
    private protected override double Generator(double u)
    {
        double d = u - 1.0;
        return d * d;
    }

    /// <inheritdoc />
    private protected override double GeneratorDerivative(double u) => 2.0 * (u - 1.0);

    /// <inheritdoc />
    private protected override double GeneratorSecondDerivative(double u) => 2.0;

    /// <inheritdoc />
    internal override double PhiBelow(double x)
    {
        double d = LogMath.ExpM1(x);
        return d * d;
    }

    /// <inheritdoc />
    internal override double PhiAboveScaled(double x) => double.IsPositiveInfinity(x) ? x : -LogMath.ExpM1(x) * LogMath.ExpM1(-x);

    /// <inheritdoc />
    internal override double PhiSlope(double x) => 2.0 * LogMath.ExpM1(x);

    /// <inheritdoc />
    internal override double LogPhi(double x) => x <= 0.0 ? 2.0 * Math.Log(-LogMath.ExpM1(x)) : (2.0 * x) + (2.0 * Math.Log(-LogMath.ExpM1(-x)));
}
