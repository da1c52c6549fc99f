using System.Buffers.Binary;

namespace CredalDistill.IO;

/// <summary>
/// Reads and writes class labels (one integer per sample): CSV with one integer per line and an optional header
/// line, or a 1-D NPY array of any numeric dtype of <see cref="NpyDType"/> (integers, bool, or floats holding
/// whole numbers; shape <c>(n,)</c> or <c>(n, 1)</c>).
/// </summary>
public static class LabelFile
{
    /// <summary>Reads labels from a <c>.csv</c> or <c>.npy</c> file.</summary>
    /// <param name="path">The label file.</param>
    /// <param name="classes">When given, every label must lie in <c>[0, classes)</c>.</param>
    /// <exception cref="DataFormatException">Malformed file, non-integer, negative or out-of-range label, or no labels.</exception>
    public static int[] Read(string path, int? classes = null)
    {
        int[] labels = MatrixFile.FormatOf(path) == FileFormat.Npy ? ReadNpy(path, classes) : ReadCsv(path, classes);
        if (labels.Length == 0)
        {
            throw new DataFormatException(path, "no labels");
        }

        return labels;
    }

    /// <summary>Writes labels atomically: CSV with the header <c>label</c>, or NPY version 1.0 int64 (<c>&lt;i8</c>).</summary>
    public static void Write(string path, ReadOnlySpan<int> labels)
    {
        var format = MatrixFile.FormatOf(path);
        using var file = AtomicFileWriter.Create(path);
        if (format == FileFormat.Npy)
        {
            file.Stream.Write(NpyHeader.Build("<i8", [labels.Length]));
            Span<byte> eight = stackalloc byte[8];
            foreach (int label in labels)
            {
                BinaryPrimitives.WriteInt64LittleEndian(eight, label);
                file.Stream.Write(eight);
            }
        }
        else
        {
            using var writer = new StreamWriter(file.Stream, AtomicFile.Utf8NoBom, 1 << 16, leaveOpen: true) { NewLine = "\n" };
            var csv = new CsvTableWriter(writer, ["label"]);
            foreach (int label in labels)
            {
                csv.Write(label);
                csv.EndRow();
            }

            writer.Flush();
        }

        file.Commit();
    }

    private static int[] ReadCsv(string path, int? classes)
    {
        using var lines = new CsvLineReader(path);
        var result = new List<int>();
        int firstBlank = 0;
        bool first = true;
        while (lines.TryReadLine(out var line))
        {
            int n = lines.LineNumber;
            if (CsvText.IsBlank(line))
            {
                if (first)
                {
                    throw new DataFormatException(path, "the first line is empty; expected a header or a label", line: n);
                }

                firstBlank = firstBlank == 0 ? n : firstBlank;
                continue;
            }

            if (firstBlank > 0)
            {
                throw new DataFormatException(path, "empty line; blank lines are only allowed at the end of the file", line: firstBlank);
            }

            if (first && CsvText.LooksBinary(line))
            {
                throw new DataFormatException(path, "binary data, not CSV text (an NPY file needs the .npy extension)", line: n);
            }

            int fields = CsvText.FieldCount(line);
            if (fields != 1)
            {
                throw new DataFormatException(path, $"{fields} columns, expected 1 (one label per line)", line: n);
            }

            if (!CsvText.TryParseNumber(line, out double value))
            {
                if (first)
                {
                    first = false;
                    continue; // header line
                }

                throw new DataFormatException(path, CsvText.NotANumber(line), line: n, column: 1);
            }

            first = false;
            if (!(value == Math.Floor(value)) || value > int.MaxValue || value < int.MinValue)
            {
                throw new DataFormatException(path, $"'{line.Trim()}' is not an integer label", line: n, column: 1);
            }

            Validate((int)value, classes, path, line: n, row: null);
            result.Add((int)value);
        }

        if (first)
        {
            throw new DataFormatException(path, "the file is empty; expected one label per line");
        }

        return [.. result];
    }

    private static int[] ReadNpy(string path, int? classes)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        var header = NpyHeader.Read(stream, path);
        var type = NpyDType.Parse(header.Descr, path);
        bool shapeOk = header.Shape.Length == 1 || (header.Shape.Length == 2 && header.Shape[1] == 1);
        if (!shapeOk)
        {
            throw new DataFormatException(path, $"shape {header.ShapeText} has {header.Shape.Length} dimension(s); expected a 1-D label array (n,)");
        }

        header.RequireExactData(stream.Length, type.Size, path);
        long n = header.Shape[0];
        if (n > Array.MaxLength)
        {
            throw new DataFormatException(path, $"shape {header.ShapeText} is too large to load");
        }

        var result = new int[n];
        var buffer = new byte[1 << 16];
        var values = new double[buffer.Length / type.Size];
        long done = 0;
        while (done < n)
        {
            int count = (int)Math.Min(values.Length, n - done);
            var bytes = buffer.AsSpan(0, count * type.Size);
            if (stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false) < bytes.Length)
            {
                throw new DataFormatException(path, "truncated data (the file changed while being read)");
            }

            type.Decode(bytes, values.AsSpan(0, count));
            for (int i = 0; i < count; i++)
            {
                double value = values[i];
                int row = (int)(done + i);
                if (!(value == Math.Floor(value)) || value > int.MaxValue || value < int.MinValue)
                {
                    throw new DataFormatException(path, $"{CsvText.Format(value)} is not an integer label", row: row + 1);
                }

                Validate((int)value, classes, path, line: null, row: row + 1);
                result[row] = (int)value;
            }

            done += count;
        }

        return result;
    }

    private static void Validate(int label, int? classes, string path, int? line, int? row)
    {
        if (label < 0)
        {
            throw new DataFormatException(path, $"label {label} is negative", line: line, row: row);
        }

        if (classes is int k && label >= k)
        {
            throw new DataFormatException(path, $"label {label} is outside [0, {k - 1}] ({k} classes)", line: line, row: row);
        }
    }
}
