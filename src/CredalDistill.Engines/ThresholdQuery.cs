using System.Text;

namespace CredalDistill.Engines;

/// <summary>
/// The calibration query: the scores of <see cref="ScoreSql"/>, then per group (and, for a grouped query, over all rows
/// as well) the exact conformal threshold as an order statistic: <c>row_number() OVER (PARTITION BY group ORDER BY score)</c>
/// numbers the valid rows, <c>k = ceil((n + 1)(1 - eps))</c> is computed from the group's <c>n</c> in exact integer
/// arithmetic (<see cref="ExactRank"/>), and <c>gamma</c> is the score of row <c>k</c> (NULL when <c>k &gt; n</c>: unbounded).
/// One result row per group; nothing but these rows leaves the engine.
/// </summary>
/// <remarks>
/// Result columns (<see cref="ThresholdRow"/> reads them): <c>group_value</c> (text; NULL on the pooled row),
/// <c>pooled</c>, <c>n</c> (valid rows), <c>bad_rows</c>, <c>rank_k</c>, <c>gamma</c>, <c>min_score</c>,
/// <c>median_low</c> and <c>median_high</c> (ranks <c>(n + 1) div 2</c> and <c>n div 2 + 1</c>), <c>max_score</c>,
/// <c>finite_sum</c> (the sum of the finite scores) and <c>infinite</c> (the number of +infinity scores).
/// </remarks>
public static class ThresholdQuery
{
    /// <summary>The full statement.</summary>
    /// <param name="dialect">The SQL dialect.</param>
    /// <param name="source">A SELECT statement giving the rows (a user query, or <see cref="FromTable"/>).</param>
    /// <param name="columns">Where the pairs are.</param>
    /// <param name="divergence">The score divergence.</param>
    /// <param name="epsilon">The miscoverage; the rank is exact for its shortest decimal (at most 18 decimal places).</param>
    /// <param name="groupBy">The group column, or null for one threshold over every row.</param>
    public static string Build(SqlDialect dialect, string source, PairColumns columns, SqlDivergence divergence, double epsilon, string? groupBy)
    {
        ArgumentNullException.ThrowIfNull(dialect);
        var rank = ExactRank.For(epsilon);
        var sb = new StringBuilder();
        sb.Append("-- CD-CI threshold: ").Append(divergence.Name).Append(" scores (log domain), k = ceil((n + 1)(1 - eps)) exactly for eps = ")
          .Append(rank.Numerator).Append('/').Append(rank.Denominator).Append(", gamma = the k-th smallest score")
          .Append(groupBy is null ? string.Empty : " per group and over all rows").Append(" (exact window, no approximate quantile)\n");
        sb.Append("WITH ").Append(ScoreSql.Ctes(dialect, source, columns, divergence, groupBy, shared: groupBy is not null)).Append(",\n");
        sb.Append(Ranked(dialect, rank, "credal_ranked", "credal_group, credal_valid"));
        if (groupBy is not null)
        {
            sb.Append(",\n").Append(Ranked(dialect, rank, "credal_ranked_all", "credal_valid"));
        }

        sb.Append('\n').Append(Summary(dialect, "credal_group", "FALSE", "credal_ranked", "GROUP BY credal_group"));
        if (groupBy is not null)
        {
            sb.Append("\nUNION ALL\n").Append(Summary(dialect, $"CAST(NULL AS {dialect.TextType})", "TRUE", "credal_ranked_all", string.Empty));
        }

        sb.Append("\nORDER BY pooled, group_value");
        return sb.ToString();
    }

    /// <summary>A SELECT of every column of a table.</summary>
    public static string FromTable(SqlDialect dialect, string table)
    {
        ArgumentNullException.ThrowIfNull(dialect);
        return $"SELECT * FROM {dialect.QuoteTable(table)}";
    }

    /// <summary>The ranked scores with the rank <c>k</c> and the median ranks of their partition.</summary>
    private static string Ranked(SqlDialect dialect, ExactRank rank, string name, string partition)
    {
        string numbered = $"{name}_n";
        return $"{dialect.Cte(numbered)}\n  SELECT credal_group, credal_valid, credal_score,\n"
             + $"    row_number() OVER (PARTITION BY {partition} ORDER BY credal_score) AS credal_r,\n"
             + $"    count(*) OVER (PARTITION BY {partition}) AS credal_n\n  FROM {ScoreSql.ScoresCte}\n),\n"
             + $"{dialect.Cte(name)}\n  SELECT credal_group, credal_valid, credal_score, credal_r, credal_n,\n"
             + $"    CASE WHEN credal_valid THEN {rank.Sql(dialect, "credal_n")} END AS credal_k,\n"
             + $"    {dialect.IntegerDivide("credal_n + 1", "2")} AS credal_lo,\n"
             + $"    {dialect.IntegerDivide("credal_n", "2")} + 1 AS credal_hi\n  FROM {numbered}\n)";
    }

    private static string Summary(SqlDialect dialect, string group, string pooled, string from, string groupBy)
    {
        string inf = dialect.Double(double.PositiveInfinity);
        return $"SELECT {group} AS group_value, {pooled} AS pooled,\n"
             + "  count(CASE WHEN credal_valid THEN 1 END) AS n,\n"
             + "  count(CASE WHEN NOT credal_valid THEN 1 END) AS bad_rows,\n"
             + "  max(credal_k) AS rank_k,\n"
             + "  max(CASE WHEN credal_valid AND credal_r = credal_k THEN credal_score END) AS gamma,\n"
             + "  min(CASE WHEN credal_valid THEN credal_score END) AS min_score,\n"
             + "  max(CASE WHEN credal_valid AND credal_r = credal_lo THEN credal_score END) AS median_low,\n"
             + "  max(CASE WHEN credal_valid AND credal_r = credal_hi THEN credal_score END) AS median_high,\n"
             + "  max(CASE WHEN credal_valid THEN credal_score END) AS max_score,\n"
             + $"  {dialect.SumDouble($"CASE WHEN credal_valid AND credal_score < {inf} THEN credal_score END")} AS finite_sum,\n"
             + $"  count(CASE WHEN credal_valid AND credal_score = {inf} THEN 1 END) AS infinite\n"
             + $"FROM {from}{(groupBy.Length > 0 ? "\n" + groupBy : string.Empty)}";
    }
}
