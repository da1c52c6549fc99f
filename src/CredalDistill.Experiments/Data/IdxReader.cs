using System.Buffers.Binary;
using System.IO.Compression;
using CredalDistill.IO;

namespace CredalDistill.Experiments.Data;

/// <summary>
/// Reader for the IDX format used by MNIST and Fashion-MNIST (big-endian header
/// <c>0x00 0x00 type ndim</c>, then <c>ndim</c> big-endian 32-bit dimensions, then the data).
/// Gzip-compressed files (detected by the <c>0x1f 0x8b</c> magic) and plain files are both accepted.
/// Every failure throws a <see cref="DataFormatException"/> naming the file (<see cref="DataFormatException.FilePath"/>)
/// and the problem, with the byte offset in the problem text where one applies.
/// </summary>
public static class IdxReader
{
    /// <summary>Magic number of an unsigned-byte, 3-dimensional IDX file (images).</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>Magic number of an unsigned-byte, 1-dimensional IDX file (labels).</summary>
    public const int LabelsMagic = 0x00000801;

    /// <summary>Upper bound on the decompressed size accepted (1 GiB), a guard against corrupt headers.</summary>
    public const long MaxBytes = 1L << 30;

    /// <summary>Reads an unsigned-byte image file (magic <c>0x00000803</c>, dimensions count x rows x columns).</summary>
    /// <param name="path">Path of a gzip or plain IDX file.</param>
    /// <returns>The images, row-major, one byte per pixel.</returns>
    public static IdxImages ReadImages(string path)
    {
        (int[] dims, byte[] data) = Read(path, ImagesMagic);
        return new IdxImages(dims[0], dims[1], dims[2], data);
    }

    /// <summary>Reads an unsigned-byte label file (magic <c>0x00000801</c>, one dimension).</summary>
    /// <param name="path">Path of a gzip or plain IDX file.</param>
    /// <returns>The labels, one byte each.</returns>
    public static byte[] ReadLabels(string path)
    {
        (_, byte[] data) = Read(path, LabelsMagic);
        return data;
    }

    /// <summary>Reads an IDX file whose magic number must equal <paramref name="expectedMagic"/>.</summary>
    /// <param name="path">Path of a gzip or plain IDX file.</param>
    /// <param name="expectedMagic"><see cref="ImagesMagic"/>, <see cref="LabelsMagic"/> or another unsigned-byte magic.</param>
    /// <returns>The dimensions and the data bytes (exactly the product of the dimensions).</returns>
    public static (int[] Dimensions, byte[] Data) Read(string path, int expectedMagic)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"IDX file '{path}' does not exist.", path);
        }

        byte[] bytes = LoadBytes(path);
        return Parse(bytes, expectedMagic, path);
    }

    /// <summary>Parses an in-memory, already decompressed IDX file.</summary>
    /// <param name="bytes">The whole file.</param>
    /// <param name="expectedMagic">The required magic number.</param>
    /// <param name="source">Name used in error messages (usually the file path).</param>
    /// <returns>The dimensions and the data bytes.</returns>
    public static (int[] Dimensions, byte[] Data) Parse(ReadOnlySpan<byte> bytes, int expectedMagic, string source)
    {
        if (bytes.Length < 4)
        {
            throw new DataFormatException(source, $"{bytes.Length} bytes is too short for the 4-byte magic number (truncated or empty file)");
        }

        int magic = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (magic != expectedMagic)
        {
            throw new DataFormatException(source, $"magic number 0x{magic:x8} at byte 0, expected 0x{expectedMagic:x8} (wrong file type?)");
        }

        int ndim = magic & 0xFF;
        int headerLength = 4 + (4 * ndim);
        if (bytes.Length < headerLength)
        {
            throw new DataFormatException(source, $"{bytes.Length} bytes is too short for a header with {ndim} dimensions ({headerLength} bytes; truncated file)");
        }

        int[] dims = new int[ndim];
        long total = 1;
        for (int d = 0; d < ndim; d++)
        {
            int value = BinaryPrimitives.ReadInt32BigEndian(bytes[(4 + (4 * d))..]);
            if (value <= 0)
            {
                throw new DataFormatException(source, $"dimension {d} (byte {4 + (4 * d)}) is {value}; dimensions must be positive");
            }

            dims[d] = value;
            total *= value;
            if (total > MaxBytes)
            {
                throw new DataFormatException(source, $"dimensions {string.Join(" x ", dims[..(d + 1)])} exceed the {MaxBytes}-byte limit (corrupt header?)");
            }
        }

        long actual = bytes.Length - headerLength;
        if (actual != total)
        {
            string what = actual < total ? "truncated" : "trailing bytes";
            throw new DataFormatException(source, $"header declares {string.Join(" x ", dims)} = {total} data bytes but the file has {actual} after the {headerLength}-byte header ({what})");
        }

        return (dims, bytes[headerLength..].ToArray());
    }

    private static byte[] LoadBytes(string path)
    {
        byte[] raw = File.ReadAllBytes(path);
        if (raw.Length < 2 || raw[0] != 0x1f || raw[1] != 0x8b)
        {
            return raw;
        }

        try
        {
            using var input = new MemoryStream(raw, writable: false);
            using var gzip = new GZipStream(input, CompressionMode.Decompress);
            using var output = new MemoryStream();
            byte[] buffer = new byte[81920];
            int read;
            while ((read = gzip.Read(buffer, 0, buffer.Length)) > 0)
            {
                output.Write(buffer, 0, read);
                if (output.Length > MaxBytes)
                {
                    throw new DataFormatException(path, $"decompressed size exceeds the {MaxBytes}-byte limit");
                }
            }

            return output.ToArray();
        }
        catch (InvalidDataException ex)
        {
            throw new DataFormatException(path, $"corrupt or truncated gzip stream ({ex.Message})", innerException: ex);
        }
        catch (EndOfStreamException ex)
        {
            throw new DataFormatException(path, $"truncated gzip stream ({ex.Message})", innerException: ex);
        }
    }
}
