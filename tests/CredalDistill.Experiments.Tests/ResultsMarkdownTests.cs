namespace CredalDistill.Experiments.Tests;

public sealed class ResultsMarkdownTests
{
    private static readonly ExperimentOptions Options = new() { Splits = 2, Divergences = ["kl", "chi2"], Epsilons = [0.1, 0.2] };

    private static MethodSummary Method(MethodKey id, double ece, double accuracy, int splits, int inputs)
    {
        var records = Enumerable.Range(0, splits).Select(s =>
        {
            var r = new MethodRecord { Method = id, Split = s };
            r.Values["ece"] = ece;
            r.Values["accuracy"] = accuracy;
            r.Values["nll"] = 0.3;
            r.Values["brier"] = 0.2;
            r.Values["confidence"] = accuracy + ece;
            r.Values["test-inputs"] = inputs;
            if (id.Output == MethodOutput.Intersection)
            {
                r.Values["coverage"] = 0.9;
                r.Values["set-size"] = 1.2;
                r.Values["set-coverage"] = 0.95;
            }

            return r;
        });
        return MethodSummary.From(id, records);
    }

    private static TaskResult Task(params MethodSummary[] methods) => new()
    {
        Task = "fmnist10",
        Classes = 10,
        Inputs = 10000,
        TestInputs = 8000,
        Methods = methods.ToDictionary(m => m.Method),
        CostMicroseconds = new Dictionary<string, double> { ["edge-model"] = 10.0, ["cloud"] = 100.0 },
    };

    [Fact]
    public void Best_in_hindsight_and_the_loser_list_only_use_settings_evaluated_on_every_split_and_test_input()
    {
        var task = Task(
            Method(MethodKey.Edge, 0.030, 0.90, 2, 8000),
            Method(MethodKey.DistilledTs, 0.020, 0.90, 2, 8000),
            Method(MethodKey.Cdci("kl", 0.1, MethodOutput.Intersection), 0.080, 0.90, 2, 8000),
            Method(MethodKey.Cdci("chi2", 0.2, MethodOutput.Intersection), 0.015, 0.90, 2, 8000),
            Method(MethodKey.Cdci("kl", 0.2, MethodOutput.Intersection), 0.025, 0.90, 2, 8000),
            // Lowest ECE, but on a 200-input prefix: must not be called the best over the whole test set.
            Method(MethodKey.Cdci("kl", 0.2, MethodOutput.Centroid), 0.005, 0.91, 2, 200),
            Method(MethodKey.EdgePrefix(200), 0.045, 0.90, 2, 200),
            // Worse than the edge, but only on one split: must not be in the loser count.
            Method(MethodKey.Cdci("kl", 0.1, MethodOutput.MaximumEntropy), 0.200, 0.90, 1, 8000));
        string md = ResultsMarkdown.Render(Options, [task], "credal experiment", TimeSpan.FromMinutes(1));

        Assert.Contains("CD-CI chi2, eps 0.2, IP — best CD-CI in hindsight (all splits and test inputs)", md);
        Assert.Contains("CD-CI kl, eps 0.2, centroid — best CD-CI in hindsight (evaluated on fewer splits or inputs)", md);
        Assert.Contains("Where CD-CI loses: 1 of the 3 CD-CI settings evaluated on all splits and test inputs", md);
        Assert.Contains("has lower ECE than Edge + distilled TS (no labels): 1.50 vs 2.00 %", md);
        Assert.Contains("| kl | 0.2 | centroid | 2 | 200 |", md);
        Assert.Contains("Reference for the rows with 200 inputs: the raw edge on the same first 200 test inputs of each split has accuracy 90.00 ± 0.00 % and ECE 4.50 ± 0.00 % (whole test set: ECE 3.00 ± 0.00 %)", md);
    }
}
