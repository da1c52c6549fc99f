using CredalDistill.Numerics;

namespace CredalDistill.Divergences;

/// <summary>
/// Total variation distance <c>TV(q, p) = (1/2) sum_k |q_k - p_k|</c>, generator <c>f(u) = |u - 1| / 2</c>.
/// Bounded by 1, finite everywhere; its credal bounds are closed form <c>[max(0, p_k - gamma), min(1, p_k + gamma)]</c>.
/// </summary>
public sealed class TotalVariation : FDivergence
{
    /// <summary>The shared instance.</summary>
    public static TotalVariation Instance { get; } = new();

    /// <inheritdoc />
    public override string Name => "tv";

    /// <inheritdoc />
    public override double SlopeAtInfinity => 0.5;

    /// <inheritdoc />
    private protected override double GeneratorAtZero => 0.5;

    /// <inheritdoc />
    internal override double Term(double q, double p) => 0.5 * Math.Abs(q - p);

    /// <inheritdoc />
    private protected override double Generator(double u) => 0.5 * Math.Abs(u - 1.0);

    /// <inheritdoc />
    private protected override double GeneratorDerivative(double u) => u > 1.0 ? 0.5 : (u < 1.0 ? -0.5 : 0.0);

    /// <inheritdoc />
    private protected override double GeneratorSecondDerivative(double u) => 0.0;

    /// <inheritdoc />
    internal override double PhiBelow(double x) => -0.5 * LogMath.ExpM1(x);

    /// <inheritdoc />
    internal override double PhiAboveScaled(double x) => -0.5 * LogMath.ExpM1(-x);

    /// <inheritdoc />
    internal override double PhiSlope(double x) => x > 0.0 ? 0.5 : (x < 0.0 ? -0.5 : 0.0);
}
