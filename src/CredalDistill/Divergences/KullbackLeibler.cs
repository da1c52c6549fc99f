using CredalDistill.Numerics;

namespace CredalDistill.Divergences;

/// <summary>
/// Kullback-Leibler divergence <c>KL(q || p) = sum_k q_k log(q_k / p_k)</c> (nats); generator <c>f(u) = u log u</c>.
/// <c>q_k &gt; 0 = p_k</c> gives +infinity; <c>q_k = 0</c> contributes 0. The paper's default score.
/// </summary>
public sealed class KullbackLeibler : FDivergence
{
    /// <summary>The shared instance.</summary>
    public static KullbackLeibler Instance { get; } = new();

    /// <inheritdoc />
    public override string Name => "kl";

    /// <inheritdoc />
    public override double SlopeAtInfinity => double.PositiveInfinity;

    /// <inheritdoc />
    private protected override double GeneratorAtZero => 0.0;

    /// <inheritdoc />
    internal override double Term(double q, double p)
    {
        if (q <= 0.0)
        {
            return 0.0;
        }

        return p <= 0.0 ? double.PositiveInfinity : q * Math.Log(q / p);
    }

    /// <inheritdoc />
    private protected override double Generator(double u) => u * Math.Log(u);

    /// <inheritdoc />
    private protected override double GeneratorDerivative(double u) => u <= 0.0 ? double.NegativeInfinity : Math.Log(u) + 1.0;

    /// <inheritdoc />
    private protected override double GeneratorSecondDerivative(double u) => 1.0 / u;

    /// <inheritdoc />
    internal override double PhiBelow(double x)
    {
        if (double.IsNegativeInfinity(x))
        {
            return 1.0;
        }

        double em1 = LogMath.ExpM1(x);
        return (x * (em1 + 1.0)) - em1;
    }

    /// <inheritdoc />
    internal override double PhiAboveScaled(double x) => x + LogMath.ExpM1(-x);

    /// <inheritdoc />
    internal override double PhiSlope(double x) => x;
}
