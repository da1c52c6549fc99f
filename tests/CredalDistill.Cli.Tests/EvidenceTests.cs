using System.Text.Json;
using CredalDistill.IO;
using CredalDistill.Tests.Support;

namespace CredalDistill.Cli.Tests;

/// <summary>
/// <c>credal evaluate</c>'s evidence (issue 21): debiased ECE and KS against an independent implementation, bootstrap
/// intervals against an independent simple bootstrap, paired comparisons with known answers, conditional coverage and the
/// reliability figures.
/// </summary>
public sealed class EvidenceTests : IDisposable
{
    private const int K = 10;
    private static readonly string[] Metrics = ["accuracy", "ece", "eceDebiased", "ksError", "nll", "brier"];
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>
    /// Logits z with entries in {0, 1, 2} (so top-1 confidences tie: a row's confidence depends only on how many classes share
    /// the top value), labels drawn from softmax(1.5 z), an underconfident cloud softmax(z) and an overconfident edge
    /// softmax(2 z). No method is perfectly calibrated: for one that is, a percentile interval of a non-negative calibration
    /// error can lie entirely above the estimate (each resample adds noise to a metric that measures noise; docs/METRICS.md).
    /// </summary>
    private static (double[] Cloud, double[] Edge, int[] Labels) Data(int n, int seed, bool tied = true)
    {
        var rng = new Random(seed);
        var cloud = new double[n * K];
        var edge = new double[n * K];
        var labels = new int[n];
        var z = new double[K];
        var truth = new double[K];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < K; j++)
            {
                z[j] = tied ? rng.Next(3) : 2 * rng.NextDouble();
            }

            Softmax(z, 1.0, cloud.AsSpan(i * K, K));
            Softmax(z, 2.0, edge.AsSpan(i * K, K));
            Softmax(z, 1.5, truth);
            double u = rng.NextDouble();
            int y = 0;
            double cumulative = truth[0];
            while (y < K - 1 && u >= cumulative)
            {
                y++;
                cumulative += truth[y];
            }

            labels[i] = y;
        }

        return (cloud, edge, labels);
    }

    private static void Softmax(double[] z, double scale, Span<double> dest)
    {
        double max = z.Max();
        double sum = 0;
        for (int j = 0; j < z.Length; j++)
        {
            dest[j] = Math.Exp(scale * (z[j] - max));
            sum += dest[j];
        }

        for (int j = 0; j < z.Length; j++)
        {
            dest[j] /= sum;
        }
    }

    /// <summary>Writes test files (NPY: exact doubles) and calibrates the artifacts named in <paramref name="methods"/> on separate data.</summary>
    private (double[] Cloud, double[] Edge, int[] Labels) Setup(int n, params string[] methods) => Setup(n, true, methods);

    private (double[] Cloud, double[] Edge, int[] Labels) Setup(int n, bool tied, params string[] methods)
    {
        var (calCloud, calEdge, _) = Data(1500, 100, tied);
        _dir.WriteMatrix("cal_cloud.npy", calCloud, K);
        _dir.WriteMatrix("cal_edge.npy", calEdge, K);
        foreach (string method in methods)
        {
            var run = CliRun.Invoke("calibrate", "--cloud", _dir["cal_cloud.npy"], "--edge", _dir["cal_edge.npy"], "--method", method, "--out", _dir[method.Replace('+', '-') + ".json"]);
            Assert.True(run.ExitCode == 0, run.ToString());
        }

        var test = Data(n, 200, tied);
        _dir.WriteMatrix("cloud.npy", test.Cloud, K);
        _dir.WriteMatrix("edge.npy", test.Edge, K);
        _dir.WriteLabels("labels.npy", test.Labels);
        return test;
    }

    private JsonElement Evaluate(string[] artifacts, params string[] extra)
    {
        var args = new List<string> { "evaluate" };
        foreach (string a in artifacts)
        {
            args.AddRange(["--calibration", _dir[a]]);
        }

        args.AddRange(["--edge", _dir["edge.npy"], "--cloud", _dir["cloud.npy"], "--labels", _dir["labels.npy"], "--json", _dir["report.json"], "--mc-samples", "20"]);
        args.AddRange(extra);
        var run = CliRun.Invoke([.. args]);
        Assert.True(run.ExitCode == 0, run.ToString());
        return JsonDocument.Parse(File.ReadAllText(_dir["report.json"])).RootElement;
    }

    [Fact]
    public void Json_debiased_ece_and_ks_equal_an_independent_implementation_on_tied_data()
    {
        var (cloud, edge, labels) = Setup(3000, "distilled-ts");
        var (c, _) = TopLabelReference.TopLabel(edge, K, labels);
        Assert.True(c.Distinct().Count() < c.Length / 2, "the edge confidences must tie often");
        var report = Evaluate(["distilled-ts.json"]);
        foreach (var (name, data) in new[] { ("edge", edge), ("cloud", cloud) })
        {
            var expected = TopLabelReference.All(data, K, labels);
            var m = report.GetProperty("methods").GetProperty(name);
            Assert.Equal(expected.EceDebiased, m.GetProperty("eceDebiased").GetDouble(), 12);
            Assert.Equal(expected.KsError, m.GetProperty("ksError").GetDouble(), 12);
            Assert.Equal(expected.Ece, m.GetProperty("ece").GetDouble(), 12);
            Assert.False(m.TryGetProperty("intervals", out _));
        }

        Assert.True(report.GetProperty("methods").GetProperty("tempered").GetProperty("eceDebiased").GetDouble() >= 0);
    }

    [Fact]
    public void Bootstrap_intervals_contain_the_estimate_and_match_a_simple_bootstrap()
    {
        const int n = 5000;
        var (_, edge, labels) = Setup(n, "distilled-ts");
        var report = Evaluate(["distilled-ts.json"], "--bootstrap", "2000", "--seed", "3");
        var methods = report.GetProperty("methods");
        foreach (var method in methods.EnumerateObject())
        {
            foreach (string metric in Metrics)
            {
                double estimate = method.Value.GetProperty(metric).GetDouble();
                var interval = method.Value.GetProperty("intervals").GetProperty(metric);
                Assert.True(interval[0].GetDouble() <= estimate && estimate <= interval[1].GetDouble(), $"{method.Name} {metric}: {estimate} outside {interval}");
            }
        }

        // An independent simple bootstrap of the edge: System.Random row draws, rows copied, the reference metrics recomputed.
        const int replicates = 1000;
        var rng = new Random(17);
        var values = Metrics.ToDictionary(m => m, _ => new double[replicates]);
        var rows = new int[n];
        var p = new double[n * K];
        var y = new int[n];
        for (int r = 0; r < replicates; r++)
        {
            for (int t = 0; t < n; t++)
            {
                rows[t] = rng.Next(n);
                Array.Copy(edge, rows[t] * K, p, t * K, K);
                y[t] = labels[rows[t]];
            }

            var m = TopLabelReference.All(p, K, y);
            values["accuracy"][r] = m.Accuracy;
            values["ece"][r] = m.Ece;
            values["eceDebiased"][r] = m.EceDebiased;
            values["ksError"][r] = m.KsError;
            values["nll"][r] = m.Nll;
            values["brier"][r] = m.Brier;
        }

        var edgeIntervals = methods.GetProperty("edge").GetProperty("intervals");
        foreach (string metric in Metrics)
        {
            Array.Sort(values[metric]);
            double width = values[metric][(int)Math.Round(0.975 * (replicates - 1))] - values[metric][(int)Math.Round(0.025 * (replicates - 1))];
            double ours = edgeIntervals.GetProperty(metric)[1].GetDouble() - edgeIntervals.GetProperty(metric)[0].GetDouble();
            Assert.True(Math.Abs((ours / width) - 1) < 0.15, $"{metric}: width {ours} against the simple bootstrap's {width}");
        }
    }

    [Fact]
    public void Identical_artifacts_differ_by_zero_and_a_worse_artifact_is_detected()
    {
        Setup(4000, "distilled-ts");
        File.Copy(_dir["distilled-ts.json"], _dir["copy.json"]);

        // A deliberately worse artifact: distilled TS fitted to a flat "cloud" (every row 1/K) drives the temperature up,
        // so its outputs are far too flat for these labels.
        _dir.WriteMatrix("flat_cloud.npy", [.. Enumerable.Repeat(1.0 / K, 1500 * K)], K);
        var run = CliRun.Invoke("calibrate", "--cloud", _dir["flat_cloud.npy"], "--edge", _dir["cal_edge.npy"], "--method", "distilled-ts", "--out", _dir["worse.json"]);
        Assert.True(run.ExitCode == 0, run.ToString());

        var report = Evaluate(["distilled-ts.json", "copy.json", "worse.json"], "--bootstrap", "500");
        var comparisons = report.GetProperty("comparisons").EnumerateArray().ToList();
        var identical = comparisons.Where(c => c.GetProperty("method").GetString()!.StartsWith(_dir["copy.json"], StringComparison.Ordinal)).ToList();
        Assert.Equal(6, identical.Count);
        foreach (var c in identical)
        {
            Assert.Equal(_dir["distilled-ts.json"] + ":tempered", c.GetProperty("baseline").GetString());
            Assert.Equal(0.0, c.GetProperty("difference").GetDouble());
            Assert.Equal(0.0, c.GetProperty("interval")[0].GetDouble());
            Assert.Equal(0.0, c.GetProperty("interval")[1].GetDouble());
        }

        var worse = comparisons.Where(c => c.GetProperty("method").GetString() == _dir["worse.json"] + ":tempered").ToDictionary(c => c.GetProperty("metric").GetString()!);
        Assert.Equal(Metrics.Order(), worse.Keys.Order());
        foreach (string metric in new[] { "ece", "eceDebiased", "ksError", "nll", "brier" })
        {
            Assert.True(worse[metric].GetProperty("difference").GetDouble() > 0, metric);
            Assert.True(worse[metric].GetProperty("interval")[0].GetDouble() > 0, $"{metric}: {worse[metric]}");
        }

        // The same temperature family keeps the arg-max: accuracy is identical row by row.
        Assert.Equal(0.0, worse["accuracy"].GetProperty("interval")[1].GetDouble());

        var console = CliRun.Invoke("evaluate", "--calibration", _dir["distilled-ts.json"], "--calibration", _dir["worse.json"], "--edge", _dir["edge.npy"], "--cloud", _dir["cloud.npy"], "--labels", _dir["labels.npy"], "--bootstrap", "200");
        Assert.Contains("yes: worse", console.Stdout, StringComparison.Ordinal);
        Assert.Contains("no: not distinguishable", console.Stdout, StringComparison.Ordinal);
        Assert.Contains("95% bootstrap intervals (200 resamples, seed 1", console.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Same_seed_gives_the_same_json_and_another_seed_other_intervals()
    {
        Setup(800, "distilled-ts");
        string Json(string seed)
        {
            Evaluate(["distilled-ts.json"], "--bootstrap", "300", "--seed", seed);
            return File.ReadAllText(_dir["report.json"]);
        }

        string a = Json("5");
        Assert.Equal(a, Json("5"));
        Assert.NotEqual(a, Json("6"));
    }

    [Fact]
    public void Conditional_coverage_by_class_and_confidence_decile_matches_a_recount()
    {
        // Continuous logits: with tied rows many test scores would equal the threshold exactly, and a last-ulp difference between
        // the recount's KL and the product's would flip them together.
        var (cloud, edge, _) = Setup(2000, false, "cdci");
        var report = Evaluate(["cdci.json"]);
        double gamma = report.GetProperty("threshold").GetDouble();
        int n = edge.Length / K;
        var covered = new bool[n];
        var predicted = new int[n];
        var confidence = new double[n];
        for (int i = 0; i < n; i++)
        {
            double kl = 0;
            for (int j = 0; j < K; j++)
            {
                double q = cloud[(i * K) + j];
                kl += q > 0 ? q * Math.Log(q / edge[(i * K) + j]) : 0;
            }

            covered[i] = kl <= gamma;
            var row = edge.AsSpan(i * K, K);
            confidence[i] = row.ToArray().Max();
            predicted[i] = row.IndexOf(confidence[i]);
        }

        var cc = report.GetProperty("conditionalCoverage");
        var byClass = cc.GetProperty("byClass").EnumerateArray().ToList();
        Assert.Equal(K, byClass.Count);
        for (int c = 0; c < K; c++)
        {
            var members = Enumerable.Range(0, n).Where(i => predicted[i] == c).ToList();
            Assert.Equal(members.Count, byClass[c].GetProperty("rows").GetInt64());
            if (members.Count > 0)
            {
                // Ties in KL at the threshold could flip a row: allow one row of difference.
                Assert.Equal(members.Count(i => covered[i]) / (double)members.Count, byClass[c].GetProperty("coverage").GetDouble(), 1.0 / members.Count + 1e-12);
            }
        }

        var order = TopLabelReference.Sorted(confidence);
        var byConfidence = cc.GetProperty("byConfidence").EnumerateArray().ToList();
        Assert.Equal(10, byConfidence.Count);
        double worst = double.PositiveInfinity;
        for (int b = 0; b < 10; b++)
        {
            var members = order[(b * n / 10)..((b + 1) * n / 10)];
            Assert.Equal(members.Length, byConfidence[b].GetProperty("rows").GetInt64());
            Assert.Equal(confidence[members[0]], byConfidence[b].GetProperty("lower").GetDouble());
            Assert.Equal(confidence[members[^1]], byConfidence[b].GetProperty("upper").GetDouble());
            Assert.Equal(members.Count(i => covered[i]) / (double)members.Length, byConfidence[b].GetProperty("coverage").GetDouble(), 1.0 / members.Length + 1e-12);
            worst = Math.Min(worst, byConfidence[b].GetProperty("coverage").GetDouble());
        }

        worst = Math.Min(worst, byClass.Where(x => x.GetProperty("rows").GetInt64() > 0).Min(x => x.GetProperty("coverage").GetDouble()));
        Assert.Equal(worst, cc.GetProperty("worst").GetProperty("coverage").GetDouble());
    }

    [Fact]
    public void Point_calibrations_have_no_conditional_coverage_and_comparisons_need_the_bootstrap()
    {
        Setup(300, "distilled-ts", "cdci");
        var single = Evaluate(["distilled-ts.json"]);
        Assert.Equal(JsonValueKind.Null, single.GetProperty("conditionalCoverage").ValueKind);
        var two = Evaluate(["distilled-ts.json", "cdci.json"]);
        Assert.False(two.TryGetProperty("comparisons", out _));
        var boot = Evaluate(["distilled-ts.json", "cdci.json"], "--bootstrap", "100");
        var baselines = boot.GetProperty("comparisons").EnumerateArray().Select(c => c.GetProperty("baseline").GetString()).Distinct().ToList();
        Assert.Equal([_dir["distilled-ts.json"] + ":tempered"], baselines);
        Assert.Equal(3 * 6, boot.GetProperty("comparisons").GetArrayLength());
    }

    [Fact]
    public void Figures_are_written_with_bands_and_bad_options_are_usage_errors()
    {
        Setup(400, "cdci");
        Evaluate(["cdci.json"], "--bootstrap", "100", "--figures", _dir["figs"]);
        string[] expected = ["reliability-edge.png", "reliability-cloud.png", "reliability-cdci-intersection.png", "reliability-cdci-maxent.png", "reliability-cdci-centroid.png"];
        Assert.Equal(expected.Order(), Directory.GetFiles(_dir["figs"]).Select(Path.GetFileName).Order());
        foreach (string file in expected)
        {
            var bytes = File.ReadAllBytes(Path.Combine(_dir["figs"], file));
            Assert.True(bytes.Length > 1000 && bytes[1] == (byte)'P' && bytes[2] == (byte)'N' && bytes[3] == (byte)'G', file);
        }

        string[] common = ["evaluate", "--calibration", _dir["cdci.json"], "--edge", _dir["edge.npy"], "--cloud", _dir["cloud.npy"], "--labels", _dir["labels.npy"]];
        var few = CliRun.Invoke([.. common, "--bootstrap", "50"]);
        Assert.Equal(ExitCodes.Usage, few.ExitCode);
        Assert.Contains("--bootstrap must be at least 100", few.Stderr + few.Stdout, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, CliRun.Invoke([.. common, "--figures", " "]).ExitCode);

        // The command library composed without a figure writer (as the .NET tool is) refuses --figures before reading
        // anything, writes nothing, and names the reason; the same composition leaves out the repository's commands.
        var bare = new CliComposition { FiguresAbsent = "no plotting here", AbsentCommands = new Dictionary<string, string> { ["demo"] = "no demo here" } };
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        Assert.Equal(ExitCodes.Usage, CredalApp.Run([.. common, "--figures", _dir["figs2"]], stdout, stderr, bare));
        Assert.Contains("--figures: no plotting here", stderr.ToString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(_dir["figs2"]));
        Assert.Equal(ExitCodes.Success, CredalApp.Run(common, stdout, stderr, bare));
        Assert.Equal(ExitCodes.Usage, CredalApp.Run(["demo"], stdout, stderr, bare));
        Assert.Contains("no demo here", stderr.ToString(), StringComparison.Ordinal);
        using var help = new StringWriter();
        CredalApp.Run(["--help"], help, stderr, bare);
        Assert.DoesNotMatch(@"(?m)^\s+(demo|experiment|bench)\s", help.ToString());
        Assert.Matches(@"(?m)^\s+export\s", help.ToString());
    }
}
