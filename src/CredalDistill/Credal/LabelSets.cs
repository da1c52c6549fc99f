using CredalDistill.Divergences;
using CredalDistill.Numerics;
using CredalDistill.Validation;

namespace CredalDistill.Credal;

/// <summary>
/// Sets of labels derived from the credal set <c>Gamma = { q : D(q || p) &lt;= gamma }</c> (METHOD.md section 3.3).
/// Interval dominance keeps <c>{ k : upper_k &gt;= max_j lower_j }</c>. Maximality drops <c>k</c> when some <c>j</c>
/// has <c>min_{q in Gamma} (q_j - q_k) &gt; 0</c>, i.e. when the half-space <c>{ q_j &lt;= q_k }</c> misses <c>Gamma</c>:
/// <c>min_{s in [0, 1/2]} p_j f(s/p_j) + p_k f(s/p_k) + r f((1 - 2s)/r) &gt; gamma</c> with <c>r = 1 - p_j - p_k</c>
/// (the three-outcome reduction). Maximal labels are a subset of interval-dominant ones and both contain arg-max p.
/// </summary>
public static class LabelSets
{
    /// <summary>Marks <c>k</c> when <c>upper_k &gt;= max_j lower_j</c>. Allocation-free.</summary>
    public static void IntervalDominance(ReadOnlySpan<double> lower, ReadOnlySpan<double> upper, Span<bool> members)
    {
        Check.SameLength(lower.Length, upper.Length, nameof(upper));
        Check.SameLength(lower.Length, members.Length, nameof(members));
        double maxLower = double.NegativeInfinity;
        for (int k = 0; k < lower.Length; k++)
        {
            maxLower = Math.Max(maxLower, lower[k]);
        }

        for (int k = 0; k < lower.Length; k++)
        {
            members[k] = upper[k] >= maxLower;
        }
    }

    /// <summary>Marks the maximal (undominated) labels of the credal set. Allocation-free; O(K^2) one-dimensional minimisations.</summary>
    public static void Maximality(FDivergence divergence, ReadOnlySpan<double> p, double gamma, Span<bool> members)
        => Maximality(divergence, EdgeRow.FromProbabilities(p), gamma, members);

    /// <summary>Maximal labels of the set around an edge output given as probabilities or logits (see <see cref="EdgeRow"/>).</summary>
    public static void Maximality(FDivergence divergence, EdgeRow edge, double gamma, Span<bool> members)
    {
        var f = CredalBounds.Resolve(divergence);
        Check.Gamma(gamma, nameof(gamma));
        Check.SameLength(edge.Classes, members.Length, nameof(members));
        int n = edge.Classes;
        using var lease = new ScratchLease();
        Span<double> work = 4 * n <= ScratchLease.StackDoubles ? stackalloc double[4 * n] : lease.Rent(4 * n);
        MaximalityUnchecked(f, edge, gamma, members, work);
    }

    /// <summary>True when <c>min_{q in Gamma} (q_j - q_k) &gt; 0</c>: class <paramref name="j"/> dominates class <paramref name="k"/>.</summary>
    public static bool Dominates(FDivergence divergence, ReadOnlySpan<double> p, double gamma, int j, int k)
    {
        var f = CredalBounds.Resolve(divergence);
        var edge = EdgeRow.FromProbabilities(p);
        Check.Gamma(gamma, nameof(gamma));
        int n = p.Length;
        using var lease = new ScratchLease();
        Span<double> work = 4 * n <= ScratchLease.StackDoubles ? stackalloc double[4 * n] : lease.Rent(4 * n);
        var masses = RowMasses.Of(edge, work);
        return j != k && MinimumDivergenceToTie(f, masses.LogP, masses.LogRest, j, k) > gamma;
    }

    /// <summary>Maximality for a validated row; <paramref name="work"/> holds at least <c>4 K</c> doubles.</summary>
    internal static void MaximalityUnchecked(FDivergence divergence, EdgeRow edge, double gamma, Span<bool> members, Span<double> work)
    {
        int n = edge.Classes;
        var masses = RowMasses.Of(edge, work);
        var logP = masses.LogP;
        var logRest = masses.LogRest;
        for (int k = 0; k < n; k++)
        {
            bool dominated = false;
            for (int j = 0; j < n && !dominated; j++)
            {
                dominated = j != k && logP[j] > logP[k] && MinimumDivergenceToTie(divergence, logP, logRest, j, k) > gamma;
            }

            members[k] = !dominated;
        }
    }

    /// <summary>
    /// <c>min { D(q || p) : q_j &lt;= q_k }</c>; zero when <c>p_j &lt;= p_k</c>, otherwise attained on <c>q_j = q_k = s</c> with the
    /// rest proportional to <c>p</c>, found by bisection on the derivative of the convex function of <c>s</c>. In the log domain:
    /// the mass of the other classes <c>r = sum_{i != j, k} p_i</c> comes from them, never as <c>1 - p_j - p_k</c>.
    /// </summary>
    internal static double MinimumDivergenceToTie(FDivergence divergence, ReadOnlySpan<double> logP, ReadOnlySpan<double> logRest, int j, int k)
    {
        double lj = logP[j];
        double lk = logP[k];
        if (lj <= lk)
        {
            return 0.0;
        }

        double logR = PairRest(logP, logRest, j, k);
        double lo = 0.0;
        double hi = 0.5;
        for (int iteration = 0; iteration < 100; iteration++)
        {
            double s = 0.5 * (lo + hi);
            double ls = Math.Log(s);
            double slope = divergence.PhiSlope(ls - lj) + divergence.PhiSlope(ls - lk) - (2.0 * divergence.PhiSlope(LogMath.Log1P(-2.0 * s) - logR));
            if (double.IsNaN(slope) || slope > 0.0)
            {
                hi = s;
            }
            else
            {
                lo = s;
            }
        }

        double best = TieDivergence(divergence, 0.5 * (lo + hi), lj, lk, logR);
        best = Math.Min(best, TieDivergence(divergence, 0.0, lj, lk, logR));
        best = Math.Min(best, TieDivergence(divergence, 0.5, lj, lk, logR));
        return best;
    }

    /// <summary><c>log sum_{i != j, k} p_i</c>: <c>r_j - p_k</c> when that loses no precision, else summed from the classes.</summary>
    private static double PairRest(ReadOnlySpan<double> logP, ReadOnlySpan<double> logRest, int j, int k)
    {
        double ratio = Math.Exp(logP[k] - logRest[j]);
        if (ratio <= 0.5)
        {
            return logRest[j] + LogMath.Log1P(-ratio);
        }

        double max = double.NegativeInfinity;
        for (int i = 0; i < logP.Length; i++)
        {
            if (i != j && i != k)
            {
                max = Math.Max(max, logP[i]);
            }
        }

        if (double.IsNegativeInfinity(max))
        {
            return max;
        }

        double sum = 0.0;
        for (int i = 0; i < logP.Length; i++)
        {
            if (i != j && i != k)
            {
                sum += Math.Exp(logP[i] - max);
            }
        }

        return max + Math.Log(sum);
    }

    private static double TieDivergence(FDivergence divergence, double s, double lj, double lk, double logR)
    {
        double ls = Math.Log(s);
        return divergence.LogTerm(lj, ls) + divergence.LogTerm(lk, ls) + divergence.LogTerm(logR, LogMath.Log1P(-2.0 * s));
    }
}
