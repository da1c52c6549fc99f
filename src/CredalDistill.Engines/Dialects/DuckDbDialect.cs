namespace CredalDistill.Engines;

/// <summary>
/// DuckDB (the embedded engine of <c>credal calibrate --query</c>): IEEE-754 doubles (<c>exp</c> underflows to 0 and
/// overflows to infinity, <c>ln(0)</c> raises), HUGEINT (128-bit) for the exact rank with <c>//</c> as integer division
/// (<c>/</c> is floating point), 1-based lists, and <c>fsum</c>, a compensated (Kahan) sum, for the mean score.
/// </summary>
public sealed class DuckDbDialect : SqlDialect
{
    /// <summary>The shared instance.</summary>
    public static DuckDbDialect Instance { get; } = new();

    /// <inheritdoc />
    public override string Name => "duckdb";

    /// <inheritdoc />
    public override string Materialized => "MATERIALIZED ";

    /// <inheritdoc />
    public override string ExactInteger => "HUGEINT";

    /// <inheritdoc />
    public override string IntegerDivide(string a, string b) => $"(({a}) // ({b}))";

    /// <inheritdoc />
    public override string ListLength(string list) => $"len({list})";

    /// <inheritdoc />
    public override string SumDouble(string x) => $"fsum({x})";
}
