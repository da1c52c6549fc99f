using CredalDistill.Divergences;
using CredalDistill.Validation;

namespace CredalDistill.Credal;

/// <summary>
/// Exact lower and upper class probabilities of the credal set <c>Gamma = { q : D(q || p) &lt;= gamma }</c>
/// in O(K) by the binary reduction of METHOD.md section 3.1:
/// <c>upper_k = max { t &gt;= p_k : d(t; p_k) &lt;= gamma }</c>, <c>lower_k = min { t &lt;= p_k : d(t; p_k) &lt;= gamma }</c>,
/// <c>d(t; p_k) = p_k f(t/p_k) + (1 - p_k) f((1-t)/(1-p_k))</c>; the extreme member is
/// <c>q_k = t</c>, <c>q_j = (1 - t) p_j / (1 - p_k)</c>. Roots are found by safeguarded Newton to about 1e-14.
/// Total variation uses its closed form <c>[max(0, p_k - gamma), min(1, p_k + gamma)]</c>.
/// </summary>
public static class CredalBounds
{
    /// <summary>
    /// Writes the lower and upper probability of every class. Allocation-free.
    /// <c>gamma = 0</c> gives <c>lower = upper = p</c>; <c>gamma = +inf</c> gives the bounds of the closure of
    /// <c>{ q : D(q || p) &lt; inf }</c>: the face of the support of <c>p</c> for divergences that forbid mass outside it
    /// (KL, chi2, alpha &gt; 1), the whole simplex otherwise.
    /// </summary>
    /// <param name="divergence">The divergence <c>D</c>.</param>
    /// <param name="p">The edge distribution (validated).</param>
    /// <param name="gamma">The radius <c>gamma &gt;= 0</c> in nats, possibly +infinity.</param>
    /// <param name="lower">Receives <c>lower_k</c>.</param>
    /// <param name="upper">Receives <c>upper_k</c>.</param>
    public static void Compute(IDivergence divergence, ReadOnlySpan<double> p, double gamma, Span<double> lower, Span<double> upper)
    {
        ArgumentNullException.ThrowIfNull(divergence);
        Check.Distribution(p, nameof(p));
        Check.Gamma(gamma, nameof(gamma));
        Check.SameLength(p.Length, lower.Length, nameof(lower));
        Check.SameLength(p.Length, upper.Length, nameof(upper));
        ComputeUnchecked(divergence, p, gamma, lower, upper);
    }

    /// <summary>The lower probability of class <paramref name="k"/> alone.</summary>
    public static double Lower(IDivergence divergence, ReadOnlySpan<double> p, int k, double gamma)
    {
        ArgumentNullException.ThrowIfNull(divergence);
        Check.Distribution(p, nameof(p));
        Check.Gamma(gamma, nameof(gamma));
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(k, p.Length);
        return LowerOf(divergence, p[k], RestMass(p, k), gamma);
    }

    /// <summary>The upper probability of class <paramref name="k"/> alone.</summary>
    public static double Upper(IDivergence divergence, ReadOnlySpan<double> p, int k, double gamma)
    {
        ArgumentNullException.ThrowIfNull(divergence);
        Check.Distribution(p, nameof(p));
        Check.Gamma(gamma, nameof(gamma));
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(k, p.Length);
        return UpperOf(divergence, p[k], RestMass(p, k), gamma);
    }

    /// <summary>
    /// The member of the set that attains a bound: <c>q_k = t</c>, <c>q_j = (1 - t) p_j / (1 - p_k)</c> for <c>j != k</c>
    /// (if <c>p_k = 1</c>, the remaining mass is spread uniformly). Its divergence to <c>p</c> is <c>d(t; p_k)</c>.
    /// </summary>
    public static void ExtremePoint(ReadOnlySpan<double> p, int k, double t, Span<double> q)
    {
        Check.SameLength(p.Length, q.Length, nameof(q));
        double rest = RestMass(p, k);
        double remaining = rest + (p[k] - t);
        for (int j = 0; j < p.Length; j++)
        {
            q[j] = j == k ? t : (rest > 0.0 ? remaining * p[j] / rest : remaining / (p.Length - 1));
        }
    }

    internal static void ComputeUnchecked(IDivergence divergence, ReadOnlySpan<double> p, double gamma, Span<double> lower, Span<double> upper)
    {
        double total = 0.0;
        for (int k = 0; k < p.Length; k++)
        {
            total += p[k];
        }

        for (int k = 0; k < p.Length; k++)
        {
            double rest = Math.Max(total - p[k], 0.0);
            lower[k] = LowerOf(divergence, p[k], rest, gamma);
            upper[k] = UpperOf(divergence, p[k], rest, gamma);
        }
    }

    internal static double RestMass(ReadOnlySpan<double> p, int k)
    {
        double rest = 0.0;
        for (int j = 0; j < p.Length; j++)
        {
            if (j != k)
            {
                rest += p[j];
            }
        }

        return rest;
    }

    /// <summary>Lower bound for a class with probability <paramref name="pk"/> and rest mass <paramref name="rest"/>.</summary>
    internal static double LowerOf(IDivergence divergence, double pk, double rest, double gamma)
    {
        if (gamma == 0.0 || pk == 0.0)
        {
            return pk;
        }

        if (divergence is TotalVariation)
        {
            return Math.Max(0.0, pk - gamma);
        }

        if (rest == 0.0 && !divergence.AllowsMassOutsideSupport)
        {
            return pk; // q must stay on the vertex k.
        }

        if (double.IsPositiveInfinity(gamma))
        {
            return 0.0;
        }

        var g = new LowerEdgeFunction(divergence, pk, rest);
        return Numerics.BoundarySolver.Solve(ref g, pk, gamma);
    }

    /// <summary>Upper bound for a class with probability <paramref name="pk"/> and rest mass <paramref name="rest"/>.</summary>
    internal static double UpperOf(IDivergence divergence, double pk, double rest, double gamma)
    {
        if (gamma == 0.0 || rest == 0.0)
        {
            return pk;
        }

        if (divergence is TotalVariation)
        {
            return Math.Min(pk + rest, pk + gamma);
        }

        if (pk == 0.0 && !divergence.AllowsMassOutsideSupport)
        {
            return 0.0;
        }

        if (double.IsPositiveInfinity(gamma))
        {
            return pk + rest;
        }

        var g = new UpperEdgeFunction(divergence, pk, rest);
        double delta = Numerics.BoundarySolver.Solve(ref g, rest, gamma);
        return pk + (rest - delta);
    }
}
