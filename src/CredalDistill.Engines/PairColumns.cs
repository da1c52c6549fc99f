using System.Globalization;

namespace CredalDistill.Engines;

/// <summary>
/// Where the (cloud, edge) pairs are in a table: each side as <c>K</c> numeric columns (one per class, in class order)
/// or as one list/array column of length <c>K</c>; whether each side holds logits or probabilities; and how probability
/// rows are checked (summing to 1 within the library's tolerance, or divided by their sum with <see cref="Renormalize"/>).
/// </summary>
public sealed class PairColumns
{
    /// <summary>The library's tolerance on the sum of a probability row (<c>1e-6</c>).</summary>
    public const double SumTolerance = 1e-6;

    /// <summary>Creates the column description.</summary>
    /// <param name="cloud">The cloud's columns: <c>K</c> names, or one list column.</param>
    /// <param name="edge">The edge's columns: <c>K</c> names, or one list column.</param>
    /// <param name="classes">The number of classes <c>K &gt;= 2</c>.</param>
    /// <param name="cloudLogits">The cloud columns hold logits.</param>
    /// <param name="edgeLogits">The edge columns hold logits.</param>
    /// <param name="renormalize">Probability rows are divided by their (positive) sum instead of being required to sum to 1.</param>
    /// <exception cref="ArgumentException">A side with neither 1 nor <paramref name="classes"/> columns, or fewer than 2 classes.</exception>
    public PairColumns(IReadOnlyList<string> cloud, IReadOnlyList<string> edge, int classes, bool cloudLogits, bool edgeLogits, bool renormalize = false)
    {
        ArgumentNullException.ThrowIfNull(cloud);
        ArgumentNullException.ThrowIfNull(edge);
        if (classes < 2)
        {
            throw new ArgumentException($"{classes} classes; at least 2 are needed.", nameof(classes));
        }

        foreach (var (side, names) in new[] { ("cloud", cloud), ("edge", edge) })
        {
            if (names.Count != 1 && names.Count != classes)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{names.Count} {side} columns for {classes} classes; give one column per class or one list column."), side);
            }

            if (names.Any(string.IsNullOrWhiteSpace))
            {
                throw new ArgumentException($"an empty {side} column name.", side);
            }
        }

        Cloud = cloud;
        Edge = edge;
        Classes = classes;
        CloudLogits = cloudLogits;
        EdgeLogits = edgeLogits;
        Renormalize = renormalize;
    }

    /// <summary>The cloud's column names.</summary>
    public IReadOnlyList<string> Cloud { get; }

    /// <summary>The edge's column names.</summary>
    public IReadOnlyList<string> Edge { get; }

    /// <summary>The number of classes <c>K</c>.</summary>
    public int Classes { get; }

    /// <summary>The cloud side is one list column.</summary>
    public bool CloudIsList => Cloud.Count == 1;

    /// <summary>The edge side is one list column.</summary>
    public bool EdgeIsList => Edge.Count == 1;

    /// <summary>The cloud columns hold logits.</summary>
    public bool CloudLogits { get; }

    /// <summary>The edge columns hold logits.</summary>
    public bool EdgeLogits { get; }

    /// <summary>Probability rows are renormalised instead of checked.</summary>
    public bool Renormalize { get; }

    /// <summary>The number of classes the names imply, or null when both sides are list columns (then it must be given or probed).</summary>
    public static int? ClassesFromNames(IReadOnlyList<string> cloud, IReadOnlyList<string> edge)
    {
        ArgumentNullException.ThrowIfNull(cloud);
        ArgumentNullException.ThrowIfNull(edge);
        int k = Math.Max(cloud.Count, edge.Count);
        return k > 1 ? k : null;
    }

    /// <summary>What the rows must satisfy, for messages.</summary>
    public string RowRule()
    {
        string Side(string name, bool logits, bool list) =>
            (list ? string.Create(CultureInfo.InvariantCulture, $"{name}: a list of {Classes} ") : $"{name}: ")
            + (logits ? "finite logits" : Renormalize ? "finite, non-negative probabilities with a positive sum" : "finite, non-negative probabilities summing to 1 within 1e-6");
        return $"{Side("cloud", CloudLogits, CloudIsList)}; {Side("edge", EdgeLogits, EdgeIsList)}";
    }
}
