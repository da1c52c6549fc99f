namespace CredalDistill.Engines;

/// <summary>The SQL dialects by name (the one map from <c>--dialect</c> values to <see cref="SqlDialect"/>).</summary>
public static class SqlDialects
{
    private static readonly SqlDialect[] All = [DuckDbDialect.Instance, PostgresDialect.Instance, SparkDialect.Instance, TrinoDialect.Instance];

    /// <summary>The valid names, for help and messages.</summary>
    public const string Names = "duckdb, postgres, spark, trino";

    /// <summary>The dialect called <paramref name="name"/> (case-insensitive), or null.</summary>
    public static SqlDialect? Find(string? name)
        => All.FirstOrDefault(d => string.Equals(d.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase));
}
