namespace CredalDistill.Numerics;

/// <summary>
/// Finds where a convex function crosses a level on one side of its minimum. The variable is the distance
/// <c>delta &gt;= 0</c> from an outer edge: <c>g</c> is convex and non-increasing on <c>[0, inner]</c>,
/// <c>g(inner) &lt;= level</c>, and the answer is the smallest <c>delta</c> with <c>g(delta) &lt;= level</c>.
/// Safeguarded Newton from the outer (infeasible) side, which converges monotonically for convex <c>g</c>,
/// interleaved with bisection (geometric when the bracket spans orders of magnitude) so that the bracket
/// at least halves every iteration. Tolerance: <c>|g - level| &lt;= 1e-14 max(1, level)</c> or a bracket of
/// relative width 4e-16.
/// </summary>
internal static class BoundarySolver
{
    private const int MaxIterations = 400;
    private const double Tiny = 1e-300;

    /// <summary>
    /// Returns <c>delta*</c> = min{ delta in [0, inner] : g(delta) &lt;= level }, assuming <c>g(inner) &lt;= level</c>.
    /// Returns 0 when <c>g(0) &lt;= level</c>.
    /// </summary>
    public static double Solve<TF>(ref TF g, double inner, double level)
        where TF : IScalarFunction, allows ref struct
    {
        double g0 = g.Value(0.0);
        if (g0 <= level)
        {
            return 0.0;
        }

        if (!(inner > 0.0))
        {
            return 0.0;
        }

        double tolerance = 1e-14 * Math.Max(1.0, level);
        double outer = 0.0;      // g(outer) > level (infeasible)
        double gOuter = g0;
        double feasible = inner; // g(feasible) <= level

        for (int iteration = 0; iteration < MaxIterations; iteration++)
        {
            double width = feasible - outer;
            if (width <= 4e-16 * feasible || feasible <= Tiny)
            {
                return feasible;
            }

            // Newton step from the infeasible side (never overshoots for convex g in exact arithmetic).
            bool progressed = false;
            if (double.IsFinite(gOuter))
            {
                double slope = g.Slope(outer);
                if (double.IsFinite(slope) && slope < 0.0)
                {
                    double x = outer - ((gOuter - level) / slope);
                    if (x > outer && x < feasible)
                    {
                        double gx = g.Value(x);
                        if (Math.Abs(gx - level) <= tolerance)
                        {
                            return x;
                        }

                        if (gx > level)
                        {
                            progressed = x - outer >= 0.5 * width;
                            outer = x;
                            gOuter = gx;
                        }
                        else
                        {
                            feasible = x;
                            progressed = true;
                        }
                    }
                }
            }

            if (progressed)
            {
                continue;
            }

            // Bisection: geometric when the bracket spans orders of magnitude, arithmetic otherwise.
            double lo = Math.Max(outer, Tiny);
            double mid = feasible > 64.0 * lo ? Math.Sqrt(lo * feasible) : 0.5 * (outer + feasible);
            if (!(mid > outer && mid < feasible))
            {
                return feasible;
            }

            double gm = g.Value(mid);
            if (Math.Abs(gm - level) <= tolerance)
            {
                return mid;
            }

            if (gm > level)
            {
                outer = mid;
                gOuter = gm;
            }
            else
            {
                feasible = mid;
            }
        }

        return feasible;
    }
}
