using System.Text;

namespace CredalDistill.Engines;

/// <summary>
/// The monitoring query: on audited (cloud, edge) pairs, the coverage of the calibrated credal sets per group and day,
/// i.e. the share of valid rows whose score <c>D(cloud || edge)</c> is at most their group's threshold (a row of a group
/// without a threshold, or with an unbounded one, is covered). The thresholds come either inline (from an artifact) or
/// from a table with columns <c>group_value</c> and <c>gamma</c> (NULL = unbounded), e.g. the saved result of
/// <see cref="ThresholdQuery"/>.
/// </summary>
/// <remarks>
/// Result columns: <c>group_value</c>, <c>day</c>, <c>n</c> (valid rows), <c>covered</c>, <c>coverage</c>
/// (<c>covered / n</c>), <c>threshold</c> (NULL = unbounded), <c>bad_rows</c>. Coverage should stay at or above
/// <c>1 - eps</c> in every group; a day well below it is a reason to recalibrate (the <c>credal monitor</c> command gives
/// the anytime-valid confidence sequence for one stream).
/// </remarks>
public static class MonitorQuery
{
    /// <summary>The full statement.</summary>
    /// <param name="dialect">The SQL dialect.</param>
    /// <param name="source">A SELECT statement giving the audited rows.</param>
    /// <param name="columns">Where the pairs are.</param>
    /// <param name="divergence">The score divergence (the artifact's).</param>
    /// <param name="groupBy">The group column, or null (one threshold, group value <c>''</c>).</param>
    /// <param name="day">The day (or any period) column.</param>
    /// <param name="thresholds">Inline thresholds by group value (+infinity = unbounded), or null to read <paramref name="thresholdsTable"/>.</param>
    /// <param name="thresholdsTable">The table with columns <c>group_value</c>, <c>gamma</c>, when <paramref name="thresholds"/> is null.</param>
    public static string Build(SqlDialect dialect, string source, PairColumns columns, SqlDivergence divergence, string? groupBy, string day, IReadOnlyList<KeyValuePair<string, double>>? thresholds, string thresholdsTable = "credal_thresholds")
    {
        ArgumentNullException.ThrowIfNull(dialect);
        ArgumentNullException.ThrowIfNull(divergence);
        var sb = new StringBuilder();
        sb.Append("-- CD-CI monitoring: coverage of the audited pairs per group and ").Append(day).Append(" (share of rows with score <= the group's threshold)\n");
        sb.Append("WITH ").Append(ScoreSql.Ctes(dialect, source, columns, divergence, groupBy, day)).Append(",\n");
        sb.Append("credal_thresholds_used AS (\n  ");
        if (thresholds is null)
        {
            sb.Append($"SELECT CAST(group_value AS {dialect.TextType}) AS group_value, CAST(gamma AS {dialect.DoubleType}) AS gamma FROM {dialect.QuoteTable(thresholdsTable)}");
        }
        else
        {
            if (thresholds.Count == 0)
            {
                throw new ArgumentException("at least one threshold is needed.", nameof(thresholds));
            }

            sb.Append("SELECT group_value, gamma FROM (VALUES\n    ")
              .Append(string.Join(",\n    ", thresholds.Select(t => $"(CAST('{t.Key.Replace("'", "''", StringComparison.Ordinal)}' AS {dialect.TextType}), {(double.IsPositiveInfinity(t.Value) ? $"CAST(NULL AS {dialect.DoubleType})" : dialect.Double(t.Value))})")))
              .Append("\n  ) AS credal_t(group_value, gamma)");
        }

        string inf = dialect.Double(double.PositiveInfinity);
        sb.Append("\n)\nSELECT s.credal_group AS group_value, s.credal_day AS day,\n")
          .Append("  count(CASE WHEN s.credal_valid THEN 1 END) AS n,\n")
          .Append($"  count(CASE WHEN s.credal_valid AND s.credal_score <= COALESCE(t.gamma, {inf}) THEN 1 END) AS covered,\n")
          .Append($"  CAST(count(CASE WHEN s.credal_valid AND s.credal_score <= COALESCE(t.gamma, {inf}) THEN 1 END) AS {dialect.DoubleType}) / nullif(count(CASE WHEN s.credal_valid THEN 1 END), 0) AS coverage,\n")
          .Append("  max(t.gamma) AS threshold,\n")
          .Append("  count(CASE WHEN NOT s.credal_valid THEN 1 END) AS bad_rows\n")
          .Append("FROM ").Append(ScoreSql.ScoresCte).Append(" s LEFT JOIN credal_thresholds_used t ON s.credal_group = t.group_value\n")
          .Append("GROUP BY s.credal_group, s.credal_day\nORDER BY group_value, day");
        return sb.ToString();
    }
}
