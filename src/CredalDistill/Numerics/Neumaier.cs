namespace CredalDistill.Numerics;

/// <summary>Neumaier's compensated summation step: <c>sum + compensation</c> carries the running total to about one rounding.</summary>
internal static class Neumaier
{
    /// <summary>Adds <paramref name="value"/> to the running <paramref name="sum"/>, accumulating the lost low-order part in <paramref name="compensation"/>.</summary>
    public static void Add(ref double sum, ref double compensation, double value)
    {
        double t = sum + value;
        compensation += Math.Abs(sum) >= Math.Abs(value) ? (sum - t) + value : (value - t) + sum;
        sum = t;
    }

    /// <summary>The compensated sum of <paramref name="values"/>.</summary>
    public static double Sum(ReadOnlySpan<double> values)
    {
        double sum = 0.0;
        double compensation = 0.0;
        foreach (double v in values)
        {
            Add(ref sum, ref compensation, v);
        }

        return sum + compensation;
    }
}
