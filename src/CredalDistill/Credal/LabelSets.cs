using CredalDistill.Divergences;
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
    public static void Maximality(IDivergence divergence, ReadOnlySpan<double> p, double gamma, Span<bool> members)
    {
        ArgumentNullException.ThrowIfNull(divergence);
        Check.Distribution(p, nameof(p));
        Check.Gamma(gamma, nameof(gamma));
        Check.SameLength(p.Length, members.Length, nameof(members));
        MaximalityUnchecked(divergence, p, gamma, members);
    }

    /// <summary>True when <c>min_{q in Gamma} (q_j - q_k) &gt; 0</c>: class <paramref name="j"/> dominates class <paramref name="k"/>.</summary>
    public static bool Dominates(IDivergence divergence, ReadOnlySpan<double> p, double gamma, int j, int k)
    {
        ArgumentNullException.ThrowIfNull(divergence);
        Check.Distribution(p, nameof(p));
        Check.Gamma(gamma, nameof(gamma));
        return j != k && MinimumDivergenceToTie(divergence, p, j, k) > gamma;
    }

    internal static void MaximalityUnchecked(IDivergence divergence, ReadOnlySpan<double> p, double gamma, Span<bool> members)
    {
        for (int k = 0; k < p.Length; k++)
        {
            bool dominated = false;
            for (int j = 0; j < p.Length && !dominated; j++)
            {
                dominated = j != k && p[j] > p[k] && MinimumDivergenceToTie(divergence, p, j, k) > gamma;
            }

            members[k] = !dominated;
        }
    }

    /// <summary>
    /// <c>min { D(q || p) : q_j &lt;= q_k }</c>; zero when <c>p_j &lt;= p_k</c>, otherwise attained on <c>q_j = q_k = s</c> with the
    /// rest proportional to <c>p</c>, found by bisection on the derivative of the convex function of <c>s</c>.
    /// </summary>
    internal static double MinimumDivergenceToTie(IDivergence divergence, ReadOnlySpan<double> p, int j, int k)
    {
        double pj = p[j];
        double pk = p[k];
        if (pj <= pk)
        {
            return 0.0;
        }

        double rest = 0.0;
        for (int i = 0; i < p.Length; i++)
        {
            if (i != j && i != k)
            {
                rest += p[i];
            }
        }

        double lo = 0.0;
        double hi = 0.5;
        for (int iteration = 0; iteration < 100; iteration++)
        {
            double s = 0.5 * (lo + hi);
            double slope = divergence.TermDerivative(s, pj) + divergence.TermDerivative(s, pk) - (2.0 * divergence.TermDerivative(1.0 - (2.0 * s), rest));
            if (double.IsNaN(slope) || slope > 0.0)
            {
                hi = s;
            }
            else
            {
                lo = s;
            }
        }

        double best = TieDivergence(divergence, 0.5 * (lo + hi), pj, pk, rest);
        best = Math.Min(best, TieDivergence(divergence, 0.0, pj, pk, rest));
        best = Math.Min(best, TieDivergence(divergence, 0.5, pj, pk, rest));
        return best;
    }

    private static double TieDivergence(IDivergence divergence, double s, double pj, double pk, double rest)
        => divergence.Term(s, pj) + divergence.Term(s, pk) + divergence.Term(1.0 - (2.0 * s), rest);
}
