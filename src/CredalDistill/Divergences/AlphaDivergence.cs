using System.Globalization;

using CredalDistill.Numerics;

namespace CredalDistill.Divergences;

/// <summary>
/// Amari alpha-divergence <c>D_a(q || p) = (sum_k q_k^a p_k^(1-a) - 1) / (a (a - 1))</c> (nats),
/// generator <c>f(u) = (u^a - 1) / (a (a - 1))</c>, <c>a</c> not in {0, 1} (the limits are reverse KL and KL).
/// For <c>a &gt; 1</c> mass where <c>p_k = 0</c> gives +infinity; for <c>a &lt; 1</c> it is free, and for <c>a &lt; 0</c>
/// <c>q_k = 0 &lt; p_k</c> gives +infinity. The paper uses <c>a = 0.9</c> (vision) and <c>a = 1.2</c> (language).
/// </summary>
public sealed class AlphaDivergence : FDivergence
{
    private readonly double _scale;

    /// <summary>Creates the divergence with parameter <paramref name="alpha"/> (finite, not 0 or 1).</summary>
    public AlphaDivergence(double alpha)
    {
        if (!double.IsFinite(alpha) || alpha == 0.0 || alpha == 1.0)
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must be finite and not 0 or 1 (use reverse-kl or kl for those limits).");
        }

        Alpha = alpha;
        _scale = 1.0 / (alpha * (alpha - 1.0));
    }

    /// <summary>The parameter <c>a</c>.</summary>
    public double Alpha { get; }

    /// <inheritdoc />
    public override string Name => "alpha:" + Alpha.ToString("R", CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public override double SlopeAtInfinity => Alpha > 1.0 ? double.PositiveInfinity : 0.0;

    /// <inheritdoc />
    private protected override double GeneratorAtZero => Alpha > 0.0 ? -_scale : double.PositiveInfinity;

    /// <inheritdoc />
    internal override double Term(double q, double p)
    {
        if (p <= 0.0)
        {
            return q <= 0.0 ? 0.0 : q * SlopeAtInfinity;
        }

        if (q <= 0.0)
        {
            return p * GeneratorAtZero;
        }

        return (Math.Pow(q, Alpha) * Math.Pow(p, 1.0 - Alpha) - p) * _scale;
    }

    /// <inheritdoc />
    private protected override double Generator(double u) => (Math.Pow(u, Alpha) - 1.0) * _scale;

    /// <inheritdoc />
    private protected override double GeneratorDerivative(double u) => Math.Pow(u, Alpha - 1.0) / (Alpha - 1.0);

    /// <inheritdoc />
    private protected override double GeneratorSecondDerivative(double u) => Math.Pow(u, Alpha - 2.0);

    /// <inheritdoc />
    internal override double PhiBelow(double x)
    {
        if (double.IsNegativeInfinity(x))
        {
            return Alpha > 0.0 ? 1.0 / Alpha : double.PositiveInfinity; // phi(0+) = f(0+) + f'(1)
        }

        return (LogMath.ExpM1(Alpha * x) - (Alpha * LogMath.ExpM1(x))) * _scale;
    }

    /// <inheritdoc />
    internal override double PhiAboveScaled(double x)
    {
        if (double.IsPositiveInfinity(x))
        {
            return Alpha > 1.0 ? double.PositiveInfinity : 1.0 / (1.0 - Alpha);
        }

        return (LogMath.ExpM1((Alpha - 1.0) * x) - ((1.0 - Alpha) * LogMath.ExpM1(-x))) * _scale;
    }

    /// <inheritdoc />
    internal override double PhiSlope(double x) => LogMath.ExpM1((Alpha - 1.0) * x) / (Alpha - 1.0);

    /// <summary>
    /// <c>log phi(e^x) = a x + log(1 + (a - 1) e^(-a x) - a e^((1 - a) x)) - log(a (a - 1))</c>, exact and free of overflow where
    /// the factor is large (<c>a &gt; 1</c>, <c>x &gt; 0</c> or <c>a &lt; 0</c>, <c>x &lt; 0</c>).
    /// </summary>
    internal override double LogPhi(double x)
    {
        double inner = 1.0 + ((Alpha - 1.0) * Math.Exp(-Alpha * x)) - (Alpha * Math.Exp((1.0 - Alpha) * x));
        return (Alpha * x) + Math.Log(inner) + Math.Log(_scale);
    }
}
