using System.Globalization;
using Npgsql;
using NpgsqlTypes;

namespace CredalDistill.Engines.Tests;

/// <summary>The server of tools/postgres-check.sh (connection string in CREDAL_POSTGRES) and a loader for <see cref="PairTable"/>.</summary>
internal static class PostgresServer
{
    public static NpgsqlConnection Open()
    {
        string connection = Environment.GetEnvironmentVariable("CREDAL_POSTGRES")
            ?? throw new InvalidOperationException("CREDAL_POSTGRES is not set: run these tests with tools/postgres-check.sh, which starts a PostgreSQL server and sets it.");
        var c = new NpgsqlConnection(connection);
        c.Open();
        return c;
    }

    public static void Execute(NpgsqlConnection c, string sql)
    {
        using var command = new NpgsqlCommand(sql, c);
        command.ExecuteNonQuery();
    }

    /// <summary>Table <paramref name="name"/>: <c>id</c>, <c>g</c>, <c>day</c> (row i on day i mod 3), then <c>c0..</c>, <c>e0..</c> (or arrays <c>cloud</c>, <c>edge</c>), by binary COPY.</summary>
    public static void Load(NpgsqlConnection c, string name, PairTable table, bool arrays = false)
    {
        int k = table.Classes;
        var cols = new List<string> { "id integer", "g text", "day text" };
        if (arrays)
        {
            cols.Add("cloud double precision[]");
            cols.Add("edge double precision[]");
        }
        else
        {
            cols.AddRange(Enumerable.Range(0, k).Select(i => $"c{i} double precision"));
            cols.AddRange(Enumerable.Range(0, k).Select(i => $"e{i} double precision"));
        }

        Execute(c, $"DROP TABLE IF EXISTS {name}; CREATE TABLE {name} ({string.Join(", ", cols)})");
        using var writer = c.BeginBinaryImport($"COPY {name} FROM STDIN (FORMAT BINARY)");
        for (int r = 0; r < table.Rows; r++)
        {
            writer.StartRow();
            writer.Write(r, NpgsqlDbType.Integer);
            writer.Write(table.Groups[r], NpgsqlDbType.Text);
            writer.Write("2026-11-0" + ((r % 3) + 1).ToString(CultureInfo.InvariantCulture), NpgsqlDbType.Text);
            if (arrays)
            {
                writer.Write(table.Cloud.AsSpan(r * k, k).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Double);
                writer.Write(table.Edge.AsSpan(r * k, k).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Double);
            }
            else
            {
                for (int i = 0; i < k; i++)
                {
                    writer.Write(table.Cloud[(r * k) + i], NpgsqlDbType.Double);
                }

                for (int i = 0; i < k; i++)
                {
                    writer.Write(table.Edge[(r * k) + i], NpgsqlDbType.Double);
                }
            }
        }

        writer.Complete();
    }

    public static string[] Names(string prefix, int k) => [.. Enumerable.Range(0, k).Select(i => prefix + i.ToString(CultureInfo.InvariantCulture))];
}
