namespace CredalDistill.Metrics;

/// <summary>Shared binning arithmetic of the calibration metrics (internal).</summary>
internal static class Binning
{
    /// <summary>The paper's equal-width bin of a value: <c>clamp(ceil(B v) - 1, 0, B - 1)</c>, in raw floating point.</summary>
    public static int EqualWidthIndex(double value, int bins)
    {
        double raw = Math.Ceiling(bins * value) - 1.0;
        if (raw < 0.0)
        {
            return 0;
        }

        return raw > bins - 1 ? bins - 1 : (int)raw;
    }

    /// <summary>Equal-width reliability bins of (value, outcome) pairs; outcomes are 0 or 1.</summary>
    public static ReliabilityBin[] EqualWidth(ReadOnlySpan<double> values, ReadOnlySpan<double> outcomes, int bins)
    {
        var count = new int[bins];
        var sumValue = new double[bins];
        var sumOutcome = new double[bins];
        for (int i = 0; i < values.Length; i++)
        {
            int b = EqualWidthIndex(values[i], bins);
            count[b]++;
            sumValue[b] += values[i];
            sumOutcome[b] += outcomes[i];
        }

        var result = new ReliabilityBin[bins];
        for (int b = 0; b < bins; b++)
        {
            result[b] = Make(b, (double)b / bins, (double)(b + 1) / bins, count[b], sumValue[b], sumOutcome[b]);
        }

        return result;
    }

    /// <summary>
    /// Equal-mass bins: samples sorted by value ascending (ties by original index), split like
    /// <c>numpy.array_split</c>: the first <c>n mod B</c> bins hold <c>floor(n/B) + 1</c> samples, the rest <c>floor(n/B)</c>.
    /// </summary>
    public static ReliabilityBin[] EqualMass(ReadOnlySpan<double> values, ReadOnlySpan<double> outcomes, int bins)
    {
        int n = values.Length;
        var order = StableOrder(values, out var keys);
        var result = new ReliabilityBin[bins];
        int baseSize = n / bins;
        int extra = n % bins;
        int position = 0;
        for (int b = 0; b < bins; b++)
        {
            int size = baseSize + (b < extra ? 1 : 0);
            if (size == 0)
            {
                result[b] = new ReliabilityBin(b, 0.0, 0.0, 0, 0.0, 0.0);
                continue;
            }

            double sumValue = 0.0;
            double sumOutcome = 0.0;
            for (int j = position; j < position + size; j++)
            {
                sumValue += values[order[j]];
                sumOutcome += outcomes[order[j]];
            }

            result[b] = Make(b, keys[position], keys[position + size - 1], size, sumValue, sumOutcome);
            position += size;
        }

        return result;
    }

    /// <summary>
    /// The row indices sorted by value ascending, ties in row-index order (a stable sort), and the sorted values
    /// (<paramref name="keys"/>). Values must not be NaN.
    /// </summary>
    public static int[] StableOrder(ReadOnlySpan<double> values, out double[] keys)
    {
        int n = values.Length;
        var order = new int[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
        }

        keys = values.ToArray();
        Array.Sort(keys, order);

        // Array.Sort is not stable: restore index order within runs of equal values.
        int start = 0;
        while (start < n)
        {
            int end = start + 1;
            while (end < n && keys[end] == keys[start])
            {
                end++;
            }

            if (end - start > 1)
            {
                Array.Sort(order, start, end - start);
            }

            start = end;
        }

        return order;
    }

    /// <summary>First sorted position of equal-mass bin <paramref name="bin"/> of <paramref name="bins"/> over <paramref name="n"/> positions: <c>floor(b n / B)</c>.</summary>
    public static long MassBoundary(int bin, long n, int bins) => (long)((Int128)bin * n / bins);

    /// <summary><c>sum_b (n_b / n) |acc_b - conf_b|</c>.</summary>
    public static double WeightedGap(ReadOnlySpan<ReliabilityBin> bins)
    {
        long n = 0;
        foreach (var bin in bins)
        {
            n += bin.Count;
        }

        if (n == 0)
        {
            return 0.0;
        }

        double sum = 0.0;
        foreach (var bin in bins)
        {
            sum += (double)bin.Count / n * bin.Gap;
        }

        return sum;
    }

    /// <summary><c>max_b |acc_b - conf_b|</c> over non-empty bins (0 when all are empty).</summary>
    public static double MaxGap(ReadOnlySpan<ReliabilityBin> bins)
    {
        double max = 0.0;
        foreach (var bin in bins)
        {
            if (!bin.IsEmpty && bin.Gap > max)
            {
                max = bin.Gap;
            }
        }

        return max;
    }

    internal static ReliabilityBin Make(int index, double lower, double upper, int count, double sumValue, double sumOutcome)
    {
        if (count == 0)
        {
            return new ReliabilityBin(index, lower, upper, 0, 0.0, 0.0);
        }

        return new ReliabilityBin(index, lower, upper, count, sumValue / count, sumOutcome / count);
    }
}
