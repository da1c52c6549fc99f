using CredalDistill.Divergences;
using System.Globalization;
using CredalDistill.Engines;
using CredalDistill.Engines.Tests;
using CredalDistill.IO;

namespace CredalDistill.Cli.Tests;

/// <summary>
/// <c>credal calibrate --query</c> (inside DuckDB) against <c>credal calibrate --cloud --edge</c> on the same rows, and
/// <c>credal sql</c>. The lake is hive-partitioned Parquet written by DuckDB (lake/day=.../model=.../*.parquet).
/// </summary>
public class FleetCalibrationTests
{
    private static readonly string[] Days = ["2026-11-01", "2026-11-02", "2026-11-03"];

    [Fact]
    public void Grouped_query_on_a_hive_lake_equals_file_calibration_of_each_group()
    {
        using var dir = new TempDirectory();
        var table = PairTable.Generate(seed: 42, rows: 4000, classes: 3, logits: false, groupCount: 4);
        string lake = WriteLake(dir, table);
        string query = $"SELECT * FROM read_parquet('{lake}/**/*.parquet', hive_partitioning = true) WHERE day >= '2026-11-01'";
        var run = CliRun.Invoke("calibrate", "--query", query, "--cloud-columns", "c0,c1,c2", "--edge-columns", "e0,e1,e2", "--group-by", "model", "--epsilon", "0.05", "--out", dir["grouped.json"]);
        Assert.True(run.ExitCode == 0, run.ToString());
        var grouped = CalibrationArtifact.Load(dir["grouped.json"]);
        Assert.NotNull(grouped.Threshold!.Groups);
        var byGroup = table.RowsByGroup();
        Assert.Equal(byGroup.Keys, grouped.Threshold!.Groups!.Groups.Keys);
        int unbounded = 0;
        foreach (var (group, rows) in byGroup)
        {
            // The group's rows exported to NPY and calibrated from files.
            string cloud = dir.WriteMatrix($"{group}-cloud.npy", Rows(table.Cloud, rows, 3), 3);
            string edge = dir.WriteMatrix($"{group}-edge.npy", Rows(table.Edge, rows, 3), 3);
            var file = CliRun.Invoke("calibrate", "--cloud", cloud, "--edge", edge, "--epsilon", "0.05", "--out", dir[$"{group}.json"]);
            Assert.True(file.ExitCode == 0, file.ToString());
            var expected = CalibrationArtifact.Load(dir[$"{group}.json"]);
            var actual = grouped.Threshold!.Groups.Groups[group];
            Assert.Equal(expected.N, actual.N);
            Assert.True(PairTable.Close(expected.Threshold!.Gamma, actual.Gamma), $"{group}: file {expected.Threshold!.Gamma:R}, query {actual.Gamma:R}");
            Assert.True(PairTable.Close(expected.Threshold!.Scores!.Median, actual.Scores.Median));
            unbounded += actual.IsUnbounded ? 1 : 0;
        }

        Assert.Equal(1, unbounded); // the small group at eps = 0.05 (fewer than 19 rows) is unbounded, explicitly
        Assert.Contains("WARNING: unbounded threshold.", run.Stderr, StringComparison.Ordinal);
        Assert.Equal(table.Rows, grouped.N);
    }

    [Fact]
    public void Ungrouped_query_writes_the_artifact_of_file_calibration_and_it_predicts()
    {
        using var dir = new TempDirectory();
        var table = PairTable.Generate(seed: 8, rows: 2500, classes: 3, logits: true);
        string lake = WriteLake(dir, table);
        string cloud = dir.WriteMatrix("cloud.npy", table.Cloud, 3);
        string edge = dir.WriteMatrix("edge.npy", table.Edge, 3);
        var file = CliRun.Invoke("calibrate", "--logits", "--cloud", cloud, "--edge", edge, "--epsilon", "0.1", "--divergence", "hellinger", "--out", dir["file.json"]);
        var query = CliRun.Invoke("calibrate", "--logits", "--query", $"SELECT * FROM read_parquet('{lake}/**/*.parquet', hive_partitioning = true)", "--cloud-columns", "c0,c1,c2", "--edge-columns", "e0,e1,e2", "--epsilon", "0.1", "--divergence", "hellinger", "--out", dir["query.json"]);
        Assert.True(file.ExitCode == 0 && query.ExitCode == 0, file + "\n" + query);
        var a = CalibrationArtifact.Load(dir["file.json"]);
        var b = CalibrationArtifact.Load(dir["query.json"]);
        Assert.Null(b.Threshold!.Groups);
        Assert.Equal((a.Method, a.Output, a.Threshold!.Divergence.Name, a.Threshold!.Epsilon, a.N, a.Classes), (b.Method, b.Output, b.Threshold!.Divergence.Name, b.Threshold!.Epsilon, b.N, b.Classes));
        Assert.Equal(a.Selection!.Mode, b.Selection!.Mode);
        Assert.True(PairTable.Close(a.Threshold!.Gamma, b.Threshold!.Gamma), $"{a.Threshold!.Gamma:R} vs {b.Threshold!.Gamma:R}");
        Assert.True(PairTable.Close(a.Threshold!.Scores!.Min, b.Threshold!.Scores!.Min) && PairTable.Close(a.Threshold!.Scores.Median, b.Threshold!.Scores.Median) && PairTable.Close(a.Threshold!.Scores.Max, b.Threshold!.Scores.Max));
        Assert.True(PairTable.Close(a.Threshold!.Scores.Mean!.Value, b.Threshold!.Scores.Mean!.Value, 1e-10));
        var predict = CliRun.Invoke("predict", "--calibration", dir["query.json"], "--logits", "--edge", edge, "--out", dir["pred.csv"]);
        Assert.True(predict.ExitCode == 0, predict.ToString());
    }

    [Fact]
    public void Sql_for_duckdb_runs_and_equals_calibrate_query_and_the_monitor_counts_coverage()
    {
        using var dir = new TempDirectory();
        var table = PairTable.Generate(seed: 77, rows: 1200, classes: 3, logits: false, groupCount: 3);
        using var engine = new DuckDbEngine();
        Load(engine, table);
        var calibrated = engine.Calibrate("SELECT * FROM pairs", new PairColumns(DuckDbTables.Names("c", 3), DuckDbTables.Names("e", 3), 3, false, false), Divergences.Divergence.KL, 0.1, "model");
        calibrated.ToArtifact().Save(dir["cal.json"]);
        var run = CliRun.Invoke("sql", "--dialect", "duckdb", "--table", "pairs", "--cloud-columns", "c0,c1,c2", "--edge-columns", "e0,e1,e2", "--group-by", "model", "--epsilon", "0.1", "--calibration", dir["cal.json"]);
        Assert.True(run.ExitCode == 0, run.ToString());
        string[] statements = run.Stdout.Split(";\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(2, statements.Length);
        Assert.DoesNotContain("approx_", run.Stdout, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("percentile", run.Stdout, StringComparison.OrdinalIgnoreCase);
        var rows = engine.Query(statements[0], ThresholdRow.ReadAll);
        Assert.Equal(calibrated.Groups.Append(calibrated.All).OrderBy(r => r.Pooled).ThenBy(r => r.Group, StringComparer.Ordinal), rows);

        // Monitoring: per group and day, the share of rows with score <= the group's threshold, counted here from the library's scores.
        var monitored = engine.Query(statements[1], r =>
        {
            var m = new Dictionary<(string, string), (long N, long Covered)>();
            while (r.Read())
            {
                m[(r.GetString(0), r.GetString(1))] = (r.GetInt64(2), r.GetInt64(3));
            }

            return m;
        });
        var scores = Conformal.SplitConformal.Scores(table.CloudMatrix(Enumerable.Range(0, table.Rows)), table.EdgeMatrix(Enumerable.Range(0, table.Rows)), Divergences.Divergence.KL);
        var artifact = CalibrationArtifact.Load(dir["cal.json"]);
        var expected = new Dictionary<(string, string), (long N, long Covered)>();
        for (int i = 0; i < table.Rows; i++)
        {
            var key = (table.Groups[i], Days[i % Days.Length]);
            var (n, covered) = expected.GetValueOrDefault(key);
            expected[key] = (n + 1, covered + (scores[i] <= artifact.Threshold!.Groups!.GammaFor(table.Groups[i]) ? 1 : 0));
        }

        Assert.Equal(expected.OrderBy(e => e.Key), monitored.OrderBy(e => e.Key));
    }

    [Fact]
    public void Help_lists_the_engine_options()
    {
        var sql = CliRun.Invoke("sql", "--help");
        Assert.Equal(0, sql.ExitCode);
        foreach (string option in new[] { "--dialect", "--table", "--cloud-columns", "--edge-columns", "--group-by", "--classes", "--calibration", "--day-column", "--thresholds-table", "--print", "duckdb, postgres, spark, trino" })
        {
            Assert.Contains(option, sql.Stdout, StringComparison.Ordinal);
        }

        Assert.Matches(@"--epsilon <EPS>\s+0\.1", sql.Stdout);
        Assert.Matches(@"--day-column <COLUMN>\s+day", sql.Stdout);
        var calibrate = CliRun.Invoke("calibrate", "--help");
        foreach (string option in new[] { "--query", "--cloud-columns", "--edge-columns", "--group-by", "--memory-limit" })
        {
            Assert.Contains(option, calibrate.Stdout, StringComparison.Ordinal);
        }

        Assert.Contains("--group", CliRun.Invoke("predict", "--help").Stdout, StringComparison.Ordinal);
        Assert.Contains("--group-input", CliRun.Invoke("export", "--help").Stdout, StringComparison.Ordinal);
        Assert.Contains("sql", CliRun.Invoke("--help").Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2, "--query", "SELECT * FROM pairs", "--cloud", "x.csv", "--cloud-columns", "c0,c1", "--edge-columns", "e0,e1")]
    [InlineData(2, "--query", "SELECT * FROM nowhere", "--cloud-columns", "c0,c1", "--edge-columns", "e0,e1")]
    [InlineData(2, "--query", "SELEC 1", "--cloud-columns", "c0,c1", "--edge-columns", "e0,e1")]
    [InlineData(2, "--query", "SELECT 1 AS c0", "--cloud-columns", "c0,c1", "--edge-columns", "e0")]
    [InlineData(3, "--query", "SELECT * FROM read_parquet('/nonexistent/**/*.parquet')", "--cloud-columns", "c0,c1", "--edge-columns", "e0,e1")]
    [InlineData(3, "--query", "SELECT 0.5 AS c0, 0.6 AS c1, 0.5 AS e0, 0.5 AS e1", "--cloud-columns", "c0,c1", "--edge-columns", "e0,e1")]
    [InlineData(3, "--query", "SELECT 0.5 AS c0, 0.5 AS c1, 0.5 AS e0, 0.5 AS e1 WHERE false", "--cloud-columns", "c0,c1", "--edge-columns", "e0,e1")]
    [InlineData(2, "--query", "SELECT 1", "--cloud-columns", "c0,c1", "--edge-columns", "e0,e1", "--mondrian")]
    [InlineData(2, "--cloud-columns", "c0,c1", "--edge-columns", "e0,e1")]
    public void Query_errors_have_the_documented_exit_codes(int code, params string[] args)
    {
        using var dir = new TempDirectory();
        var run = CliRun.Invoke(["calibrate", .. args, "--out", dir["cal.json"]]);
        Assert.True(run.ExitCode == code, run.ToString());
        Assert.False(File.Exists(dir["cal.json"]));
    }

    /// <summary>Writes <paramref name="table"/> as a hive-partitioned Parquet lake (day, model) with DuckDB; returns its folder.</summary>
    internal static string WriteLake(TempDirectory dir, PairTable table)
    {
        using var engine = new DuckDbEngine();
        Load(engine, table);
        string lake = dir["lake"];
        engine.Execute($"COPY (SELECT * EXCLUDE (id) FROM pairs) TO '{lake}' (FORMAT parquet, PARTITION_BY (day, model))");
        Assert.True(Directory.GetFiles(lake, "*.parquet", SearchOption.AllDirectories).Length >= Days.Length);
        Assert.Contains(Directory.GetDirectories(lake), d => Path.GetFileName(d) == "day=2026-11-01");
        return lake;
    }

    /// <summary>Table <c>pairs</c>: the pairs with <c>model</c> (the group) and <c>day</c> (row i on day i mod 3).</summary>
    private static void Load(DuckDbEngine engine, PairTable table)
    {
        DuckDbTables.Load(engine, "raw", table);
        string days = "['" + string.Join("', '", Days) + "']";
        engine.Execute($"CREATE OR REPLACE TABLE pairs AS SELECT * EXCLUDE (g), g AS model, {days}[(id % {Days.Length}) + 1] AS day FROM raw ORDER BY id");
    }

    private static double[] Rows(double[] data, List<int> rows, int k)
    {
        var result = new double[rows.Count * k];
        for (int i = 0; i < rows.Count; i++)
        {
            data.AsSpan(rows[i] * k, k).CopyTo(result.AsSpan(i * k, k));
        }

        return result;
    }
}

/// <summary><c>credal predict --group COLUMN</c>: each row gets its group's threshold.</summary>
public class GroupedPredictTests
{
    [Fact]
    public void Each_row_gets_its_group_threshold_and_unknown_groups_are_unbounded()
    {
        using var dir = new TempDirectory();
        var table = PairTable.Generate(seed: 5, rows: 1500, classes: 3, logits: false, groupCount: 3);
        using var engine = new DuckDbEngine();
        DuckDbTables.Load(engine, "pairs", table);
        var result = engine.Calibrate("SELECT * FROM pairs", new PairColumns(DuckDbTables.Names("c", 3), DuckDbTables.Names("e", 3), 3, false, false), Divergences.Divergence.KL, 0.2, "g");
        result.ToArtifact().Save(dir["cal.json"]);

        // Edge rows in id order (groups interleaved), 60 rows of a group the calibration never saw, the group column in the middle.
        string edge = dir["edge.parquet"];
        engine.Execute($"COPY (SELECT e0, CASE WHEN id % 25 = 3 THEN 'model-new' ELSE g END AS model, e1, e2 FROM pairs ORDER BY id) TO '{edge}' (FORMAT parquet)");
        var run = CliRun.Invoke("predict", "--calibration", dir["cal.json"], "--edge", edge, "--group", "model", "--output", "bounds", "--out", dir["bounds.csv"]);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("group 'model-new' (60 rows) is not in cal.json", run.Stderr.ReplaceLineEndings(" "), StringComparison.Ordinal);

        var artifact = CalibrationArtifact.Load(dir["cal.json"]);
        var lines = File.ReadAllLines(dir["bounds.csv"]);
        Assert.Equal(table.Rows + 1, lines.Length);
        Assert.Equal("lower_0,lower_1,lower_2,upper_0,upper_1,upper_2", lines[0]);
        var divergence = Divergences.Divergence.KL;
        int unbounded = 0;
        for (int i = 0; i < table.Rows; i++)
        {
            string group = i % 25 == 3 ? "model-new" : table.Groups[i];
            double gamma = artifact.Threshold!.Groups!.GammaFor(group);
            unbounded += double.IsPositiveInfinity(gamma) ? 1 : 0;
            var predictor = new Credal.CredalPredictor(divergence, gamma);
            var lower = new double[3];
            var upper = new double[3];
            predictor.Bounds(table.Edge.AsSpan(i * 3, 3), lower, upper);
            var actual = lines[i + 1].Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal([.. lower, .. upper], actual);
        }

        Assert.True(unbounded >= 60, $"{unbounded} unbounded rows");
    }

    [Fact]
    public void A_grouped_artifact_without_group_uses_the_pooled_threshold_with_a_warning()
    {
        using var dir = new TempDirectory();
        var table = PairTable.Generate(seed: 6, rows: 300, classes: 3, logits: false, groupCount: 2);
        using var engine = new DuckDbEngine();
        DuckDbTables.Load(engine, "pairs", table);
        engine.Calibrate("SELECT * FROM pairs", new PairColumns(DuckDbTables.Names("c", 3), DuckDbTables.Names("e", 3), 3, false, false), Divergences.Divergence.KL, 0.2, "g").ToArtifact().Save(dir["cal.json"]);
        string edge = dir.WriteMatrix("edge.csv", table.Edge, 3);
        var run = CliRun.Invoke("predict", "--calibration", dir["cal.json"], "--edge", edge, "--out", dir["pred.csv"]);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("per-group thresholds but --group was not given", run.Stderr.ReplaceLineEndings(" "), StringComparison.Ordinal);
        var refused = CliRun.Invoke("predict", "--calibration", dir["cal.json"], "--edge", dir.WriteMatrix("edge.npy", table.Edge, 3), "--group", "g", "--out", dir["pred2.csv"]);
        Assert.Equal(2, refused.ExitCode);
    }
}

/// <summary><c>credal export --group-input</c>: the grouped artifact's thresholds selected by an added int64 input.</summary>
public class GroupedExportTests
{
    [Fact]
    public void Export_adds_the_group_id_input_and_lists_the_groups()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir["edge.onnx"], Google.Protobuf.MessageExtensions.ToByteArray(Onnx.Export.LinearLogitsModel.Identity(3)));
        var table = PairTable.Generate(seed: 15, rows: 800, classes: 3, logits: false, groupCount: 2);
        using var engine = new DuckDbEngine();
        DuckDbTables.Load(engine, "pairs", table);
        engine.Calibrate("SELECT * FROM pairs", new PairColumns(DuckDbTables.Names("c", 3), DuckDbTables.Names("e", 3), 3, false, false), Divergences.Divergence.KL, 0.1, "g").ToArtifact().Save(dir["cal.json"]);
        var run = CliRun.Invoke("export", "--model", dir["edge.onnx"], "--calibration", dir["cal.json"], "--group-input", "group_id", "--out", dir["calibrated.onnx"]);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("by the group id input 'group_id'", run.Stdout.ReplaceLineEndings(" "), StringComparison.Ordinal);
        var model = Onnx.Export.CalibratedModelExporter.Read(dir["calibrated.onnx"]);
        Assert.Contains(model.Graph.Input, i => i.Name == "group_id");
        Assert.Contains(model.MetadataProps, m => m.Key == "credal.groups" && m.Value == "[\"model-0\",\"model-1\",\"model-tiny\"]");

        var pooled = CliRun.Invoke("export", "--model", dir["edge.onnx"], "--calibration", dir["cal.json"], "--out", dir["pooled.onnx"]);
        Assert.True(pooled.ExitCode == 0, pooled.ToString());
        Assert.Contains("--group-input was not given", pooled.Stderr.ReplaceLineEndings(" "), StringComparison.Ordinal);
        CalibrationArtifact.Cdci(Divergence.Parse("kl"), 0.1, 100, 3, 0.3, new ArtifactScoreSummary(0, 0.1, 1)).Save(dir["plain.json"]);
        Assert.Equal(2, CliRun.Invoke("export", "--model", dir["edge.onnx"], "--calibration", dir["plain.json"], "--group-input", "group_id", "--out", dir["x.onnx"]).ExitCode);
    }
}
