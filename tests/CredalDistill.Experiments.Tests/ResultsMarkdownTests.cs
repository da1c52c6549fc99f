using CredalDistill.Calibration;
namespace CredalDistill.Experiments.Tests;

public sealed class ResultsMarkdownTests
{
    private static readonly ExperimentOptions Options = new() { Splits = 2, Divergences = ["kl", "chi2"], Epsilons = [0.1, 0.2] };

    private static MethodSummary Method(MethodKey id, double ece, double accuracy, int splits, int inputs, double? confidence = null)
    {
        var records = Enumerable.Range(0, splits).Select(s =>
        {
            var r = new MethodRecord { Method = id, Split = s };
            r.Values["ece"] = ece;
            r.Values["accuracy"] = accuracy;
            r.Values["nll"] = 0.3;
            r.Values["brier"] = 0.2;
            r.Values["confidence"] = confidence ?? accuracy + ece;
            r.Values["test-inputs"] = inputs;
            if (id.Output == CalibratedOutput.Intersection)
            {
                r.Values["coverage"] = 0.9;
                r.Values["gamma"] = 0.125;
                r.Values["set-size"] = 1.2;
                r.Values["set-coverage"] = 0.95;
            }

            return r;
        });
        return MethodSummary.From(id, records);
    }

    private static TaskResult Task(params MethodSummary[] methods) => Task(new Dictionary<string, double> { ["edge-model"] = 10.0, ["cloud"] = 100.0 }, methods);

    private static TaskResult Task(Dictionary<string, double> costs, params MethodSummary[] methods) => new()
    {
        Task = "fmnist10",
        Classes = 10,
        Inputs = 10000,
        TestInputs = 8000,
        Methods = methods.ToDictionary(m => m.Method),
        CostMicroseconds = costs,
    };

    [Fact]
    public void Best_in_hindsight_and_the_loser_list_only_use_settings_evaluated_on_every_split_and_test_input()
    {
        var task = Task(
            Method(MethodKey.Edge, 0.030, 0.90, 2, 8000),
            Method(MethodKey.DistilledTs, 0.020, 0.90, 2, 8000),
            Method(MethodKey.Cdci("kl", 0.1, CalibratedOutput.Intersection), 0.080, 0.90, 2, 8000),
            Method(MethodKey.Cdci("chi2", 0.2, CalibratedOutput.Intersection), 0.015, 0.90, 2, 8000),
            Method(MethodKey.Cdci("kl", 0.2, CalibratedOutput.Intersection), 0.025, 0.90, 2, 8000),
            // Lowest ECE, but on a 200-input prefix: must not be called the best over the whole test set.
            Method(MethodKey.Cdci("kl", 0.2, CalibratedOutput.Centroid), 0.005, 0.91, 2, 200),
            Method(MethodKey.EdgePrefix(200), 0.045, 0.90, 2, 200),
            // Worse than the edge, but only on one split: must not be in the loser count.
            Method(MethodKey.Cdci("kl", 0.1, CalibratedOutput.MaximumEntropy), 0.200, 0.90, 1, 8000));
        string md = ResultsMarkdown.Render(Options, [task], "credal experiment", TimeSpan.FromMinutes(1));

        Assert.Contains("CD-CI chi2, eps 0.2, IP — best CD-CI in hindsight (all splits and test inputs)", md);
        Assert.Contains("CD-CI kl, eps 0.2, centroid — best CD-CI in hindsight (evaluated on fewer splits or inputs)", md);
        Assert.Contains("Where CD-CI loses: 1 of the 3 CD-CI settings evaluated on all splits and test inputs", md);
        Assert.Contains("has lower ECE than Edge + distilled TS (no labels): 1.50 vs 2.00 %", md);
        Assert.Contains("| kl | 0.2 | centroid | 2 | 200 |", md);
        Assert.Contains("Reference for the rows with 200 inputs: the raw edge on the same first 200 test inputs of each split has accuracy 90.00 ± 0.00 % and ECE 4.50 ± 0.00 % (whole test set: ECE 3.00 ± 0.00 %)", md);
    }

    [Fact]
    public void The_machine_line_names_the_given_machine_and_the_default_is_this_machine()
    {
        string md = ResultsMarkdown.Render(Options, [Task(Method(MethodKey.Edge, 0.03, 0.9, 2, 8000))], "credal experiment", TimeSpan.FromMinutes(2.5), machine: "3 logical cores, Test CPU (X64), TestOS 1.0");
        Assert.Contains("(seed 20250110, 2 splits; run time 2.5 min on 3 logical cores, Test CPU (X64), TestOS 1.0).", md);
        Assert.DoesNotContain("2-core", md);

        string here = MachineDescription.Current();
        Assert.StartsWith($"{Environment.ProcessorCount} logical core", here);
        Assert.Contains(System.Runtime.InteropServices.RuntimeInformation.OSDescription.Trim(), here);
        Assert.Equal("1 logical core, X64, Linux", MachineDescription.Describe(1, null, "X64", "Linux"));
    }

    [Fact]
    public void The_monte_carlo_centroid_cost_comes_from_the_measured_costs()
    {
        var costs = new Dictionary<string, double> { ["edge-model"] = 10.0, ["cloud"] = 100.0, ["cdci/kl/centroid"] = 1234.0, ["cdci/chi2/centroid"] = 15678.0, ["cdci/kl/intersection"] = 3.0 };
        string md = ResultsMarkdown.Render(Options, [Task(costs, Method(MethodKey.Edge, 0.03, 0.9, 2, 8000))], "c", TimeSpan.FromMinutes(1), machine: "m");
        Assert.Contains($"seeded hit-and-run with {Options.CentroidSamples} samples per input, 1.2-16 ms each by divergence as measured in this run) use", md);
        Assert.DoesNotContain("1-15 ms", md);

        string unmeasured = ResultsMarkdown.Render(Options, [Task(Method(MethodKey.Edge, 0.03, 0.9, 2, 8000))], "c", TimeSpan.FromMinutes(1), machine: "m");
        Assert.Contains($"seeded hit-and-run with {Options.CentroidSamples} samples per input) use", unmeasured);
    }

    [Fact]
    public void The_why_bullet_is_built_from_the_gaps_the_threshold_and_the_eps_sweep()
    {
        // Edge over-confident by 5 points; the paper default overshoots to 4 points under-confident; eps 0.2 has the lowest ECE.
        var overshoot = Task(
            Method(MethodKey.Edge, 0.05, 0.90, 2, 8000, confidence: 0.95),
            Method(MethodKey.Cdci("kl", 0.1, CalibratedOutput.Intersection), 0.06, 0.89, 2, 8000, confidence: 0.85),
            Method(MethodKey.Cdci("kl", 0.2, CalibratedOutput.Intersection), 0.02, 0.90, 2, 8000, confidence: 0.91));
        string md = ResultsMarkdown.Render(Options, [overshoot], "c", TimeSpan.FromMinutes(1), machine: "m");
        Assert.Contains("* Why: the raw edge's mean confidence is 95.00 % at 90.00 % accuracy (over-confident by 5.00 points); the paper default's is 85.00 % at 89.00 % (under-confident by 4.00 points). CD-CI moved the mean confidence down by 10.00 points (threshold gamma 0.1250 ± 0.0000 nats), past the accuracy: it overshoots (METHOD.md's 'known behaviour'", md);
        Assert.Contains("ECE by eps (KL, IP): 0.1: 6.00 %, 0.2: 2.00 %; lowest at eps 0.2 (a smaller ball than the paper default's).", md);

        // Edge over-confident by 5 points; the paper default keeps 1 point of it: the gap narrowed, the paper default is best.
        var narrowed = Task(
            Method(MethodKey.Edge, 0.05, 0.90, 2, 8000, confidence: 0.95),
            Method(MethodKey.Cdci("kl", 0.1, CalibratedOutput.Intersection), 0.01, 0.90, 2, 8000, confidence: 0.91),
            Method(MethodKey.Cdci("kl", 0.2, CalibratedOutput.Intersection), 0.03, 0.90, 2, 8000, confidence: 0.93));
        md = ResultsMarkdown.Render(Options, [narrowed], "c", TimeSpan.FromMinutes(1), machine: "m");
        Assert.Contains("CD-CI moved the mean confidence down by 4.00 points (threshold gamma 0.1250 ± 0.0000 nats), which narrowed the gap.", md);
        Assert.Contains("lowest at eps 0.1 (the paper default).", md);
        Assert.DoesNotContain("known behaviour", md);
    }
}
