namespace CredalDistill.Credal;

/// <summary>
/// Maximum entropy in the total-variation ball by water-filling: <c>q_k = min(max(p_k, low), high)</c> with
/// <c>sum (p_k - high)_+ = gamma = sum (low - p_k)_+</c>; the uniform distribution when it is within <c>gamma</c>.
/// </summary>
internal static class WaterFilling
{
    /// <summary>Writes the water-filled member of the ball of radius <paramref name="gamma"/> around <paramref name="p"/>.</summary>
    internal static void Compute(ReadOnlySpan<double> p, double gamma, Span<double> destination)
    {
        int n = p.Length;
        double uniform = 1.0 / n;
        double distance = 0.0;
        for (int k = 0; k < n; k++)
        {
            distance += Math.Abs(p[k] - uniform);
        }

        if (0.5 * distance <= gamma)
        {
            destination.Fill(uniform);
            return;
        }

        double high = Level(p, gamma, top: true);
        double low = Level(p, gamma, top: false);
        for (int k = 0; k < n; k++)
        {
            destination[k] = Math.Min(Math.Max(p[k], low), high);
        }
    }

    /// <summary>The level <c>h</c> with <c>sum (p_k - h)_+ = gamma</c> (top) or <c>sum (h - p_k)_+ = gamma</c> (bottom), exact on the active set.</summary>
    private static double Level(ReadOnlySpan<double> p, double gamma, bool top)
    {
        double lo = 0.0;
        double hi = 1.0;
        for (int iteration = 0; iteration < 80; iteration++)
        {
            double mid = 0.5 * (lo + hi);
            double moved = 0.0;
            for (int k = 0; k < p.Length; k++)
            {
                moved += top ? Math.Max(p[k] - mid, 0.0) : Math.Max(mid - p[k], 0.0);
            }

            bool tooMuch = moved > gamma;
            if (top == tooMuch)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        // Exact solve on the active set found by bisection.
        double level = 0.5 * (lo + hi);
        double sum = 0.0;
        int count = 0;
        for (int k = 0; k < p.Length; k++)
        {
            if (top ? p[k] > level : p[k] < level)
            {
                sum += p[k];
                count++;
            }
        }

        return count == 0 ? level : (top ? (sum - gamma) / count : (sum + gamma) / count);
    }
}
