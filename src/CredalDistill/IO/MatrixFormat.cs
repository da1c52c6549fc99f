namespace CredalDistill.IO;

/// <summary>
/// One on-disk format of the matrix file contract (one row per input, one column per class), chosen by file extension
/// through the registry <see cref="MatrixFormats"/>: how to open a streaming reader and an atomic writer. The core has CSV and
/// NPY; an adapter adds its own (the CLI registers Apache Parquet, which needs a package the core does not take).
/// </summary>
public abstract class MatrixFormat
{
    /// <summary>The format's name, e.g. <c>csv</c>.</summary>
    public abstract string Name { get; }

    /// <summary>The file extension with its dot, e.g. <c>.csv</c> (compared case-insensitively).</summary>
    public abstract string Extension { get; }

    /// <summary>True when the format can hold a text column (label sets), false for numbers only.</summary>
    public abstract bool HoldsText { get; }

    /// <summary>Opens <paramref name="path"/> for streaming; a different column count than <paramref name="expectedColumns"/> is refused.</summary>
    /// <exception cref="DataFormatException">A malformed header, schema or column count.</exception>
    public abstract MatrixReader OpenReader(string path, int? expectedColumns);

    /// <summary>Opens an atomic writer for <paramref name="path"/> with numeric columns <paramref name="header"/> and an optional trailing text column.</summary>
    /// <exception cref="NotSupportedException">A text column for a numbers-only format.</exception>
    public abstract MatrixWriter CreateWriter(string path, IReadOnlyList<string> header, string? textColumn);

    /// <inheritdoc />
    public override string ToString() => Name;
}
