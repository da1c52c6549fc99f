using CredalDistill.Baselines;
using CredalDistill.Conformal;
using CredalDistill.Credal;
using CredalDistill.Divergences;
using CredalDistill.Metrics;
using CredalDistill.Reporting;

namespace CredalDistill.Experiments;

/// <summary>
/// The figures of docs/figures: reliability diagrams with confidence histograms per method (split 0), simplex plots of
/// credal sets (FMNIST-3), ECE / accuracy / coverage versus eps, and the quantization sweep.
/// </summary>
public static class ExperimentFigures
{
    /// <summary>Writes the figures of one task into <paramref name="directory"/> (the eps and quantization sweeps only when <paramref name="sweeps"/>) and returns the file names.</summary>
    public static List<string> Write(TaskOutputs task, TaskResult result, ExperimentRunner runner, ExperimentOptions options, string directory, bool sweeps = true)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(options);
        Directory.CreateDirectory(directory);
        var files = new List<string>();
        string name = task.Task.Name;
        var plan = runner.Plan(task, 0);
        int k = task.Classes;
        var labels = plan.Test.Select(i => task.Labels[i]).ToArray();
        var labeled = plan.Labeled.Select(i => task.Labels[i]).ToArray();
        var edgeTest = task.Edge.Select(plan.Test);
        var cloudCal = task.Cloud.Select(plan.Calibration);
        var edgeCal = task.Edge.Select(plan.Calibration);
        double[] Rows(double[] data, int width, int[] idx) => idx.SelectMany(i => data.AsSpan(i * width, width).ToArray()).ToArray();

        var outputs = new List<(string Id, ProbabilityMatrix Output)>
        {
            ("edge", edgeTest),
            ("cloud-ts-ece", TemperatureScaling.FitEce(Rows(task.CloudLogits, k, plan.Labeled), k, labeled).Apply(Rows(task.CloudLogits, k, plan.Test), k)),
            ("edge-ts-ece", TemperatureScaling.FitEce(Rows(task.EdgeLogits, k, plan.Labeled), k, labeled).Apply(Rows(task.EdgeLogits, k, plan.Test), k)),
            ("distilled-ts", DistilledTemperatureScaling.Fit(cloudCal, Rows(task.EdgeLogits, k, plan.Calibration), k).Apply(Rows(task.EdgeLogits, k, plan.Test), k)),
        };
        int d = task.LastLayer.Features;
        var laplace = LastLayerLaplace.Fit(LastLayerLaplaceKind.Diagonal, Rows(task.EdgeFeatures, d, plan.Labeled), d, task.LastLayer.Weight, task.LastLayer.Bias, labeled);
        outputs.Add(("laplace-diag", laplace.Predict(Rows(task.EdgeFeatures, d, plan.Test))));
        var threshold = ConformalCalibrator.Calibrate(cloudCal, edgeCal, 0.1, KullbackLeibler.Instance);
        var predictor = new CredalPredictor(threshold);
        outputs.Add(("cdci/kl/0.1/intersection", predictor.Predict(edgeTest, CredalOutput.Intersection)));
        outputs.Add(("cdci/kl/0.1/maxent", predictor.Predict(edgeTest, CredalOutput.MaximumEntropy)));
        foreach (var (id, output) in outputs)
        {
            string file = $"reliability-{name}-{id.Replace('/', '-')}.png";
            double ece = ExpectedCalibrationError.Compute(output, labels);
            ReliabilityFigure.Save(Path.Combine(directory, file), $"{name}: {MethodNames.Display(id)} (ECE {100 * ece:F1}%, split 0)", ReliabilityDiagram.Compute(output, labels));
            files.Add(file);
        }

        if (k == 3)
        {
            files.Add(Simplex(task, plan, threshold, predictor, directory));
        }

        if (sweeps)
        {
            files.AddRange(EpsilonSweeps(result, options, name, directory));
            files.Add(Quantization(result, name, directory));
        }

        return files;
    }

    private static string Simplex(TaskOutputs task, SplitPlan plan, ConformalThreshold threshold, CredalPredictor predictor, string directory)
    {
        // Four test inputs: the most confident edge output, the largest edge/cloud disagreement inside the set,
        // and two at the 25th and 50th percentile of the score.
        var test = plan.Test;
        var scores = test.Select(i => KullbackLeibler.Instance.Compute(task.Cloud[i], task.Edge[i])).ToArray();
        var order = Enumerable.Range(0, test.Length).OrderBy(j => scores[j]).ToArray();
        int confident = Enumerable.Range(0, test.Length).OrderByDescending(j => task.Edge[test[j]].ToArray().Max()).First();
        int[] picks = [confident, order[order.Length / 4], order[order.Length / 2], order.Where(j => scores[j] <= threshold.Gamma).Last()];
        var inputs = picks.Distinct().Select(j =>
        {
            var p = task.Edge[test[j]].ToArray();
            var ip = new double[3];
            predictor.Predict(p, CredalOutput.Intersection, ip);
            return new SimplexInput(p, task.Cloud[test[j]].ToArray(), ip);
        }).ToList();
        string file = "simplex-fmnist3-kl.png";
        SimplexFigure.Save(Path.Combine(directory, file), $"FMNIST-3: KL credal sets, eps = 0.1 (gamma = {threshold.Gamma:F3} nats)", task.Task.ClassNames, KullbackLeibler.Instance, threshold.Gamma, inputs);
        return file;
    }

    private static IEnumerable<string> EpsilonSweeps(TaskResult result, ExperimentOptions options, string name, string directory)
    {
        double[] eps = [.. options.Epsilons];
        foreach (var (metric, label, scale) in new[] { ("ece", "ECE (%)", 100.0), ("accuracy", "accuracy (%)", 100.0), ("coverage", "coverage D(cloud||edge) <= gamma", 1.0) })
        {
            var series = new List<Series>();
            foreach (string div in options.Divergences)
            {
                var y = new double[eps.Length];
                var err = new double[eps.Length];
                for (int i = 0; i < eps.Length; i++)
                {
                    var s = result[$"cdci/{div}/{ExperimentRunner.Format(eps[i])}/intersection"];
                    y[i] = s is not null && s.Metrics.TryGetValue(metric, out var m) ? scale * m.Mean : double.NaN;
                    err[i] = s is not null && s.Metrics.TryGetValue(metric, out var m2) ? scale * m2.Std : 0.0;
                }

                series.Add(new Series($"CD-CI {div} (IP)", y, err));
            }

            if (metric == "coverage")
            {
                series.Add(new Series("target 1 - eps", [.. eps.Select(e => 1 - e)]));
            }
            else if (result["edge"] is { } edge)
            {
                series.Add(new Series("edge as is", [.. eps.Select(_ => scale * edge.Mean(metric))]));
                if (result["distilled-ts"] is { } dts)
                {
                    series.Add(new Series("distilled TS", [.. eps.Select(_ => scale * dts.Mean(metric))]));
                }
            }

            string file = $"eps-{name}-{metric}.png";
            LineFigure.Save(Path.Combine(directory, file), $"{name}: {label} versus eps (mean ± std over splits)", "eps (miscoverage)", label, eps, series);
            yield return file;
        }
    }

    private static string Quantization(TaskResult result, string name, string directory)
    {
        var bits = result.Methods.Keys.Where(m => m.StartsWith('q') && m.EndsWith("/edge", StringComparison.Ordinal)).Select(m => int.Parse(m[1..m.IndexOf('/', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture)).OrderBy(b => b).ToList();
        double[] x = [.. bits.Select(b => (double)b), 32.0];
        double[] Get(Func<int, string> id, string fallback, string metric) => [.. bits.Select(b => 100 * (result[id(b)]?.Mean(metric) ?? double.NaN)), 100 * (result[fallback]?.Mean(metric) ?? double.NaN)];
        var series = new List<Series>
        {
            new("ECE, edge as is", Get(b => $"q{b}/edge", "edge", "ece")),
            new("ECE, + CD-CI (KL, eps 0.1, IP)", Get(b => $"q{b}/cdci/kl/0.1/intersection", "cdci/kl/0.1/intersection", "ece")),
            new("error rate, edge as is", [.. Get(b => $"q{b}/edge", "edge", "accuracy").Select(a => 100 - a)]),
        };
        string file = $"quantization-{name}.png";
        LineFigure.Save(Path.Combine(directory, file), $"{name}: quantized edges (32 = float)", "weight bits", "percent", x, series);
        return file;
    }
}
