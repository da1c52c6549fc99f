using CredalDistill.Divergences;
using CredalDistill.Numerics;
using CredalDistill.Validation;

namespace CredalDistill.Credal;

/// <summary>
/// Exact lower and upper class probabilities of the credal set <c>Gamma = { q : D(q || p) &lt;= gamma }</c>
/// in O(K) by the binary reduction of METHOD.md section 3.1:
/// <c>upper_k = max { t &gt;= p_k : d(t; p_k) &lt;= gamma }</c>, <c>lower_k = min { t &lt;= p_k : d(t; p_k) &lt;= gamma }</c>,
/// <c>d(t; p_k) = p_k f(t/p_k) + r_k f((1-t)/r_k)</c>, <c>r_k = sum_{j != k} p_j</c>; the extreme member is
/// <c>q_k = t</c>, <c>q_j = (1 - t) p_j / r_k</c>. Computed in the log domain (section 3.1a, <see cref="BinaryBound"/>):
/// <c>r_k</c> comes from the other classes, never as <c>1 - p_k</c>, and bounds near 0 and near 1 keep relative precision.
/// Total variation has the closed form <c>[max(0, p_k - gamma), min(1, p_k + gamma)]</c>.
/// </summary>
/// <remarks>
/// Every output satisfies, in floating point: <c>0 &lt;= lower_k &lt;= p_k &lt;= upper_k &lt;= 1</c> and coherence
/// <c>lower_k + max_{j != k} upper_j &lt;= 1</c> (the member attaining <c>upper_j</c> has <c>q_k &gt;= lower_k</c>); both hold
/// exactly in real arithmetic and are enforced here against rounding (an adjustment of at most a few ulps).
/// </remarks>
public static class CredalBounds
{
    /// <summary>
    /// Writes the lower and upper probability of every class. Allocation-free (scratch is pooled above 256 classes).
    /// <c>gamma = 0</c> gives <c>lower = upper = p</c>; <c>gamma = +inf</c> gives the bounds of the closure of
    /// <c>{ q : D(q || p) &lt; inf }</c>: the face of the support of <c>p</c> for divergences that forbid mass outside it
    /// (KL, chi2, alpha &gt; 1), the whole simplex otherwise.
    /// </summary>
    /// <param name="divergence">The divergence <c>D</c>.</param>
    /// <param name="p">The edge distribution (validated, then divided by its sum).</param>
    /// <param name="gamma">The radius <c>gamma &gt;= 0</c> in nats, possibly +infinity.</param>
    /// <param name="lower">Receives <c>lower_k</c>.</param>
    /// <param name="upper">Receives <c>upper_k</c>.</param>
    public static void Compute(FDivergence divergence, ReadOnlySpan<double> p, double gamma, Span<double> lower, Span<double> upper)
        => Compute(divergence, EdgeRow.FromProbabilities(p), gamma, lower, upper);

    /// <summary>Writes the bounds of an edge output given as probabilities or logits (see <see cref="EdgeRow"/>).</summary>
    public static void Compute(FDivergence divergence, EdgeRow edge, double gamma, Span<double> lower, Span<double> upper)
    {
        var f = Resolve(divergence);
        Check.Gamma(gamma, nameof(gamma));
        Check.SameLength(edge.Classes, lower.Length, nameof(lower));
        Check.SameLength(edge.Classes, upper.Length, nameof(upper));
        if (f is TotalVariation && !edge.IsLogits)
        {
            TotalVariationBounds(edge.Values, gamma, lower, upper); // closed form, no scratch
            return;
        }

        int k = edge.Classes;
        using var lease = new ScratchLease();
        Span<double> work = WorkSize(k) <= ScratchLease.StackDoubles ? stackalloc double[WorkSize(k)] : lease.Rent(WorkSize(k));
        ComputeUnchecked(f, edge, gamma, lower, upper, work);
    }

    /// <summary>The lower probability of class <paramref name="k"/> alone.</summary>
    public static double Lower(FDivergence divergence, ReadOnlySpan<double> p, int k, double gamma)
    {
        var f = Resolve(divergence);
        Check.Distribution(p, nameof(p));
        Check.Gamma(gamma, nameof(gamma));
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(k, p.Length);
        double sum = Neumaier.Sum(p);
        return LowerOf(f, p[k] / sum, RestMass(p, k) / sum, gamma);
    }

    /// <summary>The upper probability of class <paramref name="k"/> alone.</summary>
    public static double Upper(FDivergence divergence, ReadOnlySpan<double> p, int k, double gamma)
    {
        var f = Resolve(divergence);
        Check.Distribution(p, nameof(p));
        Check.Gamma(gamma, nameof(gamma));
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(k, p.Length);
        double sum = Neumaier.Sum(p);
        return UpperOf(f, p[k] / sum, RestMass(p, k) / sum, gamma);
    }

    /// <summary>
    /// The member of the set that attains a bound: <c>q_k = t</c>, <c>q_j = (1 - t) p_j / r_k</c> for <c>j != k</c>
    /// (if <c>r_k = 0</c>, the remaining mass is spread uniformly). Its divergence to <c>p</c> is <c>d(t; p_k)</c>.
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

    /// <summary>Null-checks <paramref name="divergence"/> (every divergence is one of the library's f-divergences).</summary>
    internal static FDivergence Resolve(FDivergence divergence)
    {
        ArgumentNullException.ThrowIfNull(divergence);
        return divergence;
    }

    /// <summary>Scratch doubles the row kernels need for <paramref name="classes"/> classes.</summary>
    internal static int WorkSize(int classes) => 6 * classes;

    /// <summary>Bounds of a validated row; <paramref name="work"/> holds at least <see cref="WorkSize"/> doubles.</summary>
    internal static void ComputeUnchecked(FDivergence f, EdgeRow edge, double gamma, Span<double> lower, Span<double> upper, Span<double> work)
    {
        if (f is TotalVariation && !edge.IsLogits)
        {
            TotalVariationBounds(edge.Values, gamma, lower, upper);
            return;
        }

        int k = edge.Classes;
        var masses = RowMasses.Of(edge, work, logs: f is not TotalVariation);
        ComputeLog(f, masses, gamma, lower, upper, work.Slice(4 * k, k), work.Slice(5 * k, k));
    }

    /// <summary>
    /// Total variation on a probability row, closed form and linear (absolute precision is all it has):
    /// <c>[max(0, p_k - gamma), min(1, p_k + gamma)]</c> after dividing by the row sum, then floating-point coherence.
    /// </summary>
    private static void TotalVariationBounds(ReadOnlySpan<double> values, double gamma, Span<double> lower, Span<double> upper)
    {
        double total = 0.0;
        foreach (double v in values)
        {
            total += v;
        }

        double scale = total == 1.0 ? 1.0 : 1.0 / total;
        int first = 0;
        for (int k = 0; k < values.Length; k++)
        {
            double pk = values[k] * scale;
            lower[k] = Math.Max(0.0, pk - gamma);
            upper[k] = Math.Min(1.0, pk + gamma);
            if (upper[k] > upper[first])
            {
                first = k;
            }
        }

        // Floating-point coherence lower_k + max_{j != k} upper_j <= 1 (exact in real arithmetic: p_k + p_j <= 1).
        double second = 0.0;
        for (int k = 0; k < values.Length; k++)
        {
            double other = upper[first];
            if (k == first)
            {
                continue;
            }

            second = Math.Max(second, upper[k]);
            if (lower[k] + other > 1.0)
            {
                lower[k] = 1.0 - other;
            }
        }

        if (lower[first] + second > 1.0)
        {
            lower[first] = 1.0 - second;
        }
    }

    /// <summary>
    /// The kernel: bounds from the row's masses, with the complements <c>1 - lower_k</c> and <c>1 - upper_k</c> (exact to
    /// relative precision, for the intersection probability), invariants enforced.
    /// </summary>
    internal static void ComputeLog(FDivergence f, RowMasses masses, double gamma, Span<double> lower, Span<double> upper, Span<double> lowerComplement, Span<double> upperComplement)
    {
        int n = masses.Classes;
        bool closedForm = f is TotalVariation;
        for (int k = 0; closedForm && k < n; k++)
        {
            // Total variation: [max(0, p - gamma), min(1, p + gamma)] from the masses, complements from r.
            double pk = masses.P[k];
            double rk = masses.Rest[k];
            upper[k] = gamma >= rk ? 1.0 : pk + gamma;
            upperComplement[k] = gamma >= rk ? 0.0 : rk - gamma;
            lower[k] = gamma >= pk ? 0.0 : pk - gamma;
            lowerComplement[k] = gamma >= pk ? 1.0 : rk + gamma;
        }

        // The threshold's table is looked up once per row (BinaryBound uses it only for finite positive gamma).
        var table = closedForm || f is PearsonChiSquare || !(gamma > 0.0) || double.IsPositiveInfinity(gamma) ? null : BoundTable.For(f, gamma);
        bool vectors = table is not null && f is KullbackLeibler && KlTableBounds.IsSupported;
        if (vectors)
        {
            KlTableBounds.Compute(f, masses, gamma, table!, lower, upper, lowerComplement, upperComplement);
        }

        for (int k = 0; !closedForm && !vectors && k < n; k++)
        {
            double pk = masses.P[k];
            double rk = masses.Rest[k];
            double logP = masses.LogP[k];
            double logR = masses.LogRest[k];
            var up = BinaryBound.Solve(f, logP, logR, pk, rk, gamma, table);
            var down = BinaryBound.Solve(f, logR, logP, rk, pk, gamma, table);
            upper[k] = Math.Max(up.T, pk);
            upperComplement[k] = Math.Min(up.S, rk);
            lower[k] = Math.Min(down.S, pk);
            lowerComplement[k] = Math.Max(down.T, rk);
        }

        EnforceCoherence(lower, upper, lowerComplement, upperComplement);
    }

    /// <summary>
    /// Coherence <c>lower_k + max_{j != k} upper_j &lt;= 1</c>: first with the exact complement (<c>lower_k &lt;= 1 - upper_j</c>
    /// taken from <c>1 - upper_j</c> as the solver resolved it, so a small lower bound keeps its relative precision), then in
    /// floating point, where the rounding is absorbed by the upper bound near 1 (a change of an ulp or so).
    /// </summary>
    private static void EnforceCoherence(Span<double> lower, Span<double> upper, Span<double> lowerComplement, ReadOnlySpan<double> upperComplement)
    {
        int n = lower.Length;
        int first = 0;
        for (int k = 1; k < n; k++)
        {
            if (upper[k] > upper[first])
            {
                first = k;
            }
        }

        int second = first == 0 ? 1 : 0;
        for (int k = 0; k < n; k++)
        {
            if (k != first && upper[k] > upper[second])
            {
                second = k;
            }
        }

        for (int k = 0; k < n; k++)
        {
            int j = k == first ? second : first;
            if (lower[k] > upperComplement[j])
            {
                lower[k] = upperComplement[j];
            }

            if (lower[k] + upper[j] > 1.0)
            {
                // Only rounding is left here (lower_k + p_j <= p_k + p_j <= 1): the upper bound near 1 gives the ulp, even
                // when that puts it an ulp below the rounded p_j, so that a small lower bound keeps its relative precision.
                upper[j] = 1.0 - lower[k];
                if (lower[j] > upper[j])
                {
                    // That ulp may take upper_j below lower_j when the set is (nearly) the point p: keep l_j <= u_j.
                    lower[j] = upper[j];
                    lowerComplement[j] = Math.Max(lowerComplement[j], 1.0 - lower[j]);
                }
            }

            lowerComplement[k] = Math.Max(lowerComplement[k], upper[j]);
        }
    }

    /// <summary>Lower bound for a class with probability <paramref name="pk"/> and rest mass <paramref name="rest"/> (both from the row, summing to 1).</summary>
    internal static double LowerOf(FDivergence divergence, double pk, double rest, double gamma)
    {
        return Math.Min(BinaryBound.Solve(Resolve(divergence), Math.Log(rest), Math.Log(pk), rest, pk, gamma).S, pk);
    }

    /// <summary>Upper bound for a class with probability <paramref name="pk"/> and rest mass <paramref name="rest"/> (both from the row, summing to 1).</summary>
    internal static double UpperOf(FDivergence divergence, double pk, double rest, double gamma)
    {
        return Math.Max(BinaryBound.Solve(Resolve(divergence), Math.Log(pk), Math.Log(rest), pk, rest, gamma).T, pk);
    }

    internal static double RestMass(ReadOnlySpan<double> p, int k)
    {
        double rest = 0.0;
        double compensation = 0.0;
        for (int j = 0; j < p.Length; j++)
        {
            if (j != k)
            {
                Neumaier.Add(ref rest, ref compensation, p[j]);
            }
        }

        return rest + compensation;
    }
}
