using CredalDistill.IO;

namespace CredalDistill.Cli.Formats;

/// <summary>
/// The CLI's matrix formats, chosen by extension: the core's CSV and NPY plus Apache Parquet (<c>.parquet</c>,
/// which lives here because the core has no package dependencies). Every command opens its matrices through here.
/// </summary>
internal static class MatrixFiles
{
    /// <summary>The extensions the CLI reads and writes, for messages and help texts.</summary>
    public const string SupportedExtensions = ".csv, .npy, .parquet";

    /// <summary>True when <paramref name="path"/> ends in <c>.parquet</c> (case-insensitive).</summary>
    public static bool IsParquet(string path) => Path.GetExtension(path).Equals(".parquet", StringComparison.OrdinalIgnoreCase);

    /// <summary>Opens a streaming reader for <paramref name="path"/>.</summary>
    /// <exception cref="DataFormatException">Unsupported extension, malformed header/schema or wrong column count.</exception>
    public static MatrixReader OpenReader(string path, int? expectedColumns = null)
    {
        CheckExtension(path);
        return IsParquet(path) ? ParquetMatrixReader.OpenParquet(path, expectedColumns) : MatrixReader.Open(path, expectedColumns);
    }

    /// <summary>Opens a streaming, atomic writer for <paramref name="path"/>.</summary>
    /// <exception cref="DataFormatException">Unsupported extension.</exception>
    /// <exception cref="UsageException">A text column for <c>.npy</c>.</exception>
    public static MatrixWriter CreateWriter(string path, IReadOnlyList<string> header, string? textColumn = null)
    {
        CheckExtension(path);
        if (IsParquet(path))
        {
            return new ParquetMatrixWriter(path, header, textColumn);
        }

        if (textColumn is not null && MatrixFile.FormatOf(path) == FileFormat.Npy)
        {
            throw new UsageException($"{Path.GetFileName(path)}: this output has the text column '{textColumn}' and can only be written as .csv or .parquet");
        }

        return MatrixWriter.Create(path, header, textColumn);
    }

    /// <summary>Reads a whole numeric matrix (any supported format).</summary>
    public static MatrixData Read(string path, int? expectedColumns = null)
    {
        using var reader = OpenReader(path, expectedColumns);
        return MatrixFile.Read(reader);
    }

    /// <summary>Writes a whole matrix atomically (any supported format).</summary>
    public static void Write(string path, ReadOnlySpan<double> data, int rows, IReadOnlyList<string> header)
    {
        using var writer = CreateWriter(path, header);
        writer.WriteRows(rows, data);
        writer.Commit();
    }

    private static void CheckExtension(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!IsParquet(path))
        {
            string ext = Path.GetExtension(path);
            if (!ext.Equals(".csv", StringComparison.OrdinalIgnoreCase) && !ext.Equals(".npy", StringComparison.OrdinalIgnoreCase))
            {
                string shown = ext.Length == 0 ? "no extension" : $"extension '{ext}'";
                throw new DataFormatException(path, $"unsupported file type ({shown}); supported extensions: {SupportedExtensions}");
            }
        }
    }
}
