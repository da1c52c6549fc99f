using CredalDistill.Divergences;
using CredalDistill.Numerics;
using CredalDistill.Validation;

namespace CredalDistill.Credal;

/// <summary>
/// The credal average: the centroid <c>c = int_Gamma q dq / int_Gamma dq</c> of <c>Gamma = { q : D(q || p) &lt;= gamma }</c>
/// under the uniform measure on the simplex (the paper averages grid points inside the set).
/// When the divergence confines <c>q</c> to the support of <c>p</c> (KL, chi2, alpha &gt; 1) the measure is the uniform
/// one on that face. With <c>m</c> free classes: <c>m = 1</c> the vertex, <c>m = 2</c> the midpoint of the segment,
/// <c>m = 3</c> exact quadrature (error ~1e-8), <c>m &gt;= 4</c> seeded hit-and-run with batch-means standard errors.
/// </summary>
public static class Centroid
{
    /// <summary>
    /// Writes the centroid into <paramref name="destination"/> and each component's standard error into
    /// <paramref name="standardError"/> (zeros when exact). Returns the largest standard error (0 when exact).
    /// Allocation-free for up to 64 classes.
    /// </summary>
    public static double Compute(FDivergence divergence, ReadOnlySpan<double> p, double gamma, Span<double> destination, Span<double> standardError, MonteCarloOptions? options = null)
        => Compute(divergence, EdgeRow.FromProbabilities(p), gamma, destination, standardError, options);

    /// <summary>The centroid of the set around an edge output given as probabilities or logits (see <see cref="EdgeRow"/>).</summary>
    public static double Compute(FDivergence divergence, EdgeRow edge, double gamma, Span<double> destination, Span<double> standardError, MonteCarloOptions? options = null)
    {
        var f = CredalBounds.Resolve(divergence);
        Check.Gamma(gamma, nameof(gamma));
        Check.SameLength(edge.Classes, destination.Length, nameof(destination));
        Check.SameLength(edge.Classes, standardError.Length, nameof(standardError));
        options ??= MonteCarloOptions.Default;
        return ComputeUnchecked(f, edge, gamma, destination, standardError, options);
    }

    internal static double ComputeUnchecked(FDivergence divergence, EdgeRow edge, double gamma, Span<double> destination, Span<double> standardError, MonteCarloOptions options)
    {
        int n = edge.Classes;
        standardError.Clear();
        if (gamma == 0.0)
        {
            edge.Probabilities(destination);
            return 0.0;
        }

        using var lease = new ScratchLease();
        Span<double> work = 3 * n <= ScratchLease.StackDoubles ? stackalloc double[3 * n] : lease.Rent(3 * n);
        var logP = work[..n];
        var sub = work.Slice(n, n);
        var subError = work.Slice(2 * n, n);
        edge.LogProbabilities(logP);
        bool all = divergence.AllowsMassOutsideSupport;
        int m = 0;
        for (int k = 0; k < n; k++)
        {
            if (all || !double.IsNegativeInfinity(logP[k]))
            {
                sub[m++] = logP[k];
            }
        }

        var subLogP = sub[..m];
        var result = subError[..m];
        double worst = 0.0;
        if (double.IsPositiveInfinity(gamma) || m == 1)
        {
            result.Fill(1.0 / m);
        }
        else if (m == 2)
        {
            double hi = BinaryBound.Solve(divergence, subLogP[0], subLogP[1], gamma).T;
            double lo = BinaryBound.Solve(divergence, subLogP[1], subLogP[0], gamma).S;
            double mid = 0.5 * (lo + hi);
            result[0] = mid;
            result[1] = 1.0 - mid;
        }
        else if (m == 3)
        {
            CredalGeometry.TriangleMoments(divergence, subLogP, gamma, out double area, out double mx, out double my);
            if (!(area > 0.0))
            {
                edge.Probabilities(destination);
                return 0.0;
            }

            result[0] = mx / area;
            result[1] = my / area;
            result[2] = 1.0 - result[0] - result[1];
        }
        else
        {
            // Hit-and-run writes the mean into the sub-vector's own slots and the standard errors into the destination (scattered below).
            Span<double> mean = destination[..m];
            CredalGeometry.HitAndRun(divergence, subLogP, gamma, result, mean, options);
            for (int i = 0; i < m; i++)
            {
                worst = Math.Max(worst, mean[i]);
            }

            mean.CopyTo(sub[..m]);
        }

        // Scatter back to the classes (the free classes in order); errors come from sub when sampled.
        bool sampled = m >= 4 && !double.IsPositiveInfinity(gamma);
        int next = m - 1;
        for (int k = n - 1; k >= 0; k--)
        {
            bool free = all || !double.IsNegativeInfinity(logP[k]);
            if (free)
            {
                standardError[k] = sampled ? sub[next] : 0.0;
                destination[k] = result[next];
                next--;
            }
            else
            {
                destination[k] = 0.0;
                standardError[k] = 0.0;
            }
        }

        return worst;
    }
}
