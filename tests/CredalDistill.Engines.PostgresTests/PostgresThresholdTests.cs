using System.Globalization;
using CredalDistill.Conformal;
using CredalDistill.Divergences;
using Npgsql;

namespace CredalDistill.Engines.Tests;

/// <summary>
/// The generated PostgreSQL queries on a real server: the threshold equals the definition on the library's scores (same rank,
/// value within 1e-12 relative), grouped and ungrouped, with ties, zero scores, cloud and edge zeros, +infinity scores and
/// logits whose probabilities underflow (where PostgreSQL raises instead of returning 0 or infinity).
/// </summary>
public class PostgresThresholdTests
{
    private static readonly double[] Epsilons = [0.1, 0.18, 0.05, 0.3, 0.5, 0.01, 0.001];

    [Theory]
    [MemberData(nameof(PairTable.DivergenceCases), MemberType = typeof(PairTable))]
    public void Grouped_and_pooled_thresholds_equal_the_definition(string divergenceName, bool logits)
    {
        var divergence = Divergence.Parse(divergenceName);
        var table = PairTable.Generate(seed: 1000 + divergenceName.Length + (logits ? 1 : 0), rows: 1200, classes: 4, logits, groupCount: 3);
        using var c = PostgresServer.Open();
        string name = "pairs_" + Guid.NewGuid().ToString("N")[..8];
        PostgresServer.Load(c, name, table);
        var columns = new PairColumns(PostgresServer.Names("c", 4), PostgresServer.Names("e", 4), 4, logits, logits);
        var byGroup = table.RowsByGroup();
        int compared = 0;
        foreach (double eps in Epsilons)
        {
            foreach (string? groupBy in new[] { "g", null })
            {
                var rows = Run(c, ThresholdQuery.Build(PostgresDialect.Instance, ThresholdQuery.FromTable(PostgresDialect.Instance, name), columns, SqlDivergence.For(divergence), eps, groupBy));
                var result = EngineCalibration.FromRows(rows, groupBy is not null, divergence.Name, eps, 4, columns.RowRule());
                var all = table.Reference(Enumerable.Range(0, table.Rows), divergence, eps);
                Assert.Equal(table.Rows, result.All.N);
                Assert.Equal(all.Rank, result.All.Rank);
                Assert.True(PairTable.Close(all.Gamma, result.All.Gamma), $"{divergenceName} eps {eps}: {all.Gamma:R} vs {result.All.Gamma:R}");
                compared++;
                foreach (var g in result.Groups)
                {
                    var reference = table.Reference(byGroup[g.Group!], divergence, eps);
                    Assert.Equal(reference.Sorted.Length, g.N);
                    Assert.Equal(reference.Rank, g.Rank);
                    Assert.True(PairTable.Close(reference.Gamma, g.Gamma), $"{divergenceName} eps {eps} group {g.Group}: {reference.Gamma:R} vs {g.Gamma:R}");
                    compared++;
                }
            }
        }

        PostgresServer.Execute(c, $"DROP TABLE {name}");
        Assert.Equal(Epsilons.Length * (2 + byGroup.Count), compared);
    }

    [Theory]
    [InlineData("kl", false)]
    [InlineData("kl", true)]
    [InlineData("alpha:0.3", true)]
    [InlineData("chi2", true)]
    [InlineData("hellinger", true)]
    public void Every_row_score_equals_the_library_score(string divergenceName, bool logits)
    {
        var divergence = Divergence.Parse(divergenceName);
        var table = PairTable.Generate(seed: 31, rows: 700, classes: 5, logits);
        using var c = PostgresServer.Open();
        string name = "scores_" + Guid.NewGuid().ToString("N")[..8];
        PostgresServer.Load(c, name, table);
        var columns = new PairColumns(PostgresServer.Names("c", 5), PostgresServer.Names("e", 5), 5, logits, logits);
        string sql = $"WITH {ScoreSql.Ctes(PostgresDialect.Instance, ThresholdQuery.FromTable(PostgresDialect.Instance, name), columns, SqlDivergence.For(divergence), null, "id")} SELECT credal_day, credal_valid, credal_score FROM credal_scores";
        var scores = new double[table.Rows];
        using (var command = new NpgsqlCommand(sql, c))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                Assert.True(reader.GetBoolean(1));
                scores[int.Parse(reader.GetString(0), CultureInfo.InvariantCulture)] = reader.GetDouble(2);
            }
        }

        var expected = SplitConformal.Scores(table.CloudMatrix(Enumerable.Range(0, table.Rows)), table.EdgeMatrix(Enumerable.Range(0, table.Rows)), divergence);
        for (int i = 0; i < table.Rows; i++)
        {
            Assert.True(PairTable.Close(expected[i], scores[i], 1e-11), $"row {i}: library {expected[i]:R}, PostgreSQL {scores[i]:R}");
        }

        PostgresServer.Execute(c, $"DROP TABLE {name}");
    }

    [Fact]
    public void Array_columns_give_the_same_thresholds_as_class_columns()
    {
        var table = PairTable.Generate(seed: 12, rows: 500, classes: 3, logits: false, groupCount: 2);
        using var c = PostgresServer.Open();
        PostgresServer.Load(c, "flat_pairs", table);
        PostgresServer.Load(c, "array_pairs", table, arrays: true);
        var flat = Run(c, ThresholdQuery.Build(PostgresDialect.Instance, "SELECT * FROM flat_pairs", new PairColumns(PostgresServer.Names("c", 3), PostgresServer.Names("e", 3), 3, false, false), SqlDivergence.For(Divergence.KL), 0.1, "g"));
        var arrays = Run(c, ThresholdQuery.Build(PostgresDialect.Instance, "SELECT * FROM array_pairs", new PairColumns(["cloud"], ["edge"], 3, false, false), SqlDivergence.For(Divergence.KL), 0.1, "g"));
        Assert.Equal(flat, arrays);
        Assert.Equal(4, flat.Count); // 2 groups, the tiny one, all rows
    }

    [Fact]
    public void Bad_rows_are_counted_not_raised()
    {
        var table = PairTable.Generate(seed: 2, rows: 60, classes: 3, logits: false, groupCount: 2);
        using var c = PostgresServer.Open();
        PostgresServer.Load(c, "bad_pairs", table);
        PostgresServer.Execute(c, "UPDATE bad_pairs SET c0 = 1e308, c1 = 1e308 WHERE id = 1; UPDATE bad_pairs SET e0 = 'NaN' WHERE id = 2; UPDATE bad_pairs SET c2 = NULL WHERE id = 3; UPDATE bad_pairs SET e1 = -1 WHERE id = 4; UPDATE bad_pairs SET g = NULL WHERE id = 5");
        var rows = Run(c, ThresholdQuery.Build(PostgresDialect.Instance, "SELECT * FROM bad_pairs", new PairColumns(PostgresServer.Names("c", 3), PostgresServer.Names("e", 3), 3, false, false), SqlDivergence.For(Divergence.KL), 0.1, "g"));
        Assert.Equal(5, rows.Where(r => !r.Pooled).Sum(r => r.BadRows));
        Assert.Equal(55, rows.Single(r => r.Pooled).N);
    }

    [Fact]
    public void The_monitoring_query_counts_coverage_per_group_and_day()
    {
        var table = PairTable.Generate(seed: 19, rows: 900, classes: 3, logits: true, groupCount: 2);
        using var c = PostgresServer.Open();
        PostgresServer.Load(c, "audited", table);
        var columns = new PairColumns(PostgresServer.Names("c", 3), PostgresServer.Names("e", 3), 3, true, true);
        var thresholds = table.RowsByGroup().Select(g => new KeyValuePair<string, double>(g.Key, g.Key == "model-tiny" ? double.PositiveInfinity : table.Reference(g.Value, Divergence.KL, 0.2).Gamma)).ToList();
        var counts = new Dictionary<(string, string), (long, long)>();
        using (var command = new NpgsqlCommand(MonitorQuery.Build(PostgresDialect.Instance, "SELECT * FROM audited", columns, SqlDivergence.For(Divergence.KL), "g", "day", thresholds), c))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                counts[(reader.GetString(0), reader.GetString(1))] = (reader.GetInt64(2), reader.GetInt64(3));
            }
        }

        var scores = SplitConformal.Scores(table.CloudMatrix(Enumerable.Range(0, table.Rows)), table.EdgeMatrix(Enumerable.Range(0, table.Rows)), Divergence.KL);
        var expected = new Dictionary<(string, string), (long, long)>();
        var gamma = thresholds.ToDictionary(t => t.Key, t => t.Value);
        for (int i = 0; i < table.Rows; i++)
        {
            var key = (table.Groups[i], "2026-11-0" + ((i % 3) + 1).ToString(CultureInfo.InvariantCulture));
            var (n, covered) = expected.GetValueOrDefault(key);
            expected[key] = (n + 1, covered + (scores[i] <= gamma[table.Groups[i]] ? 1 : 0));
        }

        Assert.Equal(expected.OrderBy(e => e.Key), counts.OrderBy(e => e.Key));
    }

    [Theory]
    [InlineData(149L, 0.18)]
    [InlineData(1_234_567_890L, 0.05)]
    [InlineData(9_000_000_000_000_000_000L, 0.123456789012345)]
    public void The_sql_rank_in_postgres_equals_the_exact_rank(long n, double epsilon)
    {
        using var c = PostgresServer.Open();
        var rank = ExactRank.For(epsilon);
        using var command = new NpgsqlCommand($"SELECT {rank.Sql(PostgresDialect.Instance, $"CAST({n} AS BIGINT)")}", c);
        Assert.Equal(rank.Rank(n), Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture));
    }

    private static List<ThresholdRow> Run(NpgsqlConnection c, string sql)
    {
        using var command = new NpgsqlCommand(sql, c);
        using var reader = command.ExecuteReader();
        return ThresholdRow.ReadAll(reader);
    }
}
