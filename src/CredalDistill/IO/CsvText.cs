using System.Globalization;

namespace CredalDistill.IO;

/// <summary>Number parsing and quoting rules shared by the CSV readers and writers.</summary>
internal static class CsvText
{
    /// <summary>Parses a field as an invariant-culture <see cref="NumberStyles.Float"/> number; also accepts nan/inf spellings.</summary>
    public static bool TryParseNumber(ReadOnlySpan<char> field, out double value)
    {
        if (double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
        {
            return true;
        }

        var t = field.Trim();
        if (t.Equals("nan", StringComparison.OrdinalIgnoreCase) || t.Equals("-nan", StringComparison.OrdinalIgnoreCase) || t.Equals("+nan", StringComparison.OrdinalIgnoreCase))
        {
            value = double.NaN;
            return true;
        }

        if (t.Equals("inf", StringComparison.OrdinalIgnoreCase) || t.Equals("+inf", StringComparison.OrdinalIgnoreCase))
        {
            value = double.PositiveInfinity;
            return true;
        }

        if (t.Equals("-inf", StringComparison.OrdinalIgnoreCase))
        {
            value = double.NegativeInfinity;
            return true;
        }

        return false;
    }

    /// <summary>The problem text for a field that is not a number.</summary>
    public static string NotANumber(ReadOnlySpan<char> field)
    {
        var t = field.Trim();
        if (t.IsEmpty)
        {
            return "empty value; expected a number";
        }

        string shown = t.Length > 40 ? string.Concat(t[..40], "...") : t.ToString();
        return $"'{shown}' is not a number";
    }

    /// <summary>Number of comma-separated fields in <paramref name="line"/>.</summary>
    public static int FieldCount(ReadOnlySpan<char> line) => line.Count(',') + 1;

    /// <summary>True when a first line looks like binary data (NUL characters or the NPY magic string).</summary>
    public static bool LooksBinary(ReadOnlySpan<char> line) =>
        line.Contains('\0') || line.StartsWith("\uFFFDNUMPY", StringComparison.Ordinal) || line.StartsWith("\u0093NUMPY", StringComparison.Ordinal);

    /// <summary>True when the line has no non-whitespace character.</summary>
    public static bool IsBlank(ReadOnlySpan<char> line) => line.Trim().IsEmpty;

    /// <summary>A header name as read: trimmed, with one pair of surrounding double quotes removed.</summary>
    public static string HeaderName(ReadOnlySpan<char> field)
    {
        var t = field.Trim();
        if (t.Length >= 2 && t[0] == '"' && t[^1] == '"')
        {
            t = t[1..^1];
        }

        return t.ToString();
    }

    /// <summary>Formats a double in the shortest round-trip invariant form ("R").</summary>
    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
