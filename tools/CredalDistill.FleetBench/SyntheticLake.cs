using System.Globalization;
using System.Text;
using CredalDistill.Engines;

namespace CredalDistill.FleetBench;

/// <summary>
/// A synthetic fleet lake: <c>rows</c> (cloud, edge) pairs of <c>K</c> float32 logits, written by DuckDB as Parquet
/// partitioned by day and device model (<c>lake/day=2026-11-01/model=model-0/*.parquet</c>). Cloud logits are
/// <c>U(-2, 2)</c> plus 3 on one class; the edge adds <c>U(-0.75, 0.75)</c> noise to each (so scores are neither tiny nor
/// degenerate). Rows are spread evenly over <c>days</c> days and <c>models</c> models.
/// </summary>
public static class SyntheticLake
{
    /// <summary>The COPY statement that writes the lake into <paramref name="folder"/>.</summary>
    public static string Sql(string folder, long rows, int classes = 10, int days = 10, int models = 4)
    {
        var d = DuckDbDialect.Instance;
        var inner = new StringBuilder("SELECT i");
        var outer = new StringBuilder();
        for (int k = 0; k < classes; k++)
        {
            string kk = k.ToString(CultureInfo.InvariantCulture);
            inner.Append(CultureInfo.InvariantCulture, $", 4 * random() - 2 + CASE WHEN i % {classes} = {kk} THEN 3 ELSE 0 END AS z{kk}");
            outer.Append(CultureInfo.InvariantCulture, $", CAST(z{kk} AS FLOAT) AS c{kk}");
        }

        for (int k = 0; k < classes; k++)
        {
            string kk = k.ToString(CultureInfo.InvariantCulture);
            outer.Append(CultureInfo.InvariantCulture, $", CAST(z{kk} + 1.5 * (random() - 0.5) AS FLOAT) AS e{kk}");
        }

        long perDay = Math.Max(1, (rows + days - 1) / days);
        return $"COPY (SELECT '2026-11-' || lpad(CAST(1 + i // {perDay} AS VARCHAR), 2, '0') AS day, 'model-' || CAST(i % {models} AS VARCHAR) AS model{outer} "
             + $"FROM ({inner} FROM range({rows}) AS t(i))) TO {Literal(folder)} (FORMAT parquet, PARTITION_BY (day, model), OVERWRITE_OR_IGNORE true)";
    }

    /// <summary>The query that reads the lake back (every partition, hive columns day and model).</summary>
    public static string Query(string folder) => $"SELECT * FROM read_parquet({Literal(Path.Combine(folder, "**", "*.parquet"))}, hive_partitioning = true)";

    /// <summary>Comma-separated column names <c>prefix0..prefix(K-1)</c>.</summary>
    public static string Columns(string prefix, int classes) => string.Join(',', Enumerable.Range(0, classes).Select(k => prefix + k.ToString(CultureInfo.InvariantCulture)));

    private static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";
}
