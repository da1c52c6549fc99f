namespace CredalDistill.Calibration;

/// <summary>
/// Exact minimiser of the convex objectives shared by NLL temperature scaling and distilled temperature scaling.
/// With inverse temperature <c>u = 1/T</c>, log-probability rows <c>l_i</c> (or logits: every term is invariant to a
/// row constant) and per-row targets <c>e_i = sum_k t_ik l_ik</c> (one-hot labels for NLL, cloud probabilities for
/// distillation):
/// <c>F(u) = (1/n) sum_i [logsumexp(u l_i) - u e_i]</c>,
/// <c>F'(u) = (1/n) sum_i [E_{softmax(u l_i)}[l_i] - e_i]</c>,
/// <c>F''(u) = (1/n) sum_i Var_{softmax(u l_i)}[l_i] &gt;= 0</c>.
/// A class with <c>l_ik = -inf</c> (probability exactly 0) has weight 0 at every <c>u &gt; 0</c> and is skipped; the
/// callers refuse a target that puts mass on such a class (the objective is then +inf at every temperature).
/// The root of <c>F'</c> is found by safeguarded Newton inside a shrinking bracket on <c>u in [1/TMax, 1/TMin]</c>, to a
/// bracket of relative width 1e-15 (the resolution of <c>u</c> in double).
/// </summary>
internal static class TemperatureSolver
{
    /// <summary>Smallest temperature searched.</summary>
    public const double MinimumTemperature = 0.01;

    /// <summary>Largest temperature searched.</summary>
    public const double MaximumTemperature = 100.0;

    /// <summary>Returns the minimising temperature <c>T = 1/u</c>, clamped to [0.01, 100].</summary>
    public static double Minimise(ReadOnlySpan<double> logits, int classes, ReadOnlySpan<double> targets)
    {
        double lo = 1.0 / MaximumTemperature;
        double hi = 1.0 / MinimumTemperature;
        Evaluate(logits, classes, targets, lo, out _, out double gLo, out _);
        Evaluate(logits, classes, targets, hi, out _, out double gHi, out _);
        if (gLo >= 0.0 && gHi <= 0.0)
        {
            // F' is non-decreasing, so it is identically 0: every temperature is optimal. Report T = 1.
            return 1.0;
        }

        if (gLo >= 0.0)
        {
            return MaximumTemperature;
        }

        if (gHi <= 0.0)
        {
            return MinimumTemperature;
        }

        double u = 1.0;
        double previousStep = hi - lo;
        for (int iteration = 0; iteration < 500; iteration++)
        {
            Evaluate(logits, classes, targets, u, out _, out double g, out double h);
            if (g > 0.0)
            {
                hi = u;
            }
            else if (g < 0.0)
            {
                lo = u;
            }
            else
            {
                return 1.0 / u;
            }

            // Safeguarded Newton (as rtsafe): bisect when the Newton step leaves the bracket or fails to halve the step.
            double next = h > 0.0 ? u - (g / h) : double.NaN;
            if (!(next > lo && next < hi) || Math.Abs(next - u) > 0.5 * previousStep)
            {
                next = Math.Sqrt(lo * hi); // geometric bisection: the bracket spans four decades
            }

            previousStep = Math.Abs(next - u);

            if (Math.Abs(next - u) <= 1e-15 * u || hi - lo <= 1e-15 * u)
            {
                return 1.0 / next;
            }

            u = next;
        }

        return 1.0 / u;
    }

    /// <summary>
    /// <c>F(u)</c>, <c>F'(u)</c> and <c>F''(u)</c> in one pass (see the class remarks). Entries are finite or -inf, at
    /// least one finite per row.
    /// </summary>
    public static void Evaluate(ReadOnlySpan<double> logits, int classes, ReadOnlySpan<double> targets, double u, out double value, out double derivative, out double curvature)
    {
        int rows = targets.Length;
        double f = 0.0;
        double g = 0.0;
        double h = 0.0;
        for (int i = 0; i < rows; i++)
        {
            var z = logits.Slice(i * classes, classes);
            double max = double.NegativeInfinity;
            for (int k = 0; k < classes; k++)
            {
                max = Math.Max(max, z[k]);
            }

            double sum = 0.0;
            double first = 0.0;
            for (int k = 0; k < classes; k++)
            {
                if (double.IsNegativeInfinity(z[k]))
                {
                    continue;
                }

                double w = Math.Exp(u * (z[k] - max));
                sum += w;
                first += w * (z[k] - max);
            }

            double mean = first / sum; // E[z - max]
            double variance = 0.0;
            for (int k = 0; k < classes; k++)
            {
                if (double.IsNegativeInfinity(z[k]))
                {
                    continue;
                }

                double d = z[k] - max - mean;
                variance += Math.Exp(u * (z[k] - max)) * d * d;
            }

            variance /= sum;
            f += (u * max) + Math.Log(sum) - (u * targets[i]);
            g += mean + max - targets[i];
            h += variance;
        }

        value = f / rows;
        derivative = g / rows;
        curvature = h / rows;
    }
}
