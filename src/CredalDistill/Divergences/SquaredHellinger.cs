using CredalDistill.Numerics;

namespace CredalDistill.Divergences;

/// <summary>
/// Squared Hellinger distance <c>H^2(q, p) = sum_k (sqrt(q_k) - sqrt(p_k))^2</c>, generator <c>f(u) = (sqrt(u) - 1)^2</c>
/// (no factor 1/2: values lie in [0, 2]). Finite everywhere; mass where <c>p_k = 0</c> costs <c>q_k</c>.
/// </summary>
public sealed class SquaredHellinger : FDivergence
{
    /// <summary>The shared instance.</summary>
    public static SquaredHellinger Instance { get; } = new();

    /// <inheritdoc />
    public override string Name => "hellinger";

    /// <inheritdoc />
    public override double SlopeAtInfinity => 1.0;

    /// <inheritdoc />
    private protected override double GeneratorAtZero => 1.0;

    /// <inheritdoc />
    internal override double Term(double q, double p)
    {
        double d = Math.Sqrt(Math.Max(q, 0.0)) - Math.Sqrt(Math.Max(p, 0.0));
        return d * d;
    }

    /// <inheritdoc />
    private protected override double Generator(double u)
    {
        double d = Math.Sqrt(u) - 1.0;
        return d * d;
    }

    /// <inheritdoc />
    private protected override double GeneratorDerivative(double u) => u <= 0.0 ? double.NegativeInfinity : 1.0 - (1.0 / Math.Sqrt(u));

    /// <inheritdoc />
    private protected override double GeneratorSecondDerivative(double u) => 0.5 / (u * Math.Sqrt(u));

    /// <inheritdoc />
    internal override double PhiBelow(double x)
    {
        double d = LogMath.ExpM1(0.5 * x);
        return d * d;
    }

    /// <inheritdoc />
    internal override double PhiAboveScaled(double x)
    {
        double d = LogMath.ExpM1(-0.5 * x);
        return d * d;
    }

    /// <inheritdoc />
    internal override double PhiSlope(double x) => -LogMath.ExpM1(-0.5 * x);
}
