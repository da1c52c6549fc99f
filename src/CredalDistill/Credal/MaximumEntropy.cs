using CredalDistill.Divergences;
using CredalDistill.Numerics;
using CredalDistill.Validation;

namespace CredalDistill.Credal;

/// <summary>
/// The maximum-entropy member <c>argmax { H(q) : D(q || p) &lt;= gamma }</c> of the credal set (METHOD.md section 3.2).
/// <list type="bullet">
/// <item>KL: the edge output at a per-input temperature, <c>q_T ∝ p^(1/T)</c>, <c>T &gt;= 1</c> the root of
/// <c>KL(q_T || p) = gamma</c>; the uniform distribution on the support of <c>p</c> when that is inside the ball.</item>
/// <item>Total variation: water-filling, <c>q_k = min(max(p_k, low), high)</c> with <c>sum (p_k - high)_+ = gamma =
/// sum (low - p_k)_+</c>.</item>
/// <item>Other divergences: the Lagrange conditions <c>log q_k + lambda f'(q_k / p_k) = nu</c>, solved exactly by nested
/// monotone one-dimensional roots (per-class <c>q_k</c>, normalising <c>nu</c>, and <c>lambda</c> such that
/// <c>D(q || p) = gamma</c>).</item>
/// </list>
/// When the unconstrained maximiser (uniform on the classes the divergence allows) is inside the ball it is returned.
/// One type per algorithm: <see cref="TemperedMaximumEntropy"/>, <see cref="WaterFilling"/>, <see cref="LagrangeMaximumEntropy"/>.
/// </summary>
public static class MaximumEntropy
{
    /// <summary>Writes the maximum-entropy member into <paramref name="destination"/>. Allocation-free.</summary>
    public static void Compute(FDivergence divergence, ReadOnlySpan<double> p, double gamma, Span<double> destination)
        => Compute(divergence, EdgeRow.FromProbabilities(p), gamma, destination);

    /// <summary>
    /// Writes the maximum-entropy member of the set around an edge output given as probabilities or logits
    /// (<see cref="EdgeRow"/>); for KL the tempered member is built from <c>log p</c>, so logits stay logits.
    /// </summary>
    public static void Compute(FDivergence divergence, EdgeRow edge, double gamma, Span<double> destination)
    {
        var f = CredalBounds.Resolve(divergence);
        Check.Gamma(gamma, nameof(gamma));
        Check.SameLength(edge.Classes, destination.Length, nameof(destination));
        int k = edge.Classes;
        using var lease = new ScratchLease();
        Span<double> work = k <= ScratchLease.StackDoubles ? stackalloc double[k] : lease.Rent(k);
        ComputeUnchecked(f, edge, gamma, destination, work);
    }

    /// <summary>
    /// For the KL ball: the per-input temperature <c>T &gt;= 1</c> with <c>KL(q_T || p) = gamma</c>,
    /// <c>q_T ∝ p^(1/T)</c>; +infinity when the uniform distribution on the support is inside the ball.
    /// </summary>
    public static double KlTemperature(ReadOnlySpan<double> p, double gamma)
    {
        var edge = EdgeRow.FromProbabilities(p);
        Check.Gamma(gamma, nameof(gamma));
        using var lease = new ScratchLease();
        Span<double> work = 2 * p.Length <= ScratchLease.StackDoubles ? stackalloc double[2 * p.Length] : lease.Rent(2 * p.Length);
        var logP = work[..p.Length];
        edge.LogProbabilities(logP);
        double beta = TemperedMaximumEntropy.InverseTemperature(logP, gamma, work[p.Length..], p);
        return beta > 0.0 ? 1.0 / beta : double.PositiveInfinity;
    }

    /// <summary>The member for a validated row; <paramref name="work"/> holds at least <c>K</c> doubles.</summary>
    internal static void ComputeUnchecked(FDivergence divergence, EdgeRow edge, double gamma, Span<double> destination, Span<double> work)
    {
        var scratch = work[..edge.Classes];
        if (divergence is KullbackLeibler)
        {
            edge.LogProbabilities(scratch);
            bool ready = false;
            double beta = gamma == 0.0 ? 1.0 : TemperedMaximumEntropy.InverseTemperature(scratch, gamma, destination, edge.IsLogits ? default : edge.Values, out ready);
            TemperedMaximumEntropy.Tempered(scratch, beta, destination, ready);
            return;
        }

        edge.Probabilities(scratch);
        ComputeFromProbabilities(divergence, scratch, gamma, destination);
    }

    private static void ComputeFromProbabilities(FDivergence divergence, ReadOnlySpan<double> p, double gamma, Span<double> destination)
    {
        if (gamma == 0.0)
        {
            p.CopyTo(destination);
            return;
        }

        if (divergence is TotalVariation)
        {
            WaterFilling.Compute(p, gamma, destination);
            return;
        }

        bool all = divergence.AllowsMassOutsideSupport;
        Uniform(p, all, destination);
        if (LagrangeMaximumEntropy.RobustDivergence(divergence, destination, p) <= gamma)
        {
            return;
        }

        LagrangeMaximumEntropy.Compute(divergence, p, gamma, destination);
    }

    /// <summary>Uniform over all classes, or over the support of <paramref name="p"/>.</summary>
    internal static void Uniform(ReadOnlySpan<double> p, bool allClasses, Span<double> destination)
    {
        int m = 0;
        for (int k = 0; k < p.Length; k++)
        {
            if (allClasses || p[k] > 0.0)
            {
                m++;
            }
        }

        for (int k = 0; k < p.Length; k++)
        {
            destination[k] = allClasses || p[k] > 0.0 ? 1.0 / m : 0.0;
        }
    }
}
