using System.Buffers;

namespace CredalDistill.IO;

/// <summary>
/// Reads a text file line by line into a pooled character buffer without allocating a string per line.
/// Accepts <c>\n</c> and <c>\r\n</c> line endings and a UTF-8 (or UTF-16/32 with BOM) encoding. A line longer than
/// <see cref="InputLimits.MaxLineLength"/> characters is a <see cref="DataFormatException"/>.
/// </summary>
internal sealed class CsvLineReader : IDisposable
{
    private const int InitialSize = 1 << 16;

    /// <summary>UTF-8 that replaces invalid bytes with U+FFFD (so a bad byte becomes a located format error, not a decoder exception).</summary>
    private static readonly System.Text.Encoding ReadEncoding = new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    private readonly StreamReader _reader;
    private readonly string _path;
    private char[] _buffer;
    private int _start;
    private int _end;
    private bool _eof;
    private int _lastLineStart = -1;

    public CsvLineReader(string path)
    {
        _path = path;
        _reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan), ReadEncoding, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        _buffer = ArrayPool<char>.Shared.Rent(InitialSize);
    }

    /// <summary>1-based number of the last line returned (0 before the first).</summary>
    public int LineNumber { get; private set; }

    /// <summary>Reads the next line (without its terminator); false at the end of the file.</summary>
    public bool TryReadLine(out ReadOnlySpan<char> line)
    {
        while (true)
        {
            int nl = _buffer.AsSpan(_start, _end - _start).IndexOf('\n');
            if (nl >= 0)
            {
                line = Take(nl, nl + 1);
                return true;
            }

            if (_eof)
            {
                if (_start < _end)
                {
                    line = Take(_end - _start, _end - _start);
                    return true;
                }

                line = default;
                _lastLineStart = -1;
                return false;
            }

            Fill();
        }
    }

    /// <summary>Pushes back the line returned by the last <see cref="TryReadLine"/> call.</summary>
    public void Unread()
    {
        if (_lastLineStart < 0)
        {
            throw new InvalidOperationException("Nothing to unread.");
        }

        _start = _lastLineStart;
        _lastLineStart = -1;
        LineNumber--;
    }

    public void Dispose()
    {
        _reader.Dispose();
        if (_buffer.Length > 0)
        {
            ArrayPool<char>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    private ReadOnlySpan<char> Take(int length, int consumed)
    {
        var line = new ReadOnlySpan<char>(_buffer, _start, length);
        if (line.Length > 0 && line[^1] == '\r')
        {
            line = line[..^1];
        }

        _lastLineStart = _start;
        _start += consumed;
        LineNumber++;
        return line;
    }

    private void Fill()
    {
        int remaining = _end - _start;
        if (_start > 0)
        {
            Array.Copy(_buffer, _start, _buffer, 0, remaining);
            _start = 0;
            _end = remaining;
        }

        if (_end == _buffer.Length)
        {
            if (_end - _start >= InputLimits.MaxLineLength)
            {
                throw new DataFormatException(_path, $"line of {InputLimits.MaxLineLength} or more characters; lines must be shorter (a documented limit)", line: LineNumber + 1);
            }

            var bigger = ArrayPool<char>.Shared.Rent(_buffer.Length * 2);
            Array.Copy(_buffer, bigger, _end);
            ArrayPool<char>.Shared.Return(_buffer);
            _buffer = bigger;
        }

        _lastLineStart = -1;
        int read = _reader.Read(_buffer, _end, _buffer.Length - _end);
        if (read == 0)
        {
            _eof = true;
        }
        else
        {
            _end += read;
        }
    }
}
