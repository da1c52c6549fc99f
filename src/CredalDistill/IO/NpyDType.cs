using System.Buffers.Binary;

namespace CredalDistill.IO;

/// <summary>
/// A numeric NPY element type read as <see cref="double"/>: float (<c>f2</c>, <c>f4</c>, <c>f8</c>), signed and
/// unsigned integers (<c>i1</c>..<c>i8</c>, <c>u1</c>..<c>u8</c>) and bool (<c>b1</c>, any non-zero byte is 1), in
/// either byte order (<c>&lt;</c>, <c>&gt;</c>, <c>=</c> native, <c>|</c> not applicable).
/// Integers beyond 2^53 in magnitude round to the nearest double. Complex, object, string, datetime, void
/// (structured) and extended-precision (<c>f12</c>, <c>f16</c>) types are refused with a
/// <see cref="DataFormatException"/>: none is a number this library can use, and object arrays would need unpickling.
/// </summary>
internal sealed class NpyDType
{
    private NpyDType(char kind, int size, bool bigEndian)
    {
        Kind = kind;
        Size = size;
        BigEndian = bigEndian;
    }

    /// <summary>Kind character: <c>f</c>, <c>i</c>, <c>u</c> or <c>b</c>.</summary>
    public char Kind { get; }

    /// <summary>Bytes per element.</summary>
    public int Size { get; }

    /// <summary>True when the element bytes are big-endian.</summary>
    public bool BigEndian { get; }

    /// <summary>True for integer and bool types.</summary>
    public bool IsInteger => Kind != 'f';

    /// <summary>Parses <paramref name="descr"/> or throws a <see cref="DataFormatException"/> naming <paramref name="path"/> and the reason.</summary>
    public static NpyDType Parse(string descr, string path)
    {
        string problem = $"dtype '{descr}'";
        if (descr.Length < 2)
        {
            throw new DataFormatException(path, $"{problem} is not a valid NumPy type string");
        }

        char order = descr[0];
        int offset = order is '<' or '>' or '=' or '|' ? 1 : 0;
        char kind = descr[offset];
        string sizeText = descr[(offset + 1)..];
        int size = sizeText switch { "1" => 1, "2" => 2, "4" => 4, "8" => 8, _ => 0 };
        string? refusal = kind switch
        {
            'c' => "is complex; expected real numbers (probabilities, logits or labels)",
            'O' => "holds Python objects (reading them would need unpickling); expected a numeric array",
            'S' or 'U' or 'a' => "holds strings; expected a numeric array",
            'M' or 'm' => "is a date/time type; expected a numeric array",
            'V' => "is a void (structured or raw bytes) type; expected a plain numeric array",
            'f' when size is 2 or 4 or 8 => null,
            'f' => "is an extended-precision float; expected float16, float32 or float64 ('<f2', '<f4', '<f8')",
            'i' or 'u' when size > 0 => null,
            'b' when size == 1 => null,
            _ => "is not a supported NumPy type; expected a float ('f2', 'f4', 'f8'), integer ('i1'..'i8', 'u1'..'u8') or bool ('b1') type",
        };
        if (refusal is not null)
        {
            throw new DataFormatException(path, $"{problem} {refusal}");
        }

        bool big = order == '>' || (order == '=' && !BitConverter.IsLittleEndian);
        return new NpyDType(kind, size, big);
    }

    /// <summary>Converts <c>destination.Length</c> elements from <paramref name="source"/> (which holds at least that many).</summary>
    public void Decode(ReadOnlySpan<byte> source, Span<double> destination)
    {
        if (Kind == 'f' && Size == 8 && !BigEndian)
        {
            for (int i = 0; i < destination.Length; i++)
            {
                destination[i] = BinaryPrimitives.ReadDoubleLittleEndian(source[(i * 8)..]);
            }

            return;
        }

        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = Read(source.Slice(i * Size, Size));
        }
    }

    /// <summary>Writes <c>destination[i * stride]</c> for each element of <paramref name="source"/>.</summary>
    public void DecodeStrided(ReadOnlySpan<byte> source, int count, Span<double> destination, int stride)
    {
        for (int i = 0; i < count; i++)
        {
            destination[i * stride] = Read(source.Slice(i * Size, Size));
        }
    }

    private double Read(ReadOnlySpan<byte> b) => (Kind, Size, BigEndian) switch
    {
        ('f', 8, false) => BinaryPrimitives.ReadDoubleLittleEndian(b),
        ('f', 8, true) => BinaryPrimitives.ReadDoubleBigEndian(b),
        ('f', 4, false) => BinaryPrimitives.ReadSingleLittleEndian(b),
        ('f', 4, true) => BinaryPrimitives.ReadSingleBigEndian(b),
        ('f', 2, false) => (double)BinaryPrimitives.ReadHalfLittleEndian(b),
        ('f', 2, true) => (double)BinaryPrimitives.ReadHalfBigEndian(b),
        ('b', _, _) => b[0] == 0 ? 0.0 : 1.0,
        ('u', 1, _) => b[0],
        ('i', 1, _) => (sbyte)b[0],
        ('i', 2, false) => BinaryPrimitives.ReadInt16LittleEndian(b),
        ('i', 2, true) => BinaryPrimitives.ReadInt16BigEndian(b),
        ('u', 2, false) => BinaryPrimitives.ReadUInt16LittleEndian(b),
        ('u', 2, true) => BinaryPrimitives.ReadUInt16BigEndian(b),
        ('i', 4, false) => BinaryPrimitives.ReadInt32LittleEndian(b),
        ('i', 4, true) => BinaryPrimitives.ReadInt32BigEndian(b),
        ('u', 4, false) => BinaryPrimitives.ReadUInt32LittleEndian(b),
        ('u', 4, true) => BinaryPrimitives.ReadUInt32BigEndian(b),
        ('i', 8, false) => BinaryPrimitives.ReadInt64LittleEndian(b),
        ('i', 8, true) => BinaryPrimitives.ReadInt64BigEndian(b),
        ('u', 8, false) => BinaryPrimitives.ReadUInt64LittleEndian(b),
        _ => BinaryPrimitives.ReadUInt64BigEndian(b),
    };
}
