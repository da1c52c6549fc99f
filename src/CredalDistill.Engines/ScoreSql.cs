using System.Globalization;
using System.Text;

namespace CredalDistill.Engines;

/// <summary>
/// The CTEs that turn a table of (cloud, edge) pairs into one CD-CI score a row, in the log domain (METHOD.md 3.1a):
/// <list type="number">
/// <item><c>credal_pairs</c>: the class columns (or list elements) as doubles, the group (and day) as text;</item>
/// <item><c>credal_checked</c>: <c>credal_valid</c>, the library's row rule (finite logits; finite non-negative probabilities
/// summing to 1 within 1e-6, or with a positive sum when renormalising; a non-null group), and the normaliser's inputs;</item>
/// <item><c>credal_norm</c>: the log normaliser, <c>m + ln(sum_j exp(z_j - m))</c> with <c>m</c> the row maximum for logits,
/// <c>ln(sum_j p_j)</c> for probabilities;</item>
/// <item><c>credal_logs</c>: <c>log p_k</c> (the log-softmax <c>z_k - logsumexp(z)</c>, or <c>ln p_k - ln sum p</c>) and the
/// zero flags (a probability that is exactly 0; never for logits);</item>
/// <item><c>credal_probs</c>: <c>p_k = exp(log p_k)</c> (0 where zero);</item>
/// <item><c>credal_scores</c>: <c>credal_score = max(D(cloud || edge), 0)</c> for valid rows, NULL for the others.</item>
/// </list>
/// Invalid rows never reach a logarithm or an exponential (every step is inside <c>CASE WHEN credal_valid</c>), so a bad
/// row is counted, not an engine error.
/// </summary>
public static class ScoreSql
{
    /// <summary>The name of the CTE with the scores.</summary>
    public const string ScoresCte = "credal_scores";

    /// <summary>
    /// The CTE definitions (without <c>WITH</c>), ending with <see cref="ScoresCte"/>
    /// <c>(credal_group, credal_day, credal_valid, credal_score)</c>.
    /// </summary>
    /// <param name="dialect">The SQL dialect.</param>
    /// <param name="source">A SELECT statement (the rows), used as the first CTE <c>credal_source</c>.</param>
    /// <param name="columns">Where the pairs are.</param>
    /// <param name="divergence">The score divergence.</param>
    /// <param name="groupBy">The group column, or null (then every row is in the group <c>''</c>).</param>
    /// <param name="day">A column carried as <c>credal_day</c> (text) for monitoring, or null.</param>
    /// <param name="shared">The scores are read twice (materialized where the engine can).</param>
    public static string Ctes(SqlDialect dialect, string source, PairColumns columns, SqlDivergence divergence, string? groupBy, string? day = null, bool shared = false)
    {
        ArgumentNullException.ThrowIfNull(dialect);
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(divergence);
        int k = columns.Classes;
        string text = dialect.TextType;
        var sb = new StringBuilder();
        sb.Append("credal_source AS (\n  ").Append(TrimStatement(source)).Append("\n),\n");

        // 1. Pairs: doubles, group and day as text.
        sb.Append(dialect.Cte("credal_pairs")).Append("\n  SELECT ")
          .Append(groupBy is null ? $"CAST('' AS {text})" : $"CAST({dialect.Quote(groupBy)} AS {text})").Append(" AS credal_group, ")
          .Append(day is null ? $"CAST(NULL AS {text})" : $"CAST({dialect.Quote(day)} AS {text})").Append(" AS credal_day");
        AppendValues(sb, dialect, "cv", columns.Cloud, k);
        AppendValues(sb, dialect, "ev", columns.Edge, k);
        sb.Append("\n  FROM credal_source\n),\n");

        // 2. Validity and the normaliser's inputs (the row sum only where every entry is in range, so no overflow).
        sb.Append(dialect.Cte("credal_checked")).Append("\n  SELECT *, ")
          .Append(Valid(dialect, columns, groupBy is not null)).Append(" AS credal_valid,\n    ")
          .Append(First(dialect, columns.CloudLogits, "cv", k, columns)).Append(" AS cm,\n    ")
          .Append(First(dialect, columns.EdgeLogits, "ev", k, columns)).Append(" AS em\n  FROM credal_pairs\n),\n");

        // 3. The log normaliser.
        sb.Append(dialect.Cte("credal_norm")).Append("\n  SELECT *,\n    CASE WHEN credal_valid THEN ").Append(Normaliser(dialect, columns.CloudLogits, "cv", "cm", k)).Append(" END AS cl,\n    CASE WHEN credal_valid THEN ")
          .Append(Normaliser(dialect, columns.EdgeLogits, "ev", "em", k)).Append(" END AS el\n  FROM credal_checked\n),\n");

        // 4. log p_k and the zero flags.
        sb.Append(dialect.Cte("credal_logs")).Append("\n  SELECT credal_group, credal_day, credal_valid");
        AppendLogs(sb, dialect, columns.CloudLogits, "cv", "cl", "lc", "zc", k);
        AppendLogs(sb, dialect, columns.EdgeLogits, "ev", "el", "le", "ze", k);
        sb.Append("\n  FROM credal_norm\n),\n");

        // 5. p_k = exp(log p_k).
        sb.Append(dialect.Cte("credal_probs")).Append("\n  SELECT *");
        for (int i = 0; i < k; i++)
        {
            string n = I(i);
            sb.Append($",\n    CASE WHEN zc{n} THEN {dialect.Double(0.0)} ELSE {dialect.Exp("lc" + n)} END AS c{n}");
            sb.Append($",\n    CASE WHEN ze{n} THEN {dialect.Double(0.0)} ELSE {dialect.Exp("le" + n)} END AS e{n}");
        }

        sb.Append("\n  FROM credal_logs\n),\n");

        // 6. The divergence, clamped at 0 like the library.
        var terms = Enumerable.Range(0, k).Select(i => $"({divergence.Term(dialect, new SqlDivergence.ClassNames("lc" + I(i), "le" + I(i), "zc" + I(i), "ze" + I(i), "c" + I(i), "e" + I(i)))})");
        string sum = "(" + string.Join("\n      + ", terms) + ")";
        sb.Append(dialect.Cte("credal_totals")).Append("\n  SELECT credal_group, credal_day, credal_valid,\n    CASE WHEN credal_valid THEN ")
          .Append(divergence.Total(dialect, sum)).Append(" END AS credal_total\n  FROM credal_probs\n),\n");
        sb.Append(dialect.Cte(ScoresCte, shared)).Append("\n  SELECT credal_group, credal_day, credal_valid,\n    CASE WHEN credal_valid THEN (CASE WHEN credal_total > 0 THEN credal_total ELSE ")
          .Append(dialect.Double(0.0)).Append(" END) END AS credal_score\n  FROM credal_totals\n)");
        return sb.ToString();
    }

    /// <summary>A statement without trailing whitespace and semicolons (it becomes a CTE body).</summary>
    public static string TrimStatement(string sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        return sql.Trim().TrimEnd(';').TrimEnd();
    }

    private static string I(int i) => i.ToString(CultureInfo.InvariantCulture);

    private static void AppendValues(StringBuilder sb, SqlDialect dialect, string prefix, IReadOnlyList<string> names, int k)
    {
        bool list = names.Count == 1;
        for (int i = 0; i < k; i++)
        {
            string value = list ? dialect.ListElement(dialect.Quote(names[0]), i) : dialect.Quote(names[i]);
            sb.Append($",\n    CAST({value} AS {dialect.DoubleType}) AS {prefix}{I(i)}");
        }

        if (list)
        {
            sb.Append($",\n    {dialect.ListLength(dialect.Quote(names[0]))} AS {prefix}n");
        }
    }

    /// <summary>The row rule as one boolean (never NULL).</summary>
    private static string Valid(SqlDialect dialect, PairColumns columns, bool grouped)
    {
        var parts = new List<string>
        {
            Side(dialect, columns, columns.CloudLogits, columns.CloudIsList, "cv"),
            Side(dialect, columns, columns.EdgeLogits, columns.EdgeIsList, "ev"),
        };
        if (grouped)
        {
            parts.Add("credal_group IS NOT NULL");
        }

        return "COALESCE(" + string.Join("\n      AND ", parts) + ", FALSE)";
    }

    private static string Side(SqlDialect dialect, PairColumns columns, bool logits, bool list, string prefix)
    {
        int k = columns.Classes;
        var entries = new List<string>();
        if (list)
        {
            entries.Add($"COALESCE({prefix}n = {I(k)}, FALSE)");
        }

        entries.AddRange(Enumerable.Range(0, k).Select(i => $"COALESCE({EntryOk(dialect, columns, logits, prefix + I(i))}, FALSE)"));
        string all = "(" + string.Join(" AND ", entries) + ")";
        if (logits)
        {
            return all;
        }

        string sum = Sum(prefix, k);
        string rule = columns.Renormalize ? $"{sum} > 0" : $"abs({sum} - {dialect.Double(1.0)}) <= {dialect.Double(PairColumns.SumTolerance)}";
        return $"(CASE WHEN {all} THEN {rule} ELSE FALSE END)";
    }

    /// <summary>One entry: a finite logit, or a probability in [0, 1 + tol] (any finite non-negative value when renormalising).</summary>
    private static string EntryOk(SqlDialect dialect, PairColumns columns, bool logits, string v)
        => logits ? dialect.IsFinite(v)
         : columns.Renormalize ? $"{v} >= 0 AND {v} < {dialect.Double(double.PositiveInfinity)}"
         : $"{v} >= 0 AND {v} <= {dialect.Double(1.0 + PairColumns.SumTolerance)}";

    private static string Sum(string prefix, int k) => "(" + string.Join(" + ", Enumerable.Range(0, k).Select(i => prefix + I(i))) + ")";

    /// <summary>The row maximum (logits) or the row sum (probabilities), evaluated only where every entry is in range.</summary>
    private static string First(SqlDialect dialect, bool logits, string prefix, int k, PairColumns columns)
    {
        string entries = string.Join(" AND ", Enumerable.Range(0, k).Select(i => $"COALESCE({EntryOk(dialect, columns, logits, prefix + I(i))}, FALSE)"));
        string value = logits ? "greatest(" + string.Join(", ", Enumerable.Range(0, k).Select(i => prefix + I(i))) + ")" : Sum(prefix, k);
        return $"CASE WHEN {entries} THEN {value} END";
    }

    /// <summary><c>m + ln(sum_j exp(v_j - m))</c> (logits, like the library's log-softmax) or <c>ln(sum_j p_j)</c> (probabilities).</summary>
    private static string Normaliser(SqlDialect dialect, bool logits, string prefix, string first, int k)
    {
        if (!logits)
        {
            return dialect.Ln(first);
        }

        string sum = string.Join(" + ", Enumerable.Range(0, k).Select(i => dialect.Exp($"{prefix}{I(i)} - {first}")));
        return $"{first} + {dialect.Ln("(" + sum + ")")}";
    }

    private static void AppendLogs(StringBuilder sb, SqlDialect dialect, bool logits, string prefix, string normaliser, string log, string zero, int k)
    {
        for (int i = 0; i < k; i++)
        {
            string v = prefix + I(i);
            if (logits)
            {
                sb.Append($",\n    {v} - {normaliser} AS {log}{I(i)}, FALSE AS {zero}{I(i)}");
            }
            else
            {
                sb.Append($",\n    CASE WHEN {v} > 0 THEN {dialect.Ln(v)} - {normaliser} ELSE {dialect.Double(0.0)} END AS {log}{I(i)}, ({v} <= 0) AS {zero}{I(i)}");
            }
        }
    }
}
