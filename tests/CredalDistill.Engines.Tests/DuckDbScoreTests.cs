using System.Globalization;
using CredalDistill.Conformal;
using CredalDistill.Divergences;
using CredalDistill.IO;

namespace CredalDistill.Engines.Tests;

/// <summary>Row by row, the SQL scores equal the library's (log domain, zeros, +infinity), and the row rule matches the library's.</summary>
public class DuckDbScoreTests
{
    [Theory]
    [InlineData("kl", false)]
    [InlineData("kl", true)]
    [InlineData("reverse-kl", false)]
    [InlineData("alpha:0.9", true)]
    [InlineData("alpha:1.2", false)]
    [InlineData("tv", true)]
    [InlineData("hellinger", false)]
    [InlineData("chi2", true)]
    [InlineData("chi2", false)]
    public void Every_row_score_equals_the_library_score(string divergenceName, bool logits)
    {
        var divergence = Divergence.Parse(divergenceName);
        var table = PairTable.Generate(seed: 11, rows: 800, classes: 5, logits);
        using var engine = new DuckDbEngine();
        DuckDbTables.Load(engine, "pairs", table);
        var columns = new PairColumns(DuckDbTables.Names("c", 5), DuckDbTables.Names("e", 5), 5, logits, logits);
        var sql = ScoreSql.Ctes(DuckDbDialect.Instance, "SELECT * FROM pairs", columns, SqlDivergence.For(divergence), groupBy: null, day: "id");
        var scores = engine.Query($"WITH {sql} SELECT credal_day, credal_valid, credal_score FROM credal_scores", r =>
        {
            var s = new double[table.Rows];
            while (r.Read())
            {
                Assert.True(r.GetBoolean(1));
                s[int.Parse(r.GetString(0), CultureInfo.InvariantCulture)] = r.GetDouble(2);
            }

            return s;
        });
        var expected = SplitConformal.Scores(table.CloudMatrix(Enumerable.Range(0, table.Rows)), table.EdgeMatrix(Enumerable.Range(0, table.Rows)), divergence);
        int infinite = 0;
        int zero = 0;
        for (int i = 0; i < table.Rows; i++)
        {
            Assert.True(PairTable.Close(expected[i], scores[i], 1e-11), $"row {i}: library {expected[i]:R}, SQL {scores[i]:R}");
            infinite += double.IsPositiveInfinity(expected[i]) ? 1 : 0;
            zero += expected[i] == 0.0 ? 1 : 0;
        }

        Assert.True(zero > 0, "the table has zero scores");
        if (divergenceName is "kl" or "reverse-kl" or "chi2" && !logits)
        {
            Assert.True(infinite > 0, "the table has +infinity scores");
        }
    }

    [Fact]
    public void List_columns_give_the_same_artifact_as_class_columns()
    {
        var table = PairTable.Generate(seed: 5, rows: 600, classes: 3, logits: false, groupCount: 3);
        using var engine = new DuckDbEngine();
        DuckDbTables.Load(engine, "flat", table);
        DuckDbTables.Load(engine, "lists", table, lists: true);
        var flat = engine.Calibrate("SELECT * FROM flat", new PairColumns(DuckDbTables.Names("c", 3), DuckDbTables.Names("e", 3), 3, false, false), Divergence.KL, 0.1, "g");
        Assert.Equal(3, engine.ProbeListLength("SELECT * FROM lists", "cloud"));
        var lists = engine.Calibrate("SELECT * FROM lists", new PairColumns(["cloud"], ["edge"], 3, false, false), Divergence.KL, 0.1, "g");
        Assert.Equal(flat.All, lists.All);
        Assert.Equal(flat.Groups, lists.Groups);
    }

    [Theory]
    [InlineData("UPDATE pairs SET c1 = NULL WHERE id = 3", 1)]
    [InlineData("UPDATE pairs SET c0 = c0 + 0.01 WHERE id IN (3, 4)", 2)]
    [InlineData("UPDATE pairs SET e2 = -0.0001 WHERE id = 5", 1)]
    [InlineData("UPDATE pairs SET e0 = 'NaN'::DOUBLE WHERE id = 5", 1)]
    [InlineData("UPDATE pairs SET c0 = 1e308, c1 = 1e308 WHERE id = 5", 1)]
    [InlineData("UPDATE pairs SET g = NULL WHERE id = 7", 1)]
    public void Rows_that_break_the_row_rule_are_counted_and_refused(string damage, int bad)
    {
        var table = PairTable.Generate(seed: 3, rows: 50, classes: 3, logits: false, groupCount: 2);
        using var engine = new DuckDbEngine();
        DuckDbTables.Load(engine, "pairs", table);
        engine.Execute(damage);
        var columns = new PairColumns(DuckDbTables.Names("c", 3), DuckDbTables.Names("e", 3), 3, false, false);
        var ex = Assert.Throws<DataFormatException>(() => engine.Calibrate("SELECT * FROM pairs", columns, Divergence.KL, 0.1, "g"));
        Assert.Contains($"{bad} rows are not valid pairs", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Renormalize_divides_rows_by_their_sum_like_the_library()
    {
        var table = PairTable.Generate(seed: 9, rows: 300, classes: 3, logits: false, zeros: false);
        using var engine = new DuckDbEngine();
        DuckDbTables.Load(engine, "pairs", table);
        engine.Execute("UPDATE pairs SET c0 = c0 * 3, c1 = c1 * 3, c2 = c2 * 3, e0 = e0 * 0.5, e1 = e1 * 0.5, e2 = e2 * 0.5");
        var strict = new PairColumns(DuckDbTables.Names("c", 3), DuckDbTables.Names("e", 3), 3, false, false);
        Assert.Throws<DataFormatException>(() => engine.Calibrate("SELECT * FROM pairs", strict, Divergence.KL, 0.1, null));
        var renormalised = engine.Calibrate("SELECT * FROM pairs", new PairColumns(strict.Cloud, strict.Edge, 3, false, false, renormalize: true), Divergence.KL, 0.1, null);
        var reference = table.Reference(Enumerable.Range(0, table.Rows), Divergence.KL, 0.1);
        Assert.Equal(reference.Rank, renormalised.All.Rank);
        Assert.True(PairTable.Close(reference.Gamma, renormalised.All.Gamma));
    }

    [Fact]
    public void An_ungrouped_calibration_writes_an_ordinary_artifact_equal_to_the_library_fit()
    {
        var table = PairTable.Generate(seed: 21, rows: 999, classes: 4, logits: true);
        using var engine = new DuckDbEngine();
        DuckDbTables.Load(engine, "pairs", table);
        var result = engine.Calibrate("SELECT * FROM pairs", new PairColumns(DuckDbTables.Names("c", 4), DuckDbTables.Names("e", 4), 4, true, true), Divergence.KL, 0.1, null);
        var artifact = result.ToArtifact();
        var all = Enumerable.Range(0, table.Rows);
        var library = SplitConformal.Calibrate(table.CloudMatrix(all), table.EdgeMatrix(all), 0.1);
        Assert.Null(artifact.Threshold!.Groups);
        Assert.Equal(library.N, artifact.N);
        Assert.True(PairTable.Close(library.Gamma, artifact.Threshold!.Gamma));
        Assert.True(PairTable.Close(library.Scores.Min, artifact.Threshold!.Scores!.Min));
        Assert.True(PairTable.Close(library.Scores.Median, artifact.Threshold!.Scores.Median));
        Assert.True(PairTable.Close(library.Scores.Max, artifact.Threshold!.Scores.Max));
        Assert.True(PairTable.Close(library.Scores.Mean, artifact.Threshold!.Scores.Mean!.Value, 1e-10));
    }

    [Fact]
    public void A_grouped_artifact_saves_and_loads_its_groups()
    {
        var table = PairTable.Generate(seed: 4, rows: 400, classes: 3, logits: false, groupCount: 5);
        using var engine = new DuckDbEngine();
        DuckDbTables.Load(engine, "pairs", table);
        var result = engine.Calibrate("SELECT * FROM pairs", new PairColumns(DuckDbTables.Names("c", 3), DuckDbTables.Names("e", 3), 3, false, false), Divergence.KL, 0.05, "g");
        string path = Path.Combine(Path.GetTempPath(), $"credal-groups-{Guid.NewGuid():N}.json");
        try
        {
            result.ToArtifact().Save(path);
            var loaded = CalibrationArtifact.Load(path);
            Assert.NotNull(loaded.Threshold!.Groups);
            Assert.Equal(result.Groups.Select(g => g.Group!), loaded.Threshold!.Groups!.Groups.Keys);
            foreach (var g in result.Groups)
            {
                var stored = loaded.Threshold!.Groups.Groups[g.Group!];
                Assert.Equal(g.N, stored.N);
                Assert.Equal(g.Gamma, stored.Gamma);
                Assert.Equal(g.Min, stored.Scores.Min);
            }

            Assert.Contains(loaded.Threshold!.Groups.Groups.Values, g => g.IsUnbounded); // the tiny group at eps = 0.05
            Assert.True(double.IsPositiveInfinity(loaded.Threshold!.Groups.GammaFor("no-such-group")));
            string json = File.ReadAllText(path);
            Assert.Contains("\"groups\": {", json, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
