using System.Data.Common;
using System.Globalization;
using CredalDistill.IO;

namespace CredalDistill.Engines;

/// <summary>One result row of <see cref="ThresholdQuery"/>: a group's (or all rows') exact threshold and score summary.</summary>
/// <param name="Group">The group value; null on the pooled row of a grouped query.</param>
/// <param name="Pooled">True for the row over all groups together.</param>
/// <param name="N">Valid rows.</param>
/// <param name="BadRows">Rows that break the row rule (not scored).</param>
/// <param name="Rank">The conformal rank <c>k</c> (null when <c>n = 0</c>).</param>
/// <param name="Gamma">The k-th smallest score; +infinity when <c>k &gt; n</c> (or the k-th score is infinite).</param>
/// <param name="Min">The smallest score.</param>
/// <param name="MedianLow">The score of rank <c>(n + 1) div 2</c>.</param>
/// <param name="MedianHigh">The score of rank <c>n div 2 + 1</c>.</param>
/// <param name="Max">The largest score.</param>
/// <param name="FiniteSum">The sum of the finite scores (0 when there are none).</param>
/// <param name="Infinite">The number of +infinity scores.</param>
public sealed record ThresholdRow(string? Group, bool Pooled, long N, long BadRows, long? Rank, double Gamma, double Min, double MedianLow, double MedianHigh, double Max, double FiniteSum, long Infinite)
{
    /// <summary>The median as the library defines it: the middle score for odd <c>n</c>, the midpoint of the two middle ones for even <c>n</c>.</summary>
    public double Median => N % 2 == 1 ? MedianLow : double.IsPositiveInfinity(MedianHigh) ? double.PositiveInfinity : MedianLow + ((MedianHigh - MedianLow) / 2.0);

    /// <summary>The mean score, null when a score is infinite (the artifact omits an infinite mean), clamped into [min, max] against rounding.</summary>
    public double? Mean => Infinite > 0 ? null : Math.Clamp(FiniteSum / N, Min, Max);

    /// <summary>The artifact's summary of the scores.</summary>
    public ArtifactScoreSummary Summary() => new(Min, Median, Max, Mean);

    /// <summary>Reads every row of a <see cref="ThresholdQuery"/> result.</summary>
    public static List<ThresholdRow> ReadAll(DbDataReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var rows = new List<ThresholdRow>();
        while (reader.Read())
        {
            long n = Long(reader, "n") ?? 0;
            double? gamma = Double(reader, "gamma");
            rows.Add(new ThresholdRow(
                reader.IsDBNull(reader.GetOrdinal("group_value")) ? null : Convert.ToString(reader.GetValue(reader.GetOrdinal("group_value")), CultureInfo.InvariantCulture),
                Convert.ToBoolean(reader.GetValue(reader.GetOrdinal("pooled")), CultureInfo.InvariantCulture),
                n,
                Long(reader, "bad_rows") ?? 0,
                Long(reader, "rank_k"),
                gamma ?? double.PositiveInfinity,
                Double(reader, "min_score") ?? double.NaN,
                Double(reader, "median_low") ?? double.NaN,
                Double(reader, "median_high") ?? double.NaN,
                Double(reader, "max_score") ?? double.NaN,
                Double(reader, "finite_sum") ?? 0.0,
                Long(reader, "infinite") ?? 0));
        }

        return rows;
    }

    private static long? Long(DbDataReader reader, string name)
    {
        int i = reader.GetOrdinal(name);
        return reader.IsDBNull(i) ? null : Convert.ToInt64(reader.GetValue(i), CultureInfo.InvariantCulture);
    }

    private static double? Double(DbDataReader reader, string name)
    {
        int i = reader.GetOrdinal(name);
        return reader.IsDBNull(i) ? null : Convert.ToDouble(reader.GetValue(i), CultureInfo.InvariantCulture);
    }
}
