namespace CredalDistill.IO;

/// <summary>
/// The registry of matrix file formats, by extension: <see cref="Csv"/> and <see cref="Npy"/> built in, others added by
/// <see cref="Register"/> (the CLI adds Parquet). Every reader and writer of the library and the CLI opens its files through
/// it (<see cref="MatrixReader.Open"/>, <see cref="MatrixWriter.Create"/>), so a new format is one class and one registration.
/// </summary>
public static class MatrixFormats
{
    private static readonly Lock Gate = new();
    private static MatrixFormat[] _all = [CsvMatrixFormat.Instance, NpyMatrixFormat.Instance];

    /// <summary>Comma-separated text (<c>.csv</c>).</summary>
    public static MatrixFormat Csv => CsvMatrixFormat.Instance;

    /// <summary>NumPy binary array (<c>.npy</c>).</summary>
    public static MatrixFormat Npy => NpyMatrixFormat.Instance;

    /// <summary>Every registered format, built-ins first.</summary>
    public static IReadOnlyList<MatrixFormat> All => Volatile.Read(ref _all);

    /// <summary>The registered extensions, comma-separated, for help texts and messages (e.g. <c>.csv, .npy, .parquet</c>).</summary>
    public static string Extensions => string.Join(", ", All.Select(f => f.Extension));

    /// <summary>Adds <paramref name="format"/>; registering the same instance again does nothing.</summary>
    /// <exception cref="ArgumentException">Another format already has the extension.</exception>
    public static void Register(MatrixFormat format)
    {
        ArgumentNullException.ThrowIfNull(format);
        lock (Gate)
        {
            var existing = _all.FirstOrDefault(f => f.Extension.Equals(format.Extension, StringComparison.OrdinalIgnoreCase));
            if (ReferenceEquals(existing, format))
            {
                return;
            }

            if (existing is not null)
            {
                throw new ArgumentException($"the extension {format.Extension} is already registered by the {existing.Name} format.", nameof(format));
            }

            Volatile.Write(ref _all, [.. _all, format]);
        }
    }

    /// <summary>The format of <paramref name="path"/>'s extension (case-insensitive), or null.</summary>
    public static MatrixFormat? Find(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string ext = Path.GetExtension(path);
        return All.FirstOrDefault(f => f.Extension.Equals(ext, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The format of <paramref name="path"/>'s extension.</summary>
    /// <exception cref="DataFormatException">No registered format has the extension; the message lists the ones that do.</exception>
    public static MatrixFormat For(string path)
    {
        if (Find(path) is { } format)
        {
            return format;
        }

        string ext = Path.GetExtension(path);
        string shown = ext.Length == 0 ? "no extension" : $"extension '{ext}'";
        throw new DataFormatException(path, $"unsupported file type ({shown}); supported extensions: {Extensions}");
    }

    private sealed class CsvMatrixFormat : MatrixFormat
    {
        public static readonly CsvMatrixFormat Instance = new();

        public override string Name => "csv";

        public override string Extension => ".csv";

        public override bool HoldsText => true;

        public override MatrixReader OpenReader(string path, int? expectedColumns) => CsvMatrixReader.OpenCsv(path, expectedColumns);

        public override MatrixWriter CreateWriter(string path, IReadOnlyList<string> header, string? textColumn)
        {
            MatrixFile.ValidateMatrixHeader(textColumn is null ? header : [.. header, textColumn], header.Count + (textColumn is null ? 0 : 1));
            return new CsvMatrixWriter(path, header, textColumn);
        }
    }

    private sealed class NpyMatrixFormat : MatrixFormat
    {
        public static readonly NpyMatrixFormat Instance = new();

        public override string Name => "npy";

        public override string Extension => ".npy";

        public override bool HoldsText => false;

        public override MatrixReader OpenReader(string path, int? expectedColumns) => NpyMatrixReader.OpenNpy(path, expectedColumns);

        public override MatrixWriter CreateWriter(string path, IReadOnlyList<string> header, string? textColumn) => textColumn is null
            ? new NpyMatrixWriter(path, header)
            : throw new NotSupportedException($"{Path.GetFileName(path)}: NPY holds numbers only; the text column '{textColumn}' needs a format with text ({string.Join(", ", All.Where(f => f.HoldsText).Select(f => f.Extension))}).");
    }
}
