namespace CredalDistill.Numerics;

/// <summary>
/// Solves <c>g(x) = target</c> for a continuous monotone <c>g</c> on a bracket <c>[a, b]</c> whose ends lie on
/// opposite sides of the target: Newton steps from the latest point, replaced by bisection whenever a step leaves
/// the bracket or fails to halve it. Stops when <c>|g - target| &lt;= tolerance</c> or the bracket is at
/// double-precision width.
/// </summary>
internal static class MonotoneRoot
{
    private const int MaxIterations = 200;

    /// <summary>Returns the root in <c>[a, b]</c>; <paramref name="ga"/> and <paramref name="gb"/> are <c>g(a) - target</c> and <c>g(b) - target</c>.</summary>
    public static double Solve<TF>(ref TF g, double a, double b, double ga, double gb, double target, double tolerance)
        where TF : IScalarFunction, allows ref struct
    {
        if (ga == 0.0)
        {
            return a;
        }

        if (gb == 0.0)
        {
            return b;
        }

        // Orient so that g(lo) < target < g(hi) in value terms.
        double lo = ga < 0.0 ? a : b;
        double hi = ga < 0.0 ? b : a;
        double x = Math.Abs(ga) < Math.Abs(gb) ? a : b;
        double fx = Math.Abs(ga) < Math.Abs(gb) ? ga : gb;
        double previousWidth = Math.Abs(hi - lo);

        for (int i = 0; i < MaxIterations; i++)
        {
            double slope = g.Slope(x);
            double next = x - (fx / slope);
            double width = Math.Abs(hi - lo);
            bool newtonOk = double.IsFinite(next) && next > Math.Min(lo, hi) && next < Math.Max(lo, hi) && Math.Abs(next - x) < 0.5 * previousWidth;
            previousWidth = width;
            if (!newtonOk)
            {
                next = 0.5 * (lo + hi);
            }

            if (next == lo || next == hi || width <= 2e-16 * Math.Max(Math.Abs(lo), Math.Abs(hi)))
            {
                return next;
            }

            double fn = g.Value(next) - target;
            x = next;
            fx = fn;
            if (Math.Abs(fn) <= tolerance || fn == 0.0)
            {
                return next;
            }

            if (fn < 0.0)
            {
                lo = next;
            }
            else
            {
                hi = next;
            }
        }

        return x;
    }
}
