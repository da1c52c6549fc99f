using CredalDistill.Divergences;
using CredalDistill.Validation;

namespace CredalDistill.Credal;

/// <summary>
/// The inefficiency of a credal set: <c>vol(Gamma) / vol(simplex)</c>, the fraction of the probability simplex inside
/// <c>Gamma = { q : D(q || p) &lt;= gamma }</c> (the paper counts grid points; we integrate). Exact quadrature for three
/// classes (area over the triangle's area 1/2 in <c>(q_0, q_1)</c> coordinates); for more classes the share of seeded
/// uniform simplex draws inside the set, with its binomial standard error. A set confined to a face of the simplex
/// (divergences that forbid mass outside the support of <c>p</c>, when <c>p</c> has zeros) has volume 0.
/// </summary>
public static class VolumeFraction
{
    /// <summary>Computes the volume fraction of the credal set.</summary>
    public static Estimate Compute(IDivergence divergence, ReadOnlySpan<double> p, double gamma, MonteCarloOptions options = default)
    {
        ArgumentNullException.ThrowIfNull(divergence);
        Check.Distribution(p, nameof(p));
        Check.Gamma(gamma, nameof(gamma));
        options = options == default ? MonteCarloOptions.Default : options;
        options.Validate();
        return ComputeUnchecked(divergence, p, gamma, options);
    }

    internal static Estimate ComputeUnchecked(IDivergence divergence, ReadOnlySpan<double> p, double gamma, MonteCarloOptions options)
    {
        if (!divergence.AllowsMassOutsideSupport)
        {
            foreach (double v in p)
            {
                if (v <= 0.0)
                {
                    return new Estimate(0.0, 0.0, true);
                }
            }
        }

        if (gamma == 0.0)
        {
            return new Estimate(0.0, 0.0, true);
        }

        if (double.IsPositiveInfinity(gamma))
        {
            return new Estimate(1.0, 0.0, true);
        }

        if (p.Length == 2)
        {
            double lo = CredalBounds.LowerOf(divergence, p[0], p[1], gamma);
            double hi = CredalBounds.UpperOf(divergence, p[0], p[1], gamma);
            return new Estimate(hi - lo, 0.0, true);
        }

        if (p.Length == 3)
        {
            CredalGeometry.TriangleMoments(divergence, p, gamma, out double area, out _, out _);
            return new Estimate(Math.Min(1.0, 2.0 * area), 0.0, true);
        }

        return CredalGeometry.SampledVolume(divergence, p, gamma, options);
    }
}
