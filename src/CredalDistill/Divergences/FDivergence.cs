namespace CredalDistill.Divergences;

/// <summary>
/// An f-divergence <c>D_f(q || p) = sum_k p_k f(q_k / p_k)</c> with convex generator <c>f</c>, <c>f(1) = 0</c>, measured in
/// nats: the score divergence of CD-CI and the shape of its credal sets. The library's six families (KL, reverse KL,
/// alpha, total variation, squared Hellinger, Pearson chi-square) are the instances; get them by name from
/// <see cref="Divergence"/> (<c>Divergence.Parse("alpha:0.9")</c>, <see cref="Divergence.KL"/>).
/// </summary>
/// <remarks>
/// <para>
/// <b>Closed.</b> The exact kernels (bounds, maximum entropy, maximality, the log-domain scores) need more of a divergence
/// than its generator: <c>phi(e^x)</c> and <c>phi'(e^x)</c> in forms that keep relative precision at both ends
/// (<c>expm1</c>, <c>log1p</c>), the tilted generator <c>phi(u) = f(u) - f'(1)(u - 1) &gt;= 0</c>, and closed forms where they
/// exist. So the type is not derivable outside this library (its constructor is private protected): a new divergence is
/// added inside it, as one sealed class plus one entry in <see cref="Divergence"/> (docs/EXTENDING.md).
/// </para>
/// <para>
/// Zero entries follow the mathematical limits: <c>0 f(q/0) = q f'(inf)</c> with <c>f'(inf) = lim_{u-&gt;inf} f(u)/u</c>
/// (so a divergence with <c>f'(inf) = +inf</c>, e.g. KL, is <c>+inf</c> when <c>q_k &gt; 0 = p_k</c>) and
/// <c>p f(0/p) = p f(0+)</c>.
/// </para>
/// </remarks>
public abstract class FDivergence
{
    /// <summary>Above this a generator factor is treated as overflowing and the term is evaluated from <see cref="LogPhi"/>.</summary>
    private const double LargeFactor = 1e280;

    private double _slopeAtOne = double.NaN;

    private protected FDivergence()
    {
    }

    /// <summary>Canonical name, parseable by <see cref="Divergence.Parse(string)"/> (e.g. <c>kl</c>, <c>alpha:0.9</c>).</summary>
    public abstract string Name { get; }

    /// <summary><c>f'(inf) = lim_{u-&gt;inf} f(u)/u</c>: the cost per unit of mass put where <c>p_k = 0</c> (may be +infinity).</summary>
    public abstract double SlopeAtInfinity { get; }

    /// <summary>True when <c>q</c> may put mass where <c>p</c> has none at finite divergence (<see cref="SlopeAtInfinity"/> finite).</summary>
    public bool AllowsMassOutsideSupport => !double.IsPositiveInfinity(SlopeAtInfinity);

    /// <summary><c>f(0+) = lim_{u-&gt;0} f(u)</c> (may be +infinity).</summary>
    private protected abstract double GeneratorAtZero { get; }

    /// <summary>The generator <c>f(u)</c> for <c>u &gt; 0</c>.</summary>
    private protected abstract double Generator(double u);

    /// <summary><c>f'(u)</c> for <c>u &gt; 0</c> (and its limit at <c>u = 0</c>).</summary>
    private protected abstract double GeneratorDerivative(double u);

    /// <summary><c>f''(u)</c> for <c>u &gt; 0</c>.</summary>
    private protected abstract double GeneratorSecondDerivative(double u);

    /// <summary>The divergence <c>D(q || p) = sum_k p_k f(q_k / p_k)</c> in nats; <c>+inf</c> where the limits say so.</summary>
    public double Compute(ReadOnlySpan<double> q, ReadOnlySpan<double> p)
    {
        if (q.Length != p.Length)
        {
            throw new ArgumentException($"q has length {q.Length} but p has length {p.Length}.", nameof(q));
        }

        double sum = 0.0;
        for (int k = 0; k < q.Length; k++)
        {
            sum += Term(q[k], p[k]);
        }

        // Guard against tiny negative sums from rounding; an f-divergence of distributions is >= 0.
        return sum > 0.0 ? sum : 0.0;
    }

    /// <summary>One term <c>p f(q / p)</c>, with the limits for <c>p = 0</c> or <c>q = 0</c>.</summary>
    internal virtual double Term(double q, double p)
    {
        if (p <= 0.0)
        {
            return q <= 0.0 ? 0.0 : q * SlopeAtInfinity;
        }

        return q <= 0.0 ? p * GeneratorAtZero : p * Generator(q / p);
    }

    /// <summary><c>d/dq [p f(q/p)] = f'(q/p)</c>; for <c>p = 0</c> it is <see cref="SlopeAtInfinity"/>.</summary>
    internal double TermDerivative(double q, double p)
    {
        if (p <= 0.0)
        {
            return SlopeAtInfinity;
        }

        return GeneratorDerivative(q / p);
    }

    /// <summary><c>d^2/dq^2 [p f(q/p)] = f''(q/p) / p</c>; zero for <c>p = 0</c>.</summary>
    internal double TermSecondDerivative(double q, double p)
    {
        if (p <= 0.0)
        {
            return 0.0;
        }

        return GeneratorSecondDerivative(q / p) / p;
    }

    /// <inheritdoc />
    public override string ToString() => Name;

    /// <summary><c>phi(e^x)</c> for <c>x &lt;= 0</c>, including <c>x = -inf</c> (<c>phi(0+) = f(0+) + f'(1)</c>, may be +inf).</summary>
    internal abstract double PhiBelow(double x);

    /// <summary><c>phi(e^x) e^-x</c> for <c>x &gt;= 0</c>, including <c>x = +inf</c> (<c>f'(inf) - f'(1)</c>, may be +inf).</summary>
    internal abstract double PhiAboveScaled(double x);

    /// <summary><c>phi'(e^x) = f'(e^x) - f'(1)</c>, including <c>x = -inf</c> and <c>x = +inf</c>.</summary>
    internal abstract double PhiSlope(double x);

    /// <summary><c>log phi(e^x)</c> for finite <c>x != 0</c>; used only where a factor overflows, so it must be accurate for large <c>|x|</c>.</summary>
    internal virtual double LogPhi(double x) => x <= 0.0 ? Math.Log(PhiBelow(x)) : x + Math.Log(PhiAboveScaled(x));

    /// <summary>
    /// One log-domain term <c>a phi(t / a)</c> from <c>log a</c> and <c>log t</c> (either may be -inf): the scale is
    /// <c>a</c> when <c>t &lt;= a</c> and <c>t</c> otherwise, so no quantity below double's range is formed and a factor that
    /// overflows is taken from <see cref="LogPhi"/>. <c>sum_k LogTerm(log p_k, log q_k) = D(q || p)</c> for distributions.
    /// </summary>
    internal double LogTerm(double logA, double logT)
    {
        if (double.IsNegativeInfinity(logA))
        {
            return double.IsNegativeInfinity(logT) ? 0.0 : Scaled(logT, PhiAboveScaled(double.PositiveInfinity));
        }

        if (double.IsNegativeInfinity(logT))
        {
            return Scaled(logA, PhiBelow(double.NegativeInfinity));
        }

        double x = logT - logA;
        double factor = x <= 0.0 ? PhiBelow(x) : PhiAboveScaled(x);
        if (factor <= LargeFactor)
        {
            return Math.Exp(x <= 0.0 ? logA : logT) * factor;
        }

        return Math.Exp(logA + LogPhi(x));
    }

    /// <summary>
    /// <c>D(q || p)</c> from log-probabilities (either may contain -inf for zeros): <c>sum_k p_k phi(q_k / p_k)</c> with
    /// <see cref="LogTerm(double, double)"/>, so an edge probability that underflows to 0 in double does not turn a finite divergence into +inf.
    /// </summary>
    internal double ComputeLog(ReadOnlySpan<double> logQ, ReadOnlySpan<double> logP)
    {
        double sum = 0.0;
        for (int k = 0; k < logQ.Length; k++)
        {
            sum += LogTerm(logP[k], logQ[k]);
        }

        return sum > 0.0 ? sum : 0.0;
    }

    /// <summary>
    /// <see cref="LogTerm(double, double)"/> when the masses are also known as doubles: <c>a phi(t / a)</c> from <c>log a</c>, <c>a</c>,
    /// <c>log t</c> (finite) and <c>t</c>, with no further exponential (the solver's inner loop).
    /// </summary>
    internal double LogTerm(double logA, double a, double logT, double t)
    {
        double x = logT - logA;
        double factor = x <= 0.0 ? PhiBelow(x) : PhiAboveScaled(x);
        return factor <= LargeFactor ? (x <= 0.0 ? a : t) * factor : Math.Exp(logA + LogPhi(x));
    }

    /// <summary><c>f'(1)</c> (0 for total variation, the subgradient the tilted generator uses).</summary>
    internal double SlopeAtOne
    {
        get
        {
            if (double.IsNaN(_slopeAtOne))
            {
                _slopeAtOne = TermDerivative(1.0, 1.0);
            }

            return _slopeAtOne;
        }
    }

    /// <summary>
    /// The tilted term <c>p phi(q / p)</c> for the geometry kernels: from the double <paramref name="p"/> when it is a normal
    /// number (or exactly 0), from <c>log p</c> when <c>p</c> underflowed (logits with large gaps).
    /// </summary>
    internal double HybridTerm(double q, double p, double logP)
        => p >= 1e-300 || double.IsNegativeInfinity(logP) ? Term(q, p) - (SlopeAtOne * (q - p)) : LogTerm(logP, Math.Log(q));

    /// <summary><c>phi'(q / p)</c>, chosen like <see cref="HybridTerm"/>.</summary>
    internal double HybridSlope(double q, double p, double logP)
        => p >= 1e-300 || double.IsNegativeInfinity(logP) ? TermDerivative(q, p) - SlopeAtOne : PhiSlope(Math.Log(q) - logP);

    private static double Scaled(double logScale, double factor) => double.IsPositiveInfinity(factor) ? factor : Math.Exp(logScale) * factor;
}
