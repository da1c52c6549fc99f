using CredalDistill.Calibration;
using CredalDistill.Conformal;
using CredalDistill.Credal;
using CredalDistill.Divergences;
using CredalDistill.Experiments.Data;
using CredalDistill.IO;
using CredalDistill.Metrics;

namespace CredalDistill.Experiments.Tests;

public sealed class ExperimentRunnerTests
{
    private static readonly ExperimentOptions Small = new()
    {
        Splits = 3,
        CalibrationSize = 300,
        LabeledSize = 200,
        Epsilons = [0.1, 0.3],
        Divergences = ["kl", "tv", "alpha:0.9"],
        QuantizedBits = [],
        HeavySplits = 1,
        HeavyTestRows = 120,
        MonteCarloTestRows = 40,
        CentroidSamples = 60,
        Seed = 99,
    };

    [Fact]
    public void Every_method_is_evaluated_on_the_test_set_of_its_split_plan()
    {
        var task = SyntheticTask.Create(FashionMnistTask.Fmnist3, 1000, seed: 1);
        var runner = new ExperimentRunner(Small);
        var records = runner.Run(task);
        int testSize = 1000 - 300 - 200;

        for (int split = 0; split < Small.Splits; split++)
        {
            var plan = runner.Plan(task, split);
            var labels = plan.Test.Select(i => task.Labels[i]).ToArray();
            var edge = records.Single(r => r.Split == split && r.Method == MethodKey.Edge);
            Assert.Equal(Accuracy.Compute(task.Edge.Select(plan.Test), labels), edge.Values["accuracy"], 12);
            Assert.Equal(ExpectedCalibrationError.Compute(task.Cloud.Select(plan.Test), labels), records.Single(r => r.Split == split && r.Method == MethodKey.Cloud).Values["ece"], 12);
            foreach (var r in records.Where(r => r.Split == split && r.Values.ContainsKey("test-inputs")))
            {
                bool heavy = r.Method.Output == CalibratedOutput.Centroid
                    || r.Method == MethodKey.EdgePrefix(120)
                    || (r.Method.Output == CalibratedOutput.MaximumEntropy && r.Method.Divergence!.Contains("alpha", StringComparison.Ordinal));
                Assert.Equal(heavy ? Small.HeavyTestRows : testSize, r.Values["test-inputs"]);
            }
        }

        // The raw edge on the same prefix is the reference for the rows on fewer inputs.
        var prefix = records.Single(r => r.Method == MethodKey.EdgePrefix(120));
        var plan0 = runner.Plan(task, 0);
        var first = plan0.Test[..120];
        Assert.Equal(ExpectedCalibrationError.Compute(task.Edge.Select(first), first.Select(i => task.Labels[i]).ToArray()), prefix.Values["ece"], 12);

        // The expensive extractions run on the first HeavySplits splits only; the cheap ones on all.
        Assert.Equal(1, records.Count(r => r.Method == MethodKey.Cdci("alpha:0.9", 0.1, CalibratedOutput.Centroid)));
        Assert.Equal(Small.Splits, records.Count(r => r.Method == MethodKey.Cdci("alpha:0.9", 0.1, CalibratedOutput.Intersection)));
        Assert.Equal(Small.Splits, records.Count(r => r.Method == MethodKey.Cdci("kl", 0.1, CalibratedOutput.MaximumEntropy)));
    }

    [Fact]
    public void Conformal_coverage_and_set_metrics_are_in_range_and_smaller_eps_gives_larger_sets()
    {
        var task = SyntheticTask.Create(FashionMnistTask.Fmnist3, 1000, seed: 2);
        var records = new ExperimentRunner(Small).Run(task);
        foreach (string div in Small.Divergences)
        {
            double Mean(double eps, string metric) => records.Where(r => r.Method == MethodKey.Cdci(div, eps, CalibratedOutput.Intersection) && r.Values.ContainsKey(metric)).Average(r => r.Values[metric]);
            Assert.InRange(Mean(0.1, "coverage"), 0.75, 1.0);
            Assert.InRange(Mean(0.3, "coverage"), 0.5, 0.9);
            Assert.True(Mean(0.1, "set-size") >= Mean(0.3, "set-size"), div);
            Assert.True(Mean(0.1, "inefficiency") >= Mean(0.3, "inefficiency"), div);
        }
    }

    [Fact]
    public void Ten_class_centroids_use_the_Monte_Carlo_prefix_for_every_divergence()
    {
        var task = SyntheticTask.Create(FashionMnistTask.Fmnist10, 900, seed: 3);
        var options = Small with { Splits = 1, Epsilons = [0.2] };
        var runner = new ExperimentRunner(options);
        var records = runner.Run(task);
        var plan = runner.Plan(task, 0);
        int[] prefix = plan.Test[..options.MonteCarloTestRows];
        int[] labels = [.. prefix.Select(i => task.Labels[i])];
        foreach (string div in options.Divergences)
        {
            var centroid = records.Single(r => r.Method == MethodKey.Cdci(div, 0.2, CalibratedOutput.Centroid));
            Assert.Equal(options.MonteCarloTestRows, records.Single(r => r.Method == MethodKey.EdgePrefix(options.MonteCarloTestRows)).Values["test-inputs"]);
            Assert.Equal(options.MonteCarloTestRows, centroid.Values["test-inputs"]);

            // The same centroids rebuilt here: threshold on the split's calibration rows, seeded Monte Carlo as documented.
            var divergence = Divergence.Parse(div);
            var threshold = SplitConformal.Calibrate(task.Cloud.Select(plan.Calibration), task.Edge.Select(plan.Calibration), 0.2, divergence);
            var predictor = new CredalPredictor(threshold, new CredalPredictorOptions { MaxDegreeOfParallelism = 1, MonteCarlo = new MonteCarloOptions { Samples = options.CentroidSamples, BurnIn = 100, Seed = options.Seed } });
            var centroids = predictor.Predict(task.Edge.Select(prefix), CalibratedOutput.Centroid);
            Assert.Equal(Accuracy.Compute(centroids, labels), centroid.Values["accuracy"], 12);
        }
    }
}
