using CredalDistill.Calibration;
using CredalDistill.Baselines;
using CredalDistill.Conformal;
using CredalDistill.Credal;
using CredalDistill.Divergences;
using CredalDistill.Metrics;
using CredalDistill.Reporting;

namespace CredalDistill.Experiments;

/// <summary>
/// The figures of docs/figures: reliability diagrams with confidence histograms per method (the first split, each bin's
/// accuracy with its 95% bootstrap interval over the split's test inputs), simplex plots of credal sets (K = 3 tasks: FMNIST-3), ECE /
/// accuracy / coverage versus eps, and the quantization sweep.
/// </summary>
public static class ExperimentFigures
{
    /// <summary>Resamples behind the reliability diagrams' per-bin accuracy intervals.</summary>
    public const int ReliabilityBandReplicates = 1000;

    /// <summary>Writes the figures of one task into <paramref name="directory"/> (the eps and quantization sweeps only when <paramref name="sweeps"/>) and returns the file names.</summary>
    public static List<string> Write(TaskOutputs task, TaskResult result, ExperimentRunner runner, ExperimentOptions options, string directory, bool sweeps = true, CancellationToken cancellationToken = default)
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
        string split = SplitName(options);

        string divergenceName = options.Divergences[0];
        var divergence = Divergence.Parse(divergenceName);
        double eps = options.Epsilons.Contains(0.1) ? 0.1 : options.Epsilons[0];
        MethodKey[] keys =
        [
            MethodKey.Edge, MethodKey.CloudTs(MapObjective.ExpectedCalibrationError), MethodKey.EdgeTs(MapObjective.ExpectedCalibrationError),
            MethodKey.DistilledTs, MethodKey.LastLayerLaplace(LastLayerLaplaceKind.Diagonal),
            MethodKey.Cdci(divergenceName, eps, CalibratedOutput.Intersection), MethodKey.Cdci(divergenceName, eps, CalibratedOutput.MaximumEntropy),
        ];
        var outputs = keys.Where(runner.SplitZeroOutputs.ContainsKey).Select(key => (Key: key, Output: runner.SplitZeroOutputs[key])).ToList();
        foreach (var (key, output) in outputs)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string file = $"reliability-{name}-{key.Id.Replace('/', '-')}.png";
            var rowLabels = labels[..output.Rows];
            double ece = ExpectedCalibrationError.Compute(output, rowLabels);
            var bands = ReliabilityFigure.Bands(output, rowLabels, ReliabilityBandReplicates, options.Seed);
            ReliabilityFigure.Save(Path.Combine(directory, file), $"{name}: {key.Display}\nECE {100 * ece:F1}% on {rowLabels.Length} test inputs, {split}", ReliabilityDiagram.Compute(output, rowLabels), bands);
            files.Add(file);
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (k == 3)
        {
            var threshold = SplitConformal.Calibrate(task.Cloud.Select(plan.Calibration), task.Edge.Select(plan.Calibration), eps, divergence);
            files.Add(Simplex(task, plan, threshold, new CredalPredictor(threshold), directory, split));
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (sweeps)
        {
            files.AddRange(EpsilonSweeps(result, options, name, directory));
            files.Add(Quantization(result, name, directory));
        }

        return files;
    }

    /// <summary>The split the figures show, as the user chose it: the seed, and which of the run's splits.</summary>
    public static string SplitName(ExperimentOptions options)
        => options.Splits == 1 ? $"seed {options.Seed}" : $"seed {options.Seed}, first of {options.Splits} splits";

    private static string Simplex(TaskOutputs task, SplitPlan plan, ConformalThreshold threshold, CredalPredictor predictor, string directory, string split)
    {
        // Four test inputs: the most confident edge output, the largest edge/cloud disagreement inside the set,
        // and two at the 25th and 50th percentile of the score.
        var test = plan.Test;
        var scores = test.Select(i => threshold.Divergence.Compute(task.Cloud[i], task.Edge[i])).ToArray();
        var order = Enumerable.Range(0, test.Length).OrderBy(j => scores[j]).ToArray();
        int confident = Enumerable.Range(0, test.Length).OrderByDescending(j => task.Edge[test[j]].ToArray().Max()).First();
        int[] picks = [confident, order[order.Length / 4], order[order.Length / 2], order.Where(j => scores[j] <= threshold.Gamma).Last()];
        var inputs = picks.Distinct().Select(j =>
        {
            var p = task.Edge[test[j]].ToArray();
            var ip = new double[3];
            predictor.Predict(p, CalibratedOutput.Intersection, ip);
            return new SimplexInput(p, task.Cloud[test[j]].ToArray(), ip);
        }).ToList();
        string file = $"simplex-{task.Task.Name}-{threshold.Divergence.Name.Replace(':', '-')}.png";
        SimplexFigure.Save(Path.Combine(directory, file), $"{task.Task.DisplayName}: {threshold.Divergence.Name} credal sets of {inputs.Count} test inputs\neps = {threshold.Epsilon}, gamma = {threshold.Gamma:F3} nats ({threshold.N} calibration inputs, {split})", task.Task.ClassNames, threshold.Divergence, threshold.Gamma, inputs);
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
                    var s = result[MethodKey.Cdci(div, eps[i], CalibratedOutput.Intersection)];
                    y[i] = s is not null && s.Metrics.TryGetValue(metric, out var m) ? scale * m.Mean : double.NaN;
                    err[i] = s is not null && s.Metrics.TryGetValue(metric, out var m2) ? scale * m2.Std : 0.0;
                }

                series.Add(new Series($"CD-CI {div} (IP)", y, err));
            }

            if (metric == "coverage")
            {
                series.Add(new Series("target 1 - eps", [.. eps.Select(e => 1 - e)]));
            }
            else if (result[MethodKey.Edge] is { } edge)
            {
                series.Add(new Series("edge as is", [.. eps.Select(_ => scale * edge.Mean(metric))]));
                if (result[MethodKey.DistilledTs] is { } dts)
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
        var bits = result.Methods.Keys.Where(m => m.Kind == MethodKind.Edge && m.Bits is not null).Select(m => m.Bits!.Value).Order().ToList();
        double[] x = [.. bits.Select(b => (double)b), 32.0];
        // Each bit width, then the float edge (bits null) at x = 32.
        double[] Get(Func<int?, MethodKey> key, string metric) => [.. bits.Select(b => (int?)b).Append(null).Select(b => 100 * (result[key(b)]?.Mean(metric) ?? double.NaN))];
        MethodKey Raw(int? b) => b is int q ? MethodKey.QuantizedEdge(q) : MethodKey.Edge;
        var series = new List<Series>
        {
            new("ECE, edge as is", Get(Raw, "ece")),
            new($"ECE, + {ExperimentRunner.QuantizedCdci(null).Display}", Get(ExperimentRunner.QuantizedCdci, "ece")),
            new("error rate, edge as is", [.. Get(Raw, "accuracy").Select(a => 100 - a)]),
        };
        string file = $"quantization-{name}.png";
        LineFigure.Save(Path.Combine(directory, file), $"{name}: quantized edges (32 = float)", "weight bits", "percent", x, series);
        return file;
    }
}
