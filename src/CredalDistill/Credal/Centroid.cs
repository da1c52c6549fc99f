using CredalDistill.Divergences;
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
    public static double Compute(IDivergence divergence, ReadOnlySpan<double> p, double gamma, Span<double> destination, Span<double> standardError, MonteCarloOptions options = default)
    {
        ArgumentNullException.ThrowIfNull(divergence);
        Check.Distribution(p, nameof(p));
        Check.Gamma(gamma, nameof(gamma));
        Check.SameLength(p.Length, destination.Length, nameof(destination));
        Check.SameLength(p.Length, standardError.Length, nameof(standardError));
        options = options == default ? MonteCarloOptions.Default : options;
        options.Validate();
        return ComputeUnchecked(divergence, p, gamma, destination, standardError, options);
    }

    internal static double ComputeUnchecked(IDivergence divergence, ReadOnlySpan<double> p, double gamma, Span<double> destination, Span<double> standardError, MonteCarloOptions options)
    {
        int n = p.Length;
        standardError.Clear();
        if (gamma == 0.0)
        {
            p.CopyTo(destination);
            return 0.0;
        }

        bool all = divergence.AllowsMassOutsideSupport;
        Span<int> free = n <= 256 ? stackalloc int[n] : new int[n];
        int m = 0;
        for (int k = 0; k < n; k++)
        {
            if (all || p[k] > 0.0)
            {
                free[m++] = k;
            }
        }

        destination.Clear();
        if (double.IsPositiveInfinity(gamma))
        {
            for (int i = 0; i < m; i++)
            {
                destination[free[i]] = 1.0 / m;
            }

            return 0.0;
        }

        if (m == 1)
        {
            destination[free[0]] = 1.0;
            return 0.0;
        }

        Span<double> sub = m <= 64 ? stackalloc double[m] : new double[m];

        for (int i = 0; i < m; i++)
        {
            sub[i] = p[free[i]];
        }

        if (m == 2)
        {
            double lo = CredalBounds.LowerOf(divergence, sub[0], sub[1], gamma);
            double hi = CredalBounds.UpperOf(divergence, sub[0], sub[1], gamma);
            double mid = 0.5 * (lo + hi);
            destination[free[0]] = mid;
            destination[free[1]] = 1.0 - mid;
            return 0.0;
        }

        if (m == 3)
        {
            CredalGeometry.TriangleMoments(divergence, sub, gamma, out double area, out double mx, out double my);
            if (!(area > 0.0))
            {
                p.CopyTo(destination);
                return 0.0;
            }

            double c0 = mx / area;
            double c1 = my / area;
            destination[free[0]] = c0;
            destination[free[1]] = c1;
            destination[free[2]] = 1.0 - c0 - c1;
            return 0.0;
        }

        Span<double> mean = m <= 64 ? stackalloc double[m] : new double[m];
        Span<double> se = m <= 64 ? stackalloc double[m] : new double[m];
        CredalGeometry.HitAndRun(divergence, sub, gamma, mean, se, options);
        double worst = 0.0;
        for (int i = 0; i < m; i++)
        {
            destination[free[i]] = mean[i];
            standardError[free[i]] = se[i];
            worst = Math.Max(worst, se[i]);
        }

        return worst;
    }
}
