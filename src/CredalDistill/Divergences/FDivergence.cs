namespace CredalDistill.Divergences;

/// <summary>
/// Base class for an f-divergence defined by its generator: <c>D_f(q || p) = sum_k p_k f(q_k / p_k)</c>.
/// Derived types give <c>f</c>, <c>f'</c>, <c>f''</c> on <c>u &gt; 0</c>, the limit <c>f(0+)</c> and <c>f'(inf)</c>;
/// this class applies the zero-probability conventions once.
/// </summary>
public abstract class FDivergence : IDivergence
{
    /// <inheritdoc />
    public abstract string Name { get; }

    /// <inheritdoc />
    public abstract double SlopeAtInfinity { get; }

    /// <inheritdoc />
    public bool AllowsMassOutsideSupport => !double.IsPositiveInfinity(SlopeAtInfinity);

    /// <summary><c>f(0+) = lim_{u-&gt;0} f(u)</c> (may be +infinity).</summary>
    protected abstract double GeneratorAtZero { get; }

    /// <summary>The generator <c>f(u)</c> for <c>u &gt; 0</c>.</summary>
    protected abstract double Generator(double u);

    /// <summary><c>f'(u)</c> for <c>u &gt; 0</c> (and its limit at <c>u = 0</c>).</summary>
    protected abstract double GeneratorDerivative(double u);

    /// <summary><c>f''(u)</c> for <c>u &gt; 0</c>.</summary>
    protected abstract double GeneratorSecondDerivative(double u);

    /// <inheritdoc />
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

    /// <inheritdoc />
    public virtual double Term(double q, double p)
    {
        if (p <= 0.0)
        {
            return q <= 0.0 ? 0.0 : q * SlopeAtInfinity;
        }

        return q <= 0.0 ? p * GeneratorAtZero : p * Generator(q / p);
    }

    /// <inheritdoc />
    public double TermDerivative(double q, double p)
    {
        if (p <= 0.0)
        {
            return SlopeAtInfinity;
        }

        return GeneratorDerivative(q / p);
    }

    /// <inheritdoc />
    public double TermSecondDerivative(double q, double p)
    {
        if (p <= 0.0)
        {
            return 0.0;
        }

        return GeneratorSecondDerivative(q / p) / p;
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}
