using CredalDistill.Validation;

namespace CredalDistill.IO;

/// <summary>
/// Reads and writes matrices (one row per sample, one column per class) in the formats of the file contract
/// (<c>docs/FILE-FORMATS.md</c>), in any format of the registry <see cref="MatrixFormats"/>, chosen by the file extension.
/// </summary>
public static class MatrixFile
{
    /// <summary>
    /// Reads a whole matrix. CSV is streamed line by line (the file is pre-scanned for line breaks so that the
    /// result array is allocated once at its final size); NPY is read straight into the result array.
    /// </summary>
    /// <param name="path">A <c>.csv</c> or <c>.npy</c> file.</param>
    /// <param name="expectedColumns">When given, a different column count is an error.</param>
    /// <exception cref="DataFormatException">The file violates the contract or has no data rows.</exception>
    public static MatrixData Read(string path, int? expectedColumns = null)
    {
        using var reader = MatrixReader.Open(path, expectedColumns);
        return Read(reader);
    }

    /// <summary>Reads the rest of an open <paramref name="reader"/> (any format, e.g. the CLI's Parquet reader) into memory.</summary>
    /// <exception cref="DataFormatException">The file violates the contract or has no data rows.</exception>
    public static MatrixData Read(MatrixReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        string path = reader.FilePath;
        int columns = reader.Columns;
        long estimate = reader.TotalRows ?? (reader is CsvMatrixReader ? EstimateCsvRows(path, reader.Header is not null, columns) : 1024);
        long maxRows = Array.MaxLength / columns;
        int capacity = (int)Math.Clamp(estimate, 1, maxRows);
        var data = new double[(long)capacity * columns];
        int rows = 0;
        while (true)
        {
            if (rows == capacity)
            {
                if (reader.EndOfData)
                {
                    break;
                }

                if (capacity == maxRows)
                {
                    throw new DataFormatException(path, $"too many rows to load (more than {maxRows} rows of {columns} columns)");
                }

                capacity = (int)Math.Min(maxRows, capacity + Math.Max(1024L, capacity / 2));
                Array.Resize(ref data, capacity * columns);
            }

            int read = reader.ReadRows(data.AsSpan(rows * columns));
            if (read == 0)
            {
                break;
            }

            rows += read;
        }

        if (rows == 0)
        {
            throw new DataFormatException(path, reader.Header is null ? "no data rows" : "a header but no data rows");
        }

        if (rows != capacity)
        {
            Array.Resize(ref data, rows * columns);
        }

        return new MatrixData(data, rows, columns, reader.Header, path, reader.FirstDataLine);
    }

    /// <summary>
    /// Reads a probability matrix (or logits) and validates every row, reporting the file, line/row and column of
    /// the first bad value. Probabilities must be finite, non-negative and sum to 1 within
    /// <paramref name="tolerance"/> (with <paramref name="renormalize"/>, any finite non-negative row with a
    /// positive sum is divided by its sum). Logits must be finite and are turned into probabilities with the
    /// stable softmax.
    /// </summary>
    /// <param name="path">A <c>.csv</c> or <c>.npy</c> file with one row per sample and one column per class.</param>
    /// <param name="logits">The file holds logits (apply softmax) instead of probabilities.</param>
    /// <param name="renormalize">Divide each probability row by its sum instead of rejecting sums off 1.</param>
    /// <param name="expectedClasses">When given, a different column count is an error.</param>
    /// <param name="tolerance">Allowed <c>|sum - 1|</c> when not renormalising.</param>
    /// <exception cref="DataFormatException">Malformed file or invalid values.</exception>
    public static ProbabilityMatrix ReadProbabilities(string path, bool logits = false, bool renormalize = false, int? expectedClasses = null, double tolerance = Check.DefaultSumTolerance)
    {
        using var reader = MatrixReader.Open(path, expectedClasses);
        return ReadProbabilities(reader, logits, renormalize, tolerance);
    }

    /// <summary>
    /// Reads the rest of an open <paramref name="reader"/> as a probability (or logit) matrix, validated as in
    /// <see cref="ReadProbabilities(string, bool, bool, int?, double)"/>.
    /// </summary>
    /// <exception cref="DataFormatException">Malformed file or invalid values.</exception>
    public static ProbabilityMatrix ReadProbabilities(MatrixReader reader, bool logits = false, bool renormalize = false, double tolerance = Check.DefaultSumTolerance)
    {
        ArgumentNullException.ThrowIfNull(reader);
        CheckProbabilityColumns(reader);
        long first = reader.RowsRead;
        var m = Read(reader);
        ValidateProbabilities(reader, first, m.Data, logits, renormalize, tolerance);
        return logits ? ProbabilityMatrix.WrapLogits(m.Data, m.Columns) : ProbabilityMatrix.WrapProbabilities(m.Data, m.Columns);
    }

    /// <summary>A probability matrix needs at least 2 columns.</summary>
    internal static void CheckProbabilityColumns(MatrixReader reader)
    {
        if (reader.Columns < 2)
        {
            throw new DataFormatException(reader.FilePath, $"{reader.Columns} column; a probability matrix needs at least 2 classes (one column per class)");
        }
    }

    /// <summary>
    /// Validates rows read from <paramref name="reader"/> starting at 0-based data row <paramref name="firstRow"/>:
    /// finite values; probabilities non-negative summing to 1 within <paramref name="tolerance"/> (or divided by
    /// their positive sum with <paramref name="renormalize"/>). Errors name the file, line/row and column.
    /// </summary>
    internal static void ValidateProbabilities(MatrixReader reader, long firstRow, Span<double> data, bool logits, bool renormalize, double tolerance)
    {
        int classes = reader.Columns;
        int rows = data.Length / classes;
        for (int i = 0; i < rows; i++)
        {
            var row = data.Slice(i * classes, classes);
            double sum = 0.0;
            for (int k = 0; k < classes; k++)
            {
                double v = row[k];
                if (!double.IsFinite(v))
                {
                    throw reader.Error(firstRow + i, k, $"value {CsvText.Format(v)} is not finite");
                }

                if (!logits && v < 0.0)
                {
                    throw reader.Error(firstRow + i, k, $"probability {CsvText.Format(v)} is negative");
                }

                sum += v;
            }

            if (logits)
            {
                continue;
            }

            if (renormalize)
            {
                if (!(sum > 0.0))
                {
                    throw reader.Error(firstRow + i, -1, "probabilities sum to 0; cannot renormalise");
                }

                for (int k = 0; k < classes; k++)
                {
                    row[k] /= sum;
                }
            }
            else if (Math.Abs(sum - 1.0) > tolerance)
            {
                throw reader.Error(firstRow + i, -1, $"probabilities sum to {CsvText.Format(sum)}, not 1 (tolerance {CsvText.Format(tolerance)}); renormalise or check the input");
            }
        }
    }

    /// <summary>
    /// Writes a matrix atomically, by extension: CSV with a header row (always) and numbers in the shortest
    /// round-trip invariant format (<c>"R"</c>), or NPY version 1.0 little-endian float64 in C order (the header
    /// names are not stored in NPY).
    /// </summary>
    /// <param name="path">Destination <c>.csv</c> or <c>.npy</c> file.</param>
    /// <param name="data">Row-major values, length <c>rows * columns</c>.</param>
    /// <param name="rows">Number of rows.</param>
    /// <param name="columns">Number of columns (at least 1).</param>
    /// <param name="header">Column names for CSV (non-empty, not numbers, no comma, quote or line break); null gives <c>c1..cK</c>.</param>
    public static void Write(string path, ReadOnlySpan<double> data, int rows, int columns, IReadOnlyList<string>? header = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        if ((long)rows * columns != data.Length)
        {
            throw new ArgumentException($"data has length {data.Length}; expected rows * columns = {(long)rows * columns}.", nameof(data));
        }

        var names = header ?? Enumerable.Range(1, columns).Select(k => "c" + k.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        if (names.Count != columns)
        {
            throw new ArgumentException($"header has {names.Count} names; expected {columns} (one per column).", nameof(header));
        }

        using var writer = MatrixWriter.Create(path, names);
        writer.WriteRows(rows, data);
        writer.Commit();
    }

    /// <summary>Checks CSV header names (non-empty, not numbers, no comma, quote, line break or surrounding space).</summary>
    internal static void ValidateMatrixHeader(IReadOnlyList<string> header, int columns)
    {
        if (header.Count != columns)
        {
            throw new ArgumentException($"header has {header.Count} names; expected {columns} (one per column).", nameof(header));
        }

        for (int k = 0; k < header.Count; k++)
        {
            string name = header[k];
            if (string.IsNullOrWhiteSpace(name) || name.AsSpan().IndexOfAny(",\"\r\n") >= 0 || name.Trim() != name || CsvText.TryParseNumber(name, out _))
            {
                throw new ArgumentException($"header name {k + 1} ('{name}') must be non-empty, not a number, without surrounding spaces, commas, quotes or line breaks, so that readers recognise the header row.", nameof(header));
            }
        }
    }

    /// <summary>
    /// Counts line breaks to size the result array once: lines in the file minus the header line, but never more
    /// than a row of <paramref name="columns"/> one-character numbers fits in the file (2 * columns - 1 bytes), so
    /// blank lines cannot inflate the allocation beyond about 4 times the file size.
    /// </summary>
    private static long EstimateCsvRows(string path, bool hasHeader, int columns)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        var buffer = new byte[1 << 20];
        long newlines = 0;
        byte last = 0;
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            newlines += buffer.AsSpan(0, read).Count((byte)'\n');
            last = buffer[read - 1];
        }

        long lines = newlines + (last == (byte)'\n' ? 0 : 1);
        long fit = (stream.Length / ((2L * columns) - 1)) + 1;
        return Math.Max(1, Math.Min(fit, lines - (hasHeader ? 1 : 0)));
    }
}
