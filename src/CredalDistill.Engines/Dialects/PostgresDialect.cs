namespace CredalDistill.Engines;

/// <summary>
/// PostgreSQL: <c>double precision</c> arithmetic raises an error instead of returning 0 or infinity
/// (<c>ln(0)</c>, <c>exp(-746)</c>, <c>exp(710)</c> and a product that underflows to 0 all fail), so <c>exp</c> is
/// clamped to 0 below <c>-745</c> (where it is below the smallest subnormal) and to +infinity above
/// <c>ln(DBL_MAX)</c>, and a product of two factors below <c>1e-150</c> in magnitude is taken in the log domain;
/// NUMERIC (arbitrary precision) for the exact rank with <c>div</c>; 1-based arrays; every step of the query
/// <c>MATERIALIZED</c> (PostgreSQL inlines CTEs and would evaluate each log and exponential again at every reference).
/// </summary>
public sealed class PostgresDialect : SqlDialect
{
    /// <summary>Below this argument <c>exp</c> is less than half the smallest subnormal: 0.</summary>
    private const string ExpUnderflow = "-745";

    /// <summary><c>ln(DBL_MAX)</c>: above it <c>exp</c> overflows: +infinity.</summary>
    private const string ExpOverflow = "709.782712893384";

    /// <summary>Factors at least this large multiply without underflow.</summary>
    private const string SafeFactor = "1e-150";

    /// <summary>The shared instance.</summary>
    public static PostgresDialect Instance { get; } = new();

    /// <inheritdoc />
    public override string Name => "postgres";

    /// <inheritdoc />
    public override string DoubleType => "double precision";

    /// <inheritdoc />
    public override string TextType => "text";

    /// <inheritdoc />
    public override string Materialized => "MATERIALIZED ";

    /// <inheritdoc />
    public override bool MaterializeEveryStep => true;

    /// <inheritdoc />
    public override string ExactInteger => "NUMERIC";

    /// <inheritdoc />
    public override string Exp(string x)
        => $"(CASE WHEN {x} < {ExpUnderflow} THEN {Double(0.0)} WHEN {x} > {ExpOverflow} THEN {Double(double.PositiveInfinity)} ELSE exp({x}) END)";

    /// <inheritdoc />
    public override string Multiply(string a, string b)
        => $"(CASE WHEN ({a}) = 0 OR ({b}) = 0 THEN {Double(0.0)} WHEN abs({a}) >= {SafeFactor} AND abs({b}) >= {SafeFactor} THEN ({a}) * ({b}) "
         + $"ELSE sign({a}) * sign({b}) * {Exp($"ln(abs({a})) + ln(abs({b}))")} END)";

    /// <inheritdoc />
    public override string IntegerDivide(string a, string b) => $"div({a}, {b})";

    /// <inheritdoc />
    public override string ListLength(string list) => $"cardinality({list})";
}
