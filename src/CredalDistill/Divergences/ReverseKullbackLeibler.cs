using CredalDistill.Numerics;

namespace CredalDistill.Divergences;

/// <summary>
/// Reverse Kullback-Leibler divergence <c>KL(p || q) = sum_k p_k log(p_k / q_k)</c> (nats), as the f-divergence
/// <c>D_f(q || p)</c> with <c>f(u) = -log u</c>. <c>q_k = 0 &lt; p_k</c> gives +infinity; mass where <c>p_k = 0</c> is free.
/// </summary>
public sealed class ReverseKullbackLeibler : FDivergence
{
    /// <summary>The shared instance.</summary>
    public static ReverseKullbackLeibler Instance { get; } = new();

    /// <inheritdoc />
    public override string Name => "reverse-kl";

    /// <inheritdoc />
    public override double SlopeAtInfinity => 0.0;

    /// <inheritdoc />
    private protected override double GeneratorAtZero => double.PositiveInfinity;

    /// <inheritdoc />
    internal override double Term(double q, double p)
    {
        if (p <= 0.0)
        {
            return 0.0;
        }

        return q <= 0.0 ? double.PositiveInfinity : p * Math.Log(p / q);
    }

    /// <inheritdoc />
    private protected override double Generator(double u) => -Math.Log(u);

    /// <inheritdoc />
    private protected override double GeneratorDerivative(double u) => -1.0 / u;

    /// <inheritdoc />
    private protected override double GeneratorSecondDerivative(double u) => 1.0 / (u * u);

    /// <inheritdoc />
    internal override double PhiBelow(double x) => LogMath.ExpM1(x) - x;

    /// <inheritdoc />
    internal override double PhiAboveScaled(double x) => double.IsPositiveInfinity(x) ? 1.0 : -LogMath.ExpM1(-x) - (x * Math.Exp(-x));

    /// <inheritdoc />
    internal override double PhiSlope(double x) => -LogMath.ExpM1(-x);
}
