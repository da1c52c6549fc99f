using System.Text;

namespace CredalDistill.IO;

/// <summary>
/// An input file does not follow its contract (see <c>docs/FILE-FORMATS.md</c>): unsupported extension,
/// malformed CSV or NPY, wrong shape or dtype, invalid values, a rejected calibration artifact
/// (<see cref="CalibrationArtifactException"/>), and in the companion projects an ONNX model ONNX Runtime cannot load,
/// a malformed last-layer JSON or IDX file. It is the one exception type for bad data: the message always names the
/// file and, when known, the line (text formats), row and column, which are also properties; the CLI maps it to
/// exit code 3.
/// </summary>
public class DataFormatException : Exception
{
    /// <summary>Creates an exception without location (for serializers and tooling).</summary>
    public DataFormatException()
        : this(string.Empty, "invalid data")
    {
    }

    /// <summary>Creates an exception whose message is exactly <paramref name="message"/> (no location).</summary>
    public DataFormatException(string message)
        : base(message)
    {
        FilePath = string.Empty;
        Problem = message;
    }

    /// <summary>Creates an exception whose message is exactly <paramref name="message"/> with an inner exception.</summary>
    public DataFormatException(string message, Exception? innerException)
        : base(message, innerException)
    {
        FilePath = string.Empty;
        Problem = message;
    }

    /// <summary>
    /// Creates an exception located in <paramref name="filePath"/>. The message is
    /// <c>"&lt;file name&gt;[ line L| row R][, column C]: &lt;problem&gt;"</c>.
    /// </summary>
    /// <param name="filePath">The offending file (the message quotes its file name only).</param>
    /// <param name="problem">What is wrong, as a sentence fragment.</param>
    /// <param name="line">1-based line number as a text editor shows it (text formats), or null.</param>
    /// <param name="row">1-based data row (sample) number, or null.</param>
    /// <param name="column">1-based column number, or null.</param>
    /// <param name="innerException">The underlying exception, if any.</param>
    public DataFormatException(string filePath, string problem, int? line = null, int? row = null, int? column = null, Exception? innerException = null)
        : base(Compose(filePath, problem, line, row, column), innerException)
    {
        FilePath = filePath ?? string.Empty;
        Problem = problem;
        Line = line;
        Row = row;
        Column = column;
    }

    /// <summary>The offending file as given by the caller (empty when unknown).</summary>
    public string FilePath { get; }

    /// <summary>1-based line number in a text file (CSV, JSON) as a text editor shows it; null when not applicable.</summary>
    public int? Line { get; }

    /// <summary>1-based data row (sample) number; null when not applicable. For CSV it excludes the header line.</summary>
    public int? Row { get; }

    /// <summary>1-based column number; null when the problem concerns a whole line, row or file.</summary>
    public int? Column { get; }

    /// <summary>The problem description without the location prefix.</summary>
    public string Problem { get; }

    private static string Compose(string? filePath, string problem, int? line, int? row, int? column)
    {
        var sb = new StringBuilder();
        sb.Append(string.IsNullOrEmpty(filePath) ? "input" : Path.GetFileName(filePath));
        if (line is int l)
        {
            sb.Append(" line ").Append(l);
        }
        else if (row is int r)
        {
            sb.Append(" row ").Append(r);
        }

        if (column is int c)
        {
            sb.Append(line is null && row is null ? " column " : ", column ").Append(c);
        }

        sb.Append(": ").Append(problem);
        return sb.ToString();
    }
}
