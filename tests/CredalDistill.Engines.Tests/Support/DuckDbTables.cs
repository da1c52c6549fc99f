using System.Globalization;
using System.Text;

namespace CredalDistill.Engines.Tests;

/// <summary>Loads a <see cref="PairTable"/> into a DuckDB table: <c>id</c>, <c>g</c>, then <c>c0..</c>, <c>e0..</c> (or lists <c>cloud</c>, <c>edge</c>).</summary>
internal static class DuckDbTables
{
    public static void Load(DuckDbEngine engine, string name, PairTable table, bool lists = false)
    {
        int k = table.Classes;
        var columns = new StringBuilder("id INTEGER, g VARCHAR");
        if (lists)
        {
            columns.Append(", cloud DOUBLE[], edge DOUBLE[]");
        }
        else
        {
            for (int i = 0; i < k; i++)
            {
                columns.Append(CultureInfo.InvariantCulture, $", c{i} DOUBLE");
            }

            for (int i = 0; i < k; i++)
            {
                columns.Append(CultureInfo.InvariantCulture, $", e{i} DOUBLE");
            }
        }

        engine.Execute($"CREATE OR REPLACE TABLE {name} ({columns})");
        using var appender = engine.Connection.CreateAppender(name);
        for (int r = 0; r < table.Rows; r++)
        {
            var row = appender.CreateRow().AppendValue(r).AppendValue(table.Groups[r]);
            if (lists)
            {
                row = row.AppendValue(table.Cloud.AsSpan(r * k, k).ToArray().ToList()).AppendValue(table.Edge.AsSpan(r * k, k).ToArray().ToList());
            }
            else
            {
                for (int i = 0; i < k; i++)
                {
                    row = row.AppendValue((double?)table.Cloud[(r * k) + i]);
                }

                for (int i = 0; i < k; i++)
                {
                    row = row.AppendValue((double?)table.Edge[(r * k) + i]);
                }
            }

            row.EndRow();
        }
    }

    public static string[] Names(string prefix, int k) => [.. Enumerable.Range(0, k).Select(i => prefix + i.ToString(CultureInfo.InvariantCulture))];
}
