using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace CredalDistill.IO;

/// <summary>
/// The parsed header of an NPY file (format versions 1.0, 2.0 and 3.0): magic <c>\x93NUMPY</c>, major and minor
/// version bytes, a little-endian header length (uint16 for 1.0, uint32 for 2.0/3.0) and a Python dict literal
/// with the keys <c>descr</c>, <c>fortran_order</c> and <c>shape</c>.
/// </summary>
internal sealed class NpyHeader
{
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    private NpyHeader(string descr, bool fortranOrder, long[] shape, long dataOffset)
    {
        Descr = descr;
        FortranOrder = fortranOrder;
        Shape = shape;
        DataOffset = dataOffset;
    }

    /// <summary>The dtype string, e.g. <c>&lt;f8</c>.</summary>
    public string Descr { get; }

    /// <summary>True for column-major data.</summary>
    public bool FortranOrder { get; }

    /// <summary>The array shape.</summary>
    public long[] Shape { get; }

    /// <summary>Byte offset of the first data byte.</summary>
    public long DataOffset { get; }

    /// <summary>The shape as Python prints it, e.g. <c>(3, 4)</c> or <c>(5,)</c>.</summary>
    public string ShapeText => Shape.Length == 1
        ? $"({Shape[0]},)"
        : "(" + string.Join(", ", Shape.Select(s => s.ToString(CultureInfo.InvariantCulture))) + ")";

    /// <summary>
    /// Requires the data after the header to be exactly <c>product(shape) * itemSize</c> bytes, computed without
    /// overflow, so that a header claiming more elements than the file holds is refused before anything is allocated.
    /// </summary>
    public void RequireExactData(long fileLength, int itemSize, string path)
    {
        Int128 needed = itemSize;
        foreach (long dim in Shape)
        {
            needed *= dim;
            if (needed > long.MaxValue)
            {
                break;
            }
        }

        long available = fileLength - DataOffset;
        if (available < needed)
        {
            string need = needed > long.MaxValue ? "more than 2^63" : needed.ToString(CultureInfo.InvariantCulture);
            throw new DataFormatException(path, $"truncated data: shape {ShapeText} of '{Descr}' needs {need} bytes, the file has {available}");
        }

        if (available > needed)
        {
            throw new DataFormatException(path, $"{available - (long)needed} unexpected bytes after the data of shape {ShapeText}");
        }
    }

    /// <summary>Reads and validates the header, leaving the stream at the first data byte.</summary>
    public static NpyHeader Read(Stream stream, string path)
    {
        Span<byte> prefix = stackalloc byte[12];
        int got = stream.ReadAtLeast(prefix[..10], 10, throwOnEndOfStream: false);
        if (got == 0)
        {
            throw new DataFormatException(path, "the file is empty; expected an NPY array");
        }

        if (got < 6 || !prefix[..6].SequenceEqual(Magic))
        {
            throw new DataFormatException(path, "not an NPY file (missing the \\x93NUMPY magic string)");
        }

        if (got < 10)
        {
            throw new DataFormatException(path, "truncated NPY header");
        }

        byte major = prefix[6];
        byte minor = prefix[7];
        long headerLength;
        int prefixLength;
        if (major == 1 && minor == 0)
        {
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(prefix[8..10]);
            prefixLength = 10;
        }
        else if ((major == 2 || major == 3) && minor == 0)
        {
            if (stream.ReadAtLeast(prefix[10..12], 2, throwOnEndOfStream: false) < 2)
            {
                throw new DataFormatException(path, "truncated NPY header");
            }

            headerLength = BinaryPrimitives.ReadUInt32LittleEndian(prefix[8..12]);
            prefixLength = 12;
        }
        else
        {
            throw new DataFormatException(path, $"NPY format version {major}.{minor} is not supported; expected 1.0, 2.0 or 3.0");
        }

        if (headerLength > 1 << 24)
        {
            throw new DataFormatException(path, $"NPY header length {headerLength} is implausible");
        }

        var bytes = new byte[headerLength];
        if (stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false) < bytes.Length)
        {
            throw new DataFormatException(path, $"truncated NPY header (expected {headerLength} header bytes)");
        }

        string text = major == 3 ? Encoding.UTF8.GetString(bytes) : Encoding.Latin1.GetString(bytes);
        var dict = new PyDictParser(text, path).Parse();
        if (!dict.TryGetValue("descr", out object? descrValue) || descrValue is not string descr)
        {
            throw new DataFormatException(path, "NPY header has no string 'descr' entry");
        }

        if (!dict.TryGetValue("fortran_order", out object? fortranValue) || fortranValue is not bool fortran)
        {
            throw new DataFormatException(path, "NPY header has no boolean 'fortran_order' entry");
        }

        if (!dict.TryGetValue("shape", out object? shapeValue) || shapeValue is not long[] shape)
        {
            throw new DataFormatException(path, "NPY header has no tuple 'shape' entry");
        }

        return new NpyHeader(descr, fortran, shape, prefixLength + headerLength);
    }

    /// <summary>
    /// Builds a version 1.0 header for a little-endian C-order array, padded to a multiple of 64 bytes and to at
    /// least <paramref name="minimumLength"/> bytes (a multiple of 64; a streaming writer reserves the length of a
    /// placeholder shape and patches the real one in place).
    /// </summary>
    public static byte[] Build(string descr, ReadOnlySpan<long> shape, int minimumLength = 0)
    {
        string shapeText = shape.Length == 1
            ? $"({shape[0]},)"
            : "(" + string.Join(", ", shape.ToArray().Select(s => s.ToString(CultureInfo.InvariantCulture))) + ")";
        string dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shapeText}, }}";
        int unpadded = 10 + dict.Length + 1;
        int total = Math.Max((unpadded + 63) / 64 * 64, minimumLength);
        string header = dict + new string(' ', total - unpadded) + "\n";
        bool v2 = header.Length > ushort.MaxValue;
        int prefixLength = v2 ? 12 : 10;
        if (v2)
        {
            unpadded = 12 + dict.Length + 1;
            total = (unpadded + 63) / 64 * 64;
            header = dict + new string(' ', total - unpadded) + "\n";
        }

        var result = new byte[prefixLength + header.Length];
        Magic.CopyTo(result);
        result[6] = (byte)(v2 ? 2 : 1);
        result[7] = 0;
        if (v2)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(8), (uint)header.Length);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(result.AsSpan(8), (ushort)header.Length);
        }

        Encoding.Latin1.GetBytes(header, result.AsSpan(prefixLength));
        return result;
    }

    /// <summary>A minimal parser for the Python dict literal of an NPY header.</summary>
    private ref struct PyDictParser
    {
        private readonly string _text;
        private readonly string _path;
        private int _pos;

        public PyDictParser(string text, string path)
        {
            _text = text;
            _path = path;
            _pos = 0;
        }

        public Dictionary<string, object> Parse()
        {
            var result = new Dictionary<string, object>(StringComparer.Ordinal);
            Expect('{');
            while (true)
            {
                SkipSpace();
                if (Peek() == '}')
                {
                    _pos++;
                    break;
                }

                string key = ParseString();
                Expect(':');
                result[key] = ParseValue();
                SkipSpace();
                if (Peek() == ',')
                {
                    _pos++;
                }
                else if (Peek() != '}')
                {
                    throw Fail("expected ',' or '}'");
                }
            }

            SkipSpace();
            if (_pos != _text.Length)
            {
                throw Fail("unexpected text after the dictionary");
            }

            return result;
        }

        private object ParseValue()
        {
            SkipSpace();
            char c = Peek();
            if (c is '\'' or '"')
            {
                return ParseString();
            }

            if (c == '(')
            {
                _pos++;
                var items = new List<long>();
                while (true)
                {
                    SkipSpace();
                    if (Peek() == ')')
                    {
                        _pos++;
                        return items.ToArray();
                    }

                    int start = _pos;
                    while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos]))
                    {
                        _pos++;
                    }

                    if (_pos == start || !long.TryParse(_text.AsSpan(start, _pos - start), NumberStyles.None, CultureInfo.InvariantCulture, out long dim))
                    {
                        throw Fail("expected a non-negative integer in the shape tuple");
                    }

                    if (_pos < _text.Length && _text[_pos] is 'L' or 'l')
                    {
                        _pos++;
                    }

                    items.Add(dim);
                    SkipSpace();
                    if (Peek() == ',')
                    {
                        _pos++;
                    }
                    else if (Peek() != ')')
                    {
                        throw Fail("expected ',' or ')' in the shape tuple");
                    }
                }
            }

            if (string.CompareOrdinal(_text, _pos, "True", 0, 4) == 0)
            {
                _pos += 4;
                return true;
            }

            if (string.CompareOrdinal(_text, _pos, "False", 0, 5) == 0)
            {
                _pos += 5;
                return false;
            }

            throw Fail("unsupported value");
        }

        private string ParseString()
        {
            SkipSpace();
            char quote = Peek();
            if (quote is not ('\'' or '"'))
            {
                throw Fail("expected a quoted string");
            }

            int end = _text.IndexOf(quote, _pos + 1);
            if (end < 0)
            {
                throw Fail("unterminated string");
            }

            string s = _text.Substring(_pos + 1, end - _pos - 1);
            _pos = end + 1;
            return s;
        }

        private void Expect(char c)
        {
            SkipSpace();
            if (Peek() != c)
            {
                throw Fail($"expected '{c}'");
            }

            _pos++;
        }

        private readonly char Peek() => _pos < _text.Length ? _text[_pos] : '\0';

        private void SkipSpace()
        {
            while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos]))
            {
                _pos++;
            }
        }

        private readonly DataFormatException Fail(string problem) =>
            new(_path, $"malformed NPY header at character {_pos + 1}: {problem} in \"{_text.TrimEnd()}\"");
    }
}
