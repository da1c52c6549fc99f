using System.Text;

namespace CredalDistill.Cli;

/// <summary>
/// The writer behind a redirected console: Spectre pads every grid and table line with spaces to the console width,
/// which in a pipe or a file is only noise, so runs of spaces are held back and dropped when a line ends.
/// </summary>
internal sealed class PlainTextWriter(TextWriter inner) : TextWriter
{
    private int _spaces;

    /// <inheritdoc />
    public override Encoding Encoding => inner.Encoding;

    /// <inheritdoc />
    public override IFormatProvider FormatProvider => inner.FormatProvider;

    /// <inheritdoc />
    public override void Write(char value)
    {
        switch (value)
        {
            case ' ':
                _spaces++;
                return;
            case '\n' or '\r':
                _spaces = 0;
                break;
            default:
                for (; _spaces > 0; _spaces--)
                {
                    inner.Write(' ');
                }

                break;
        }

        inner.Write(value);
    }

    /// <inheritdoc />
    public override void Write(string? value)
    {
        foreach (char c in value ?? string.Empty)
        {
            Write(c);
        }
    }

    /// <inheritdoc />
    public override void Write(char[] buffer, int index, int count)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        for (int i = index; i < index + count; i++)
        {
            Write(buffer[i]);
        }
    }

    /// <inheritdoc />
    public override void Flush() => inner.Flush();
}
