using System.Globalization;
using System.Text.Json;
using CredalDistill.Credal;
using CredalDistill.Divergences;
using CredalDistill.IO;

namespace CredalDistill.Cli.Tests;

/// <summary><c>credal defer</c> and <c>credal monitor</c>: decisions against the library, the alarm exit code, refreshed artifacts and errors.</summary>
public sealed class DeferAndMonitorTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Calibrate(int n = 400, int seed = 1)
    {
        var (cloud, edge, _) = TempDirectory.Synthetic(n, 4, seed);
        string cal = _dir["cal.json"];
        var run = CliRun.Invoke("calibrate", "--cloud", _dir.WriteMatrix("cal_cloud.csv", cloud, 4), "--edge", _dir.WriteMatrix("cal_edge.csv", edge, 4), "--epsilon", "0.1", "--out", cal);
        Assert.True(run.ExitCode == 0, run.ToString());
        return cal;
    }

    [Theory]
    [InlineData("label-set", null)]
    [InlineData("width", "0.3")]
    [InlineData("rival", "0.4")]
    [InlineData("confidence", "0.8")]
    public void Defer_writes_one_decision_per_row_that_matches_the_credal_set(string rule, string? level)
    {
        string cal = Calibrate();
        var artifact = CalibrationArtifact.Load(cal);
        var predictor = new CredalPredictor(artifact.Threshold!.Divergence, artifact.Threshold.Gamma);
        var (_, edge, _) = TempDirectory.Synthetic(120, 4, 9);
        string output = _dir[$"decisions-{rule}.csv"];
        var args = new List<string> { "defer", "--calibration", cal, "--edge", _dir.WriteMatrix("edge.csv", edge, 4), "--rule", rule, "--out", output };
        if (level is not null)
        {
            args.AddRange(["--level", level]);
        }

        var run = CliRun.Invoke([.. args]);
        Assert.True(run.ExitCode == 0, run.ToString());
        var table = TableFile.Read(output);
        Assert.Equal(["defer", "score"], table.Header);
        Assert.Equal(120, table.Rows.Count);
        var lower = new double[4];
        var upper = new double[4];
        var members = new bool[4];
        int deferred = 0;
        for (int i = 0; i < 120; i++)
        {
            var p = edge.AsSpan(i * 4, 4).ToArray();
            int c = Array.IndexOf(p, p.Max());
            predictor.Bounds(p, lower, upper);
            predictor.LabelSet(p, LabelSetRule.IntervalDominance, members);
            double l = level is null ? double.NaN : double.Parse(level, CultureInfo.InvariantCulture);
            bool expected = rule switch
            {
                "label-set" => members.Count(m => m) > 1,
                "width" => upper[c] - lower[c] > l,
                "rival" => Enumerable.Range(0, 4).Where(j => j != c).Max(j => upper[j]) > l,
                _ => p.Max() < l,
            };
            Assert.Equal(expected ? 1.0 : 0.0, table.Number(i, "defer"));
            deferred += expected ? 1 : 0;
        }

        Assert.Contains($"{deferred} of 120 inputs", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Defer_needs_a_level_for_threshold_rules_and_a_set_valued_artifact()
    {
        string cal = Calibrate();
        var (_, edge, _) = TempDirectory.Synthetic(10, 4, 9);
        string edgePath = _dir.WriteMatrix("edge.csv", edge, 4);
        var run = CliRun.Invoke("defer", "--calibration", cal, "--edge", edgePath, "--rule", "width", "--out", _dir["d.csv"]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--level", run.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir["d.csv"]));
    }

    /// <summary>Pairs: the cloud's outputs then the edge's; <paramref name="noise"/> pushes the cloud away from the edge.</summary>
    private string Pairs(string name, int n, int seed, double noise)
    {
        var (cloud, edge, _) = TempDirectory.Synthetic(n, 4, seed);
        var rng = new Random(seed);
        var data = new double[n * 8];
        for (int i = 0; i < n; i++)
        {
            double sum = 0;
            for (int k = 0; k < 4; k++)
            {
                double v = (cloud[(i * 4) + k] * (1 - noise)) + (noise * rng.NextDouble());
                data[(i * 8) + k] = v;
                sum += v;
            }

            for (int k = 0; k < 4; k++)
            {
                data[(i * 8) + k] /= sum;
                data[(i * 8) + 4 + k] = edge[(i * 4) + k];
            }
        }

        return _dir.WriteMatrix(name, data, 8);
    }

    [Fact]
    public void Monitor_is_quiet_on_calibration_like_pairs_and_alarms_with_exit_4_on_shifted_pairs()
    {
        string cal = Calibrate(2000);
        string json = _dir["m.json"];
        var quiet = CliRun.Invoke("monitor", "--calibration", cal, "--pairs", Pairs("same.csv", 3000, 5, 0), "--json", json);
        Assert.True(quiet.ExitCode == 0, quiet.ToString());
        using (var doc = JsonDocument.Parse(File.ReadAllText(json)))
        {
            var root = doc.RootElement;
            Assert.Equal(3000, root.GetProperty("rows").GetInt64());
            Assert.False(root.GetProperty("alarm").GetBoolean());
            double coverage = root.GetProperty("coverage").GetDouble();
            Assert.InRange(coverage, root.GetProperty("lower").GetDouble(), root.GetProperty("upper").GetDouble());
            Assert.Equal(coverage, root.GetProperty("covered").GetInt64() / 3000.0, 12);
        }

        var loud = CliRun.Invoke("monitor", "--calibration", cal, "--pairs", Pairs("shifted.csv", 3000, 6, 0.8), "--json", json);
        Assert.True(loud.ExitCode == 4, loud.ToString());
        Assert.Contains("ALARM at audited row", loud.Stderr, StringComparison.Ordinal);
        using var alarm = JsonDocument.Parse(File.ReadAllText(json));
        Assert.True(alarm.RootElement.GetProperty("alarm").GetBoolean());
        Assert.True(alarm.RootElement.GetProperty("upper").GetDouble() < 0.9);
    }

    /// <summary>
    /// Issue 22: the alarm line reported "coverage 20.00 % ... with confidence 95 % (confidence sequence [0.00 %, 100.00 %])";
    /// it now reports the statistic that fired and the bound of the same test, which excludes the target every time it
    /// claims confidence (streams of every coverage, eps and alpha, each alarm's message checked).
    /// </summary>
    [Fact]
    public void Every_alarm_message_reports_the_wealth_that_fired_and_a_bound_below_the_target()
    {
        var rng = new Random(5);
        int alarms = 0;
        foreach (double eps in new[] { 0.05, 0.1, 0.2 })
        {
            foreach (double alpha in new[] { 0.01, 0.05, 0.1 })
            {
                for (int s = 0; s < 30; s++)
                {
                    double p = 0.2 + (0.8 * rng.NextDouble());
                    var monitor = new CredalDistill.Monitoring.CoverageMonitor(eps, alpha);
                    for (int t = 0; t < 400 && !monitor.Alarm; t++)
                    {
                        if (monitor.Observe(rng.NextDouble() < p))
                        {
                            alarms++;
                            string message = Commands.MonitorCommand.AlarmMessage(monitor.Count, monitor);
                            var m = System.Text.RegularExpressions.Regex.Match(message, @"reached ([0-9.E+]+), at least 1/alpha = ([0-9.E+]+), so coverage is below ([0-9.]+) % with confidence [0-9.]+ %: anytime-valid upper bound ([0-9.]+) %");
                            Assert.True(m.Success, message);
                            double wealth = double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                            Assert.True(wealth >= (1 / alpha) * (1 - 1e-3), message);
                            double target = double.Parse(m.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture);
                            double bound = double.Parse(m.Groups[4].Value, System.Globalization.CultureInfo.InvariantCulture);
                            Assert.True(bound < target, message);
                            Assert.True(monitor.UpperBound <= 1 - eps, message);
                        }
                    }
                }
            }
        }

        Assert.True(alarms > 50, $"only {alarms} alarms were checked");
    }

    [Fact]
    public void An_early_alarm_on_a_short_stream_does_not_contradict_itself()
    {
        string cal = Calibrate(2000);
        // Eight audited inputs whose cloud output sits on another class than the edge's: none is covered.
        var far = new double[8 * 8];
        for (int i = 0; i < 8; i++)
        {
            double[] row = [0.97, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.97];
            row.CopyTo(far, i * 8);
        }

        var run = CliRun.Invoke("monitor", "--calibration", cal, "--pairs", _dir.WriteMatrix("far.csv", far, 8));
        Assert.True(run.ExitCode == 4, run.ToString());
        string stderr = run.Stderr.Replace("\n", " ", StringComparison.Ordinal);
        Assert.Contains("the betting wealth against 'coverage >= 90 %' reached", stderr, StringComparison.Ordinal);
        var bound = System.Text.RegularExpressions.Regex.Match(stderr, @"upper bound ([0-9.]+) %");
        Assert.True(bound.Success && double.Parse(bound.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) < 90, stderr);
        Assert.DoesNotContain("confidence sequence [", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Monitor_refresh_raises_the_threshold_on_shifted_pairs_and_rejects_bad_rows()
    {
        string cal = Calibrate(2000);
        string refreshed = _dir["new.json"];
        var run = CliRun.Invoke("monitor", "--calibration", cal, "--pairs", Pairs("shifted.csv", 3000, 6, 0.8), "--refresh-out", refreshed);
        Assert.Equal(4, run.ExitCode);
        Assert.True(CalibrationArtifact.Load(refreshed).Threshold!.Gamma > CalibrationArtifact.Load(cal).Threshold!.Gamma);

        string bad = _dir.WriteMatrix("bad.csv", [0.5, 0.5, 0, 0, 0.7, 0.7, 0, 0], 8);
        var refused = CliRun.Invoke("monitor", "--calibration", cal, "--pairs", bad);
        Assert.Equal(3, refused.ExitCode);
        Assert.Contains("edge outputs (columns 5..8)", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("row 1", refused.Stderr, StringComparison.Ordinal);
    }
}
