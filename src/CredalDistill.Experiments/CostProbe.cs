using CredalDistill.IO;
using CredalDistill.Calibration;
using System.Diagnostics;
using CredalDistill.Baselines;
using CredalDistill.Conformal;
using CredalDistill.Credal;
using CredalDistill.Divergences;

namespace CredalDistill.Experiments;

/// <summary>
/// Measured extra run-time cost per input on the edge of each method (single thread, wall clock, microseconds per input,
/// median of 5 passes over up to 500 test inputs of split 0). The edge model's own latency is reported separately.
/// </summary>
public static class CostProbe
{
    /// <summary>The cost-table key of the edge model's own latency (not a method).</summary>
    public const string EdgeModel = "edge-model";

    /// <summary>Returns the <see cref="MethodKey.Id"/> of each measured <see cref="MethodKey.CostFamily"/> (and <see cref="EdgeModel"/>) to microseconds per input.</summary>
    public static Dictionary<string, double> Measure(TaskOutputs task, ExperimentRunner runner, ExperimentOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(options);
        var plan = runner.Plan(task, 0);
        int k = task.Classes;
        int rows = Math.Min(500, plan.Test.Length);
        var idx = plan.Test[..rows];
        var edge = task.Edge.Select(idx);
        var logits = ExperimentRunner.Rows(task.EdgeLogits, k, idx);
        int d = task.LastLayer.Features;
        var features = ExperimentRunner.Rows(task.EdgeFeatures, d, idx);

        var costs = new Dictionary<string, double>
        {
            [MethodKey.Edge.Id] = 0.0,
            [MethodKey.Cloud.Id] = task.CloudMicroseconds,
            [EdgeModel] = task.EdgeMicroseconds,
        };
        var probs = new double[k];
        var ts = FittedCalibrator.FromArtifact(new CalibrationArtifact { Method = "distilled-ts", Output = CalibratedOutput.Calibrated, Classes = k, N = 1, Map = CalibrationMap.FromTemperature(1.5, k, MapObjective.DistilledKullbackLeibler, 1) });
        double Time(int n, Action<int> body) => CostProbe.Time(n, body, cancellationToken);
        costs[MethodKey.DistilledTs.CostFamily.Id] = Time(rows, i => ts.Calibrate(EdgeRow.FromLogits(logits.AsSpan(i * k, k)), probs));
        var labels = task.Labels[..Math.Min(1000, task.Count)];
        var laplaceFeatures = task.EdgeFeatures.AsSpan(0, labels.Length * d).ToArray();
        foreach (var kind in new[] { LastLayerLaplaceKind.Diagonal, LastLayerLaplaceKind.KroneckerFactored, LastLayerLaplaceKind.Full })
        {
            var laplace = LastLayerLaplace.FitWithPriorPrecision(kind, laplaceFeatures, d, task.LastLayer.Weight, task.LastLayer.Bias, 1.0);
            costs[MethodKey.LastLayerLaplace(kind).CostFamily.Id] = Time(rows, i => laplace.Predict(features.AsSpan(i * d, d), probs));
        }

        var cal = plan.Calibration;
        foreach (string name in options.Divergences)
        {
            var divergence = Divergence.Parse(name);
            var threshold = SplitConformal.Calibrate(task.Cloud.Select(cal), task.Edge.Select(cal), 0.1, divergence);
            var predictor = new CredalPredictor(threshold, new CredalPredictorOptions { MaxDegreeOfParallelism = 1, MonteCarlo = new MonteCarloOptions { Samples = options.CentroidSamples, BurnIn = 100, Seed = 1 } });
            string Family(CalibratedOutput output) => MethodKey.Cdci(name, 0.1, output).CostFamily.Id;
            costs[Family(CalibratedOutput.Intersection)] = Time(rows, i => predictor.Predict(edge.AsEdgeRow(i), CalibratedOutput.Intersection, probs));
            int heavyRows = divergence is KullbackLeibler or TotalVariation ? rows : Math.Min(rows, 100);
            costs[Family(CalibratedOutput.MaximumEntropy)] = Time(heavyRows, i => predictor.Predict(edge.AsEdgeRow(i), CalibratedOutput.MaximumEntropy, probs));
            costs[Family(CalibratedOutput.Centroid)] = Time(Math.Min(rows, k == 3 ? 200 : 20), i => predictor.Predict(edge.AsEdgeRow(i), CalibratedOutput.Centroid, probs, i));
        }

        return costs;
    }

    private static double Time(int rows, Action<int> body, CancellationToken cancellationToken)
    {
        for (int i = 0; i < Math.Min(rows, 20); i++)
        {
            body(i);
        }

        var passes = new double[5];
        for (int pass = 0; pass < passes.Length; pass++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < rows; i++)
            {
                body(i);
            }

            passes[pass] = Stopwatch.GetElapsedTime(start).TotalMicroseconds / rows;
        }

        Array.Sort(passes);
        return passes[passes.Length / 2];
    }
}
