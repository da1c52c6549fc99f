using CredalDistill.Divergences;
using CredalDistill.Numerics;
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
    public static Estimate Compute(FDivergence divergence, ReadOnlySpan<double> p, double gamma, MonteCarloOptions? options = null)
        => Compute(divergence, EdgeRow.FromProbabilities(p), gamma, options);

    /// <summary>The volume fraction of the set around an edge output given as probabilities or logits (see <see cref="EdgeRow"/>).</summary>
    public static Estimate Compute(FDivergence divergence, EdgeRow edge, double gamma, MonteCarloOptions? options = null)
    {
        var f = CredalBounds.Resolve(divergence);
        Check.Gamma(gamma, nameof(gamma));
        options ??= MonteCarloOptions.Default;
        return ComputeUnchecked(f, edge, gamma, options);
    }

    internal static Estimate ComputeUnchecked(FDivergence divergence, EdgeRow edge, double gamma, MonteCarloOptions options)
    {
        int n = edge.Classes;
        using var lease = new ScratchLease();
        Span<double> logP = n <= ScratchLease.StackDoubles ? stackalloc double[n] : lease.Rent(n);
        edge.LogProbabilities(logP);
        if (!divergence.AllowsMassOutsideSupport)
        {
            foreach (double v in logP)
            {
                if (double.IsNegativeInfinity(v))
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

        if (n == 2)
        {
            double hi = BinaryBound.Solve(divergence, logP[0], logP[1], gamma).T;
            double lo = BinaryBound.Solve(divergence, logP[1], logP[0], gamma).S;
            return new Estimate(hi - lo, 0.0, true);
        }

        if (n == 3)
        {
            CredalGeometry.TriangleMoments(divergence, logP, gamma, out double area, out _, out _);
            return new Estimate(Math.Min(1.0, 2.0 * area), 0.0, true);
        }

        return CredalGeometry.SampledVolume(divergence, logP, gamma, options);
    }
}
