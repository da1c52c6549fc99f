using System.Globalization;
using CredalDistill.IO;

namespace CredalDistill.Cli.Services;

/// <summary>
/// What to do about a data error, added to its message by the CLI (the library's messages name the file, line and
/// problem but not the command line): a row that does not sum to 1 names <c>--renormalize</c> and <c>--logits</c>; a first
/// line <c>0,1,...,K-1</c> is recognised as a header of class indices (as pandas writes it); a CSV line with one column
/// that holds <c>;</c> or tabs says the delimiter looks wrong.
/// </summary>
public static class DataErrorHints
{
    /// <summary><paramref name="error"/>'s message with a hint when one applies.</summary>
    public static string Message(DataFormatException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return Hint(error) is string hint ? $"{error.Message}. {hint}" : error.Message;
    }

    /// <summary>The hint for <paramref name="error"/>, or null.</summary>
    public static string? Hint(DataFormatException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        string problem = error.Problem;
        if (problem.StartsWith("probabilities sum to", StringComparison.Ordinal) && !problem.Contains("cannot renormalise", StringComparison.Ordinal))
        {
            if (error.Line is int line && ReadLine(error.FilePath, line) is string text && IsClassIndexRow(text))
            {
                return $"Line {line} is '{text.Trim()}': it looks like a header of class indices (pandas writes one with to_csv); a header must not be numeric, so remove that line or name the columns (e.g. p_0,p_1,...)";
            }

            return "If the rows are scores to divide by their sum, pass --renormalize; if they are logits, pass --logits (or --edge-logits / --cloud-logits)";
        }

        if (problem.StartsWith("1 column", StringComparison.Ordinal) && ReadLine(error.FilePath, error.Line ?? 1) is string one && (one.Contains(';', StringComparison.Ordinal) || one.Contains('\t', StringComparison.Ordinal)))
        {
            return $"Line {error.Line ?? 1} is separated by {(one.Contains(';', StringComparison.Ordinal) ? "';'" : "tabs")}, so the delimiter looks wrong: CSV files here are comma-separated with '.' as the decimal point";
        }

        return null;
    }

    /// <summary>True when <paramref name="line"/> is the integers <c>0, 1, ..., K-1</c> (K at least 2), comma-separated.</summary>
    internal static bool IsClassIndexRow(string line)
    {
        string[] fields = line.Split(',');
        if (fields.Length < 2)
        {
            return false;
        }

        for (int k = 0; k < fields.Length; k++)
        {
            string f = fields[k].Trim().Trim('"');
            if (!double.TryParse(f, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || v != k)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Line <paramref name="number"/> (1-based) of a CSV file, or null (not CSV, unreadable, too short).</summary>
    private static string? ReadLine(string path, int number)
    {
        if (!Path.GetExtension(path).Equals(".csv", StringComparison.OrdinalIgnoreCase) || number < 1)
        {
            return null;
        }

        try
        {
            return File.ReadLines(path).Skip(number - 1).FirstOrDefault();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
