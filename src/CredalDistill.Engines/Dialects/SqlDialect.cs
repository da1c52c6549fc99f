using System.Globalization;

namespace CredalDistill.Engines;

/// <summary>
/// The few things in which SQL engines differ for the CD-CI queries: identifier quoting, type names, an integer type
/// wide enough for the exact rank, integer division, list indexing, and whether <c>exp</c>, <c>ln</c> and <c>*</c>
/// follow IEEE-754 (returning 0 or infinity) or raise an error at the edges of the double range. One subclass per
/// engine (<see cref="SqlDialects"/> maps the names); everything else in the generated SQL is standard.
/// </summary>
/// <remarks>
/// No dialect uses an approximate quantile (<c>approx_quantile</c>, <c>approx_percentile</c>, <c>percentile_approx</c>,
/// t-digest): the threshold is the k-th smallest score by an exact window (<c>row_number() OVER (ORDER BY score)</c>),
/// because one rank off breaks the finite-sample guarantee.
/// </remarks>
public abstract class SqlDialect
{
    private protected SqlDialect()
    {
    }

    /// <summary>The dialect's name on the command line (<c>duckdb</c>, <c>postgres</c>, <c>spark</c>, <c>trino</c>).</summary>
    public abstract string Name { get; }

    /// <summary>The double-precision type.</summary>
    public virtual string DoubleType => "DOUBLE";

    /// <summary>The text type group values are cast to.</summary>
    public virtual string TextType => "VARCHAR";

    /// <summary>An exact integer type that holds <c>(n + 1) * 10^18</c> for any BIGINT <c>n</c> (at least 38 digits).</summary>
    public abstract string ExactInteger { get; }

    /// <summary>The keyword that makes a CTE referenced twice be computed once (<c>MATERIALIZED </c>), or empty where there is none.</summary>
    public virtual string Materialized => string.Empty;

    /// <summary>
    /// True when every step of the query is better computed once (<see cref="Materialized"/>) than inlined: an engine without
    /// common-subexpression elimination re-evaluates a step's expressions at every reference (PostgreSQL: ten times slower).
    /// </summary>
    public virtual bool MaterializeEveryStep => false;

    /// <summary>The head of a CTE definition, <c>name AS [MATERIALIZED] (</c>.</summary>
    /// <param name="name">The CTE's name.</param>
    /// <param name="referencedTwice">The CTE is read twice (then it is materialized where the engine can).</param>
    public string Cte(string name, bool referencedTwice = false)
        => $"{name} AS {(MaterializeEveryStep || referencedTwice ? Materialized : string.Empty)}(";

    /// <summary>A quoted identifier (a column or table name as given, case kept).</summary>
    public virtual string Quote(string identifier)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        return "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>A table name: dotted parts (<c>schema.table</c>) are quoted one by one.</summary>
    public string QuoteTable(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return string.Join('.', name.Split('.').Select(Quote));
    }

    /// <summary>A double literal that parses to exactly <paramref name="value"/> (through the engine's string-to-double cast, which rounds correctly).</summary>
    public string Double(double value)
    {
        string text = double.IsPositiveInfinity(value) ? "Infinity" : double.IsNegativeInfinity(value) ? "-Infinity" : value.ToString("R", CultureInfo.InvariantCulture);
        return $"CAST('{text}' AS {DoubleType})";
    }

    /// <summary><c>exp(x)</c>, 0 when it underflows and +infinity when it overflows (IEEE-754, as the library computes it).</summary>
    public virtual string Exp(string x) => $"exp({x})";

    /// <summary><c>ln(x)</c> for <c>x &gt; 0</c>; callers guard zero (every engine here raises or returns NULL on <c>ln(0)</c>).</summary>
    public virtual string Ln(string x) => $"ln({x})";

    /// <summary><c>a * b</c> with IEEE-754 underflow to 0.</summary>
    public virtual string Multiply(string a, string b) => $"({a}) * ({b})";

    /// <summary>Floor division of two non-negative <see cref="ExactInteger"/> values, exact.</summary>
    public abstract string IntegerDivide(string a, string b);

    /// <summary>Element <paramref name="index"/> (0-based) of a list/array column.</summary>
    public virtual string ListElement(string list, int index) => $"{list}[{(index + 1).ToString(CultureInfo.InvariantCulture)}]";

    /// <summary>The number of elements of a list/array column.</summary>
    public abstract string ListLength(string list);

    /// <summary>The sum aggregate of a double column (compensated where the engine has one).</summary>
    public virtual string SumDouble(string x) => $"sum({x})";

    /// <summary>True when <paramref name="x"/> is a finite double (false for NaN, infinities and NULL through the caller's COALESCE).</summary>
    public string IsFinite(string x) => $"({x} > {Double(double.NegativeInfinity)} AND {x} < {Double(double.PositiveInfinity)})";
}
