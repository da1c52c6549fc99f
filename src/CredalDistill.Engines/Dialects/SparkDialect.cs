using System.Globalization;

namespace CredalDistill.Engines;

/// <summary>
/// Spark SQL (documented, not tested here): back-quoted identifiers, STRING, IEEE-754 doubles (Java), DECIMAL(38, 0)
/// for the exact rank with <c>div</c> (integral division), and 0-based array indexing with <c>arr[i]</c>
/// (<c>element_at</c> is 1-based), <c>size</c> for the length.
/// </summary>
public sealed class SparkDialect : SqlDialect
{
    /// <summary>The shared instance.</summary>
    public static SparkDialect Instance { get; } = new();

    /// <inheritdoc />
    public override string Name => "spark";

    /// <inheritdoc />
    public override string TextType => "STRING";

    /// <inheritdoc />
    public override string ExactInteger => "DECIMAL(38, 0)";

    /// <inheritdoc />
    public override string Quote(string identifier)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        return "`" + identifier.Replace("`", "``", StringComparison.Ordinal) + "`";
    }

    /// <inheritdoc />
    public override string IntegerDivide(string a, string b) => $"(({a}) div ({b}))";

    /// <inheritdoc />
    public override string ListElement(string list, int index) => $"{list}[{index.ToString(CultureInfo.InvariantCulture)}]";

    /// <inheritdoc />
    public override string ListLength(string list) => $"size({list})";
}
