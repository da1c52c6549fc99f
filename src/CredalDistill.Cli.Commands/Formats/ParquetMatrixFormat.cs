using System.Runtime.CompilerServices;
using CredalDistill.IO;

namespace CredalDistill.Cli.Formats;

/// <summary>
/// Apache Parquet (<c>.parquet</c>) in the core's format registry (<see cref="MatrixFormats"/>): it lives here because the
/// core has no package dependencies. Registered when this assembly loads, so every command and service of the CLI opens
/// Parquet files through the same <see cref="MatrixReader.Open"/> and <see cref="MatrixWriter.Create"/> as CSV and NPY.
/// </summary>
internal sealed class ParquetMatrixFormat : MatrixFormat
{
    /// <summary>The one instance.</summary>
    public static readonly ParquetMatrixFormat Instance = new();

    /// <inheritdoc />
    public override string Name => "parquet";

    /// <inheritdoc />
    public override string Extension => ".parquet";

    /// <inheritdoc />
    public override bool HoldsText => true;

    /// <inheritdoc />
    public override MatrixReader OpenReader(string path, int? expectedColumns) => ParquetMatrixReader.OpenParquet(path, expectedColumns);

    /// <inheritdoc />
    public override MatrixWriter CreateWriter(string path, IReadOnlyList<string> header, string? textColumn) => new ParquetMatrixWriter(path, header, textColumn);

#pragma warning disable CA2255 // The CLI's formats are part of the CLI: registering on load is what makes them available everywhere in it.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register() => MatrixFormats.Register(Instance);
}
