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
        using var reader = LabelReader.Open(path, classes);
        if (reader.TotalRows is long total && total > Array.MaxLength)
        {
            throw new DataFormatException(path, $"{total} labels are too many to load at once; read them in chunks with {nameof(LabelReader)}");
        }

        var result = new List<int>(reader.TotalRows is long known ? (int)known : 1024);
        Span<int> chunk = stackalloc int[1024];
        int count;
        while ((count = reader.Read(chunk)) > 0)
        {
            foreach (int label in chunk[..count])
            {
                result.Add(label);
            }
        }

        return [.. result];
    }

    /// <summary>Writes labels atomically: CSV with the header <c>label</c>, or NPY version 1.0 int64 (<c>&lt;i8</c>).</summary>
    public static void Write(string path, ReadOnlySpan<int> labels)
    {
        var format = MatrixFormats.For(path);
        using var file = AtomicFileWriter.Create(path);
        if (format == MatrixFormats.Npy)
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
}
