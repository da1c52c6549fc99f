using System.Globalization;

namespace CredalDistill.Cli.Tests;

/// <summary>Reads a CSV written by <c>credal predict</c> (header + numeric cells, optional text column <c>set</c>).</summary>
public sealed record TableFile(string[] Header, List<string[]> Rows)
{
    public static TableFile Read(string path)
    {
        var lines = File.ReadAllLines(path);
        return new TableFile(lines[0].Split(','), lines.Skip(1).Select(l => l.Split(',')).ToList());
    }

    public double Number(int row, string column) => double.Parse(Rows[row][Array.IndexOf(Header, column)], CultureInfo.InvariantCulture);

    public string Text(int row, string column) => Rows[row][Array.IndexOf(Header, column)];
}
