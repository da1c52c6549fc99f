namespace CredalDistill.Engines;

/// <summary>
/// Trino (documented, not tested here): IEEE-754 doubles (Java), DECIMAL(38, 0) for the exact rank; DECIMAL division
/// rounds half up, so the floor division is <c>(a - mod(a, b)) / b</c>, which divides exactly; 1-based arrays,
/// <c>cardinality</c> for the length.
/// </summary>
public sealed class TrinoDialect : SqlDialect
{
    /// <summary>The shared instance.</summary>
    public static TrinoDialect Instance { get; } = new();

    /// <inheritdoc />
    public override string Name => "trino";

    /// <inheritdoc />
    public override string ExactInteger => "DECIMAL(38, 0)";

    /// <inheritdoc />
    public override string IntegerDivide(string a, string b) => $"((({a}) - mod({a}, {b})) / ({b}))";

    /// <inheritdoc />
    public override string ListLength(string list) => $"cardinality({list})";
}
