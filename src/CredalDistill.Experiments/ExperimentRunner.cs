using System.Collections.Concurrent;
using CredalDistill.Baselines;
using CredalDistill.Conformal;
using CredalDistill.Credal;
using CredalDistill.Divergences;
using CredalDistill.Metrics;

namespace CredalDistill.Experiments;

/// <summary>
/// Runs every method on every split of one task and returns per-split records. Methods are the library's documented
/// types (temperature scaling, distilled TS, last-layer Laplace, CD-CI); this class only wires data to them.
/// </summary>
public sealed class ExperimentRunner(ExperimentOptions options)
{
    private readonly ConcurrentDictionary<string, ProbabilityMatrix> _splitZero = new(StringComparer.Ordinal);

    /// <summary>The test-set outputs of every method on split 0 (for figures), filled by <see cref="Run"/>.</summary>
    public IReadOnlyDictionary<string, ProbabilityMatrix> SplitZeroOutputs => _splitZero;

    /// <summary>Runs all splits (in parallel) and returns the records, ordered by split then method.</summary>
    /// <param name="task">The task's model outputs.</param>
    /// <param name="splitDone">Called after each split.</param>
    /// <param name="cancellationToken">Checked between splits, between methods and every 64 rows of the slow credal outputs.</param>
    public List<MethodRecord> Run(TaskOutputs task, Action<int>? splitDone = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        _splitZero.Clear();
        var bag = new ConcurrentBag<MethodRecord>();
        try
        {
            Parallel.For(0, options.Splits, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken }, split =>
            {
                foreach (var record in RunSplit(task, split, cancellationToken))
                {
                    bag.Add(record);
                }

                splitDone?.Invoke(split);
            });
        }
        catch (AggregateException ex) when (cancellationToken.IsCancellationRequested && ex.InnerExceptions.All(e => e is OperationCanceledException))
        {
            throw new OperationCanceledException(cancellationToken);
        }

        return [.. bag.OrderBy(r => r.Split).ThenBy(r => r.Method, StringComparer.Ordinal)];
    }

    /// <summary>The split plan used for <paramref name="split"/> of a task.</summary>
    public SplitPlan Plan(TaskOutputs task, int split) =>
        SplitPlan.Create(task.Count, options.CalibrationSize, options.LabeledSize, options.Seed + (1000UL * (ulong)task.Classes), split);

    private List<MethodRecord> RunSplit(TaskOutputs task, int split, CancellationToken cancellationToken)
    {
        var plan = Plan(task, split);
        int k = task.Classes;
        var records = new List<MethodRecord>();
        var testLabels = Pick(task.Labels, plan.Test);
        var labeledLabels = Pick(task.Labels, plan.Labeled);
        var cloudTest = task.Cloud.Select(plan.Test);
        var cloudCal = task.Cloud.Select(plan.Calibration);
        var edgeTest = task.Edge.Select(plan.Test);
        var edgeCal = task.Edge.Select(plan.Calibration);

        void Add(string method, ProbabilityMatrix output, Action<MethodRecord>? extra = null, int[]? labelsOverride = null, ProbabilityMatrix? cloudOverride = null)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var record = new MethodRecord { Method = method, Split = split };
            var labels = labelsOverride ?? testLabels;
            var cloud = cloudOverride ?? cloudTest;
            PointMetrics(record, output, labels, cloud);
            extra?.Invoke(record);
            records.Add(record);
            if (split == 0)
            {
                _splitZero[method] = output;
            }
        }

        // Edge and cloud as they are; cloud temperature-scaled on the labeled set.
        Add("edge", edgeTest);
        Add("cloud", cloudTest);
        var cloudLogitsLab = Rows(task.CloudLogits, k, plan.Labeled);
        var cloudLogitsTest = Rows(task.CloudLogits, k, plan.Test);
        var cloudTsEce = TemperatureScaling.FitEce(cloudLogitsLab, k, labeledLabels);
        Add("cloud-ts-ece", cloudTsEce.Apply(cloudLogitsTest, k), r => r.Values["temperature"] = cloudTsEce.Temperature);
        var cloudTsNll = TemperatureScaling.FitNll(cloudLogitsLab, k, labeledLabels);
        Add("cloud-ts-nll", cloudTsNll.Apply(cloudLogitsTest, k), r => r.Values["temperature"] = cloudTsNll.Temperature);

        // Edge baselines.
        var edgeLogitsLab = Rows(task.EdgeLogits, k, plan.Labeled);
        var edgeLogitsCal = Rows(task.EdgeLogits, k, plan.Calibration);
        var edgeLogitsTest = Rows(task.EdgeLogits, k, plan.Test);
        var tsEce = TemperatureScaling.FitEce(edgeLogitsLab, k, labeledLabels);
        Add("edge-ts-ece", tsEce.Apply(edgeLogitsTest, k), r => r.Values["temperature"] = tsEce.Temperature);
        var tsNll = TemperatureScaling.FitNll(edgeLogitsLab, k, labeledLabels);
        Add("edge-ts-nll", tsNll.Apply(edgeLogitsTest, k), r => r.Values["temperature"] = tsNll.Temperature);
        var dts = DistilledTemperatureScaling.Fit(cloudCal, edgeLogitsCal, k);
        Add("distilled-ts", dts.Apply(edgeLogitsTest, k), r => r.Values["temperature"] = dts.Temperature);

        int d = task.LastLayer.Features;
        var featLab = Rows(task.EdgeFeatures, d, plan.Labeled);
        var featTest = Rows(task.EdgeFeatures, d, plan.Test);
        var weights = task.LastLayer.Weight.ToArray();
        var bias = task.LastLayer.Bias.ToArray();
        foreach (var (kind, name) in new[] { (LastLayerLaplaceKind.Diagonal, "laplace-diag"), (LastLayerLaplaceKind.KroneckerFactored, "laplace-kfac"), (LastLayerLaplaceKind.Full, "laplace-full") })
        {
            var laplace = LastLayerLaplace.Fit(kind, featLab, d, weights, bias, labeledLabels, cancellationToken);
            Add(name, laplace.Predict(featTest, cancellationToken), r => r.Values["prior-precision"] = laplace.PriorPrecision);
        }

        // CD-CI.
        bool heavy = split < options.HeavySplits;
        int heavyRows = Math.Min(options.HeavyTestRows, plan.Test.Length);
        var heavyIdx = Enumerable.Range(0, heavyRows).ToArray();
        var edgeHeavy = edgeTest.Select(heavyIdx);
        var heavyLabels = testLabels[..heavyRows];
        var cloudHeavy = cloudTest.Select(heavyIdx);
        // Monte Carlo centroids (K > 3) cost milliseconds per input: a smaller prefix of the test set.
        int mcRows = Math.Min(options.MonteCarloTestRows, plan.Test.Length);
        var mcIdx = Enumerable.Range(0, mcRows).ToArray();
        var edgeMc = edgeTest.Select(mcIdx);
        var cloudMc = cloudTest.Select(mcIdx);
        var mcLabels = testLabels[..mcRows];
        // The raw edge on the same prefixes: the reference for rows evaluated on fewer inputs (the 15-bin ECE is
        // biased upwards on small samples, so those rows are comparable with this, not with whole-test-set rows).
        if (heavy && heavyRows < plan.Test.Length)
        {
            Add($"edge/first-{heavyRows}", edgeHeavy, labelsOverride: heavyLabels, cloudOverride: cloudHeavy);
        }

        if (heavy && k > 3 && mcRows < plan.Test.Length && mcRows != heavyRows)
        {
            Add($"edge/first-{mcRows}", edgeMc, labelsOverride: mcLabels, cloudOverride: cloudMc);
        }

        foreach (string name in options.Divergences)
        {
            var divergence = Divergence.Parse(name);
            var scores = ConformalCalibrator.Scores(cloudCal, edgeCal, divergence);
            var testScores = ConformalCalibrator.Scores(cloudTest, edgeTest, divergence);
            foreach (double eps in options.Epsilons)
            {
                var threshold = ConformalCalibrator.Calibrate(scores, k, eps, divergence);
                var predictor = new CredalPredictor(threshold, new CredalPredictorOptions { MaxDegreeOfParallelism = 1, MonteCarlo = new MonteCarloOptions(options.CentroidSamples, 100, options.Seed + (ulong)split) });
                string prefix = $"cdci/{name}/{Format(eps)}";
                // Bounds once; the intersection probability and the interval-dominance sets both derive from them.
                var ipData = new double[edgeTest.Rows * k];
                var sets = new bool[edgeTest.Rows * k];
                var lower = new double[k];
                var upper = new double[k];
                for (int i = 0; i < edgeTest.Rows; i++)
                {
                    predictor.BoundsAndIntersection(edgeTest.AsEdgeRow(i), lower, upper, ipData.AsSpan(i * k, k));
                    LabelSets.IntervalDominance(lower, upper, sets.AsSpan(i * k, k));
                }

                var ip = ProbabilityMatrix.FromProbabilities(ipData, k, "intersection probability");
                Add($"{prefix}/intersection", ip, r =>
                {
                    r.Values["gamma"] = threshold.Gamma;
                    r.Values["coverage"] = Coverage.FromScores(testScores, threshold.Gamma);
                    SetMetrics(r, sets, testLabels, cloudTest, k, "set");
                    if (k == 3 && heavy)
                    {
                        r.Values["inefficiency"] = predictor.VolumeFractions(edgeHeavy).Average(e => e.Value);
                    }
                });

                bool cheapMaxEnt = divergence is KullbackLeibler or TotalVariation;
                if (cheapMaxEnt)
                {
                    Add($"{prefix}/maxent", Predict(predictor, edgeTest, CredalOutput.MaximumEntropy, cancellationToken));
                }
                else if (heavy)
                {
                    Add($"{prefix}/maxent", Predict(predictor, edgeHeavy, CredalOutput.MaximumEntropy, cancellationToken), labelsOverride: heavyLabels, cloudOverride: cloudHeavy);
                }

                if (heavy && k == 3)
                {
                    Add($"{prefix}/centroid", Predict(predictor, edgeHeavy, CredalOutput.Centroid, cancellationToken), labelsOverride: heavyLabels, cloudOverride: cloudHeavy);
                }
                else if (heavy)
                {
                    Add($"{prefix}/centroid", Predict(predictor, edgeMc, CredalOutput.Centroid, cancellationToken), labelsOverride: mcLabels, cloudOverride: cloudMc);
                }

                if (heavy && divergence is KullbackLeibler)
                {
                    var record = new MethodRecord { Method = $"{prefix}/maximality", Split = split };
                    SetMetrics(record, predictor.LabelSets(edgeHeavy, LabelSetRule.Maximality), heavyLabels, cloudHeavy, k, "set");
                    records.Add(record);
                }

            }
        }

        // Label-free choice of epsilon (cross-fitted cloud-referenced ECE on the calibration set), KL + intersection.
        var selection = EpsilonSelector.Select(cloudCal, edgeCal, KullbackLeibler.Instance, CredalOutput.Intersection, seed: options.Seed + (ulong)split, cancellationToken: cancellationToken);
        var autoPredictor = new CredalPredictor(selection.Threshold, new CredalPredictorOptions { MaxDegreeOfParallelism = 1 });
        Add("cdci-auto/kl/intersection", autoPredictor.Predict(edgeTest), r =>
        {
            r.Values["epsilon"] = selection.Epsilon;
            r.Values["gamma"] = selection.Threshold.Gamma;
        });

        // Label-free joint choice of divergence and epsilon (same folds for every pair), intersection probability.
        var joint = ConfigurationSelector.Select(cloudCal, edgeCal, seed: options.Seed + (ulong)split, cancellationToken: cancellationToken);
        Add("cdci-auto/joint/intersection", new CredalPredictor(joint.Threshold, new CredalPredictorOptions { MaxDegreeOfParallelism = 1 }).Predict(edgeTest), r =>
        {
            r.Values["epsilon"] = joint.Epsilon;
            r.Values["gamma"] = joint.Threshold.Gamma;
            foreach (var d in joint.Divergences)
            {
                r.Values[$"chose:{d.Name}"] = ReferenceEquals(d, joint.Divergence) ? 1.0 : 0.0;
            }
        });

        // Quantized edges: raw, and recalibrated by CD-CI (KL, eps = 0.1, intersection) from their own calibration scores.
        foreach (var (bits, (_, probabilities)) in task.Quantized.OrderBy(q => q.Key))
        {
            var qTest = probabilities.Select(plan.Test);
            var qCal = probabilities.Select(plan.Calibration);
            Add($"q{bits}/edge", qTest);
            var threshold = ConformalCalibrator.Calibrate(cloudCal, qCal, 0.1, KullbackLeibler.Instance);
            var qScores = ConformalCalibrator.Scores(cloudTest, qTest, KullbackLeibler.Instance);
            Add($"q{bits}/cdci/kl/0.1/intersection", new CredalPredictor(threshold, new CredalPredictorOptions { MaxDegreeOfParallelism = 1 }).Predict(qTest), r =>
            {
                r.Values["gamma"] = threshold.Gamma;
                r.Values["coverage"] = Coverage.FromScores(qScores, threshold.Gamma);
            });
        }

        return records;
    }

    /// <summary>
    /// <see cref="CredalPredictor.Predict(ProbabilityMatrix, CredalOutput, CancellationToken, IProgress{double}?, int)"/> row by row with the same row index (so
    /// the same Monte Carlo stream and the same values), checking <paramref name="cancellationToken"/> every 64 rows.
    /// </summary>
    private static ProbabilityMatrix Predict(CredalPredictor predictor, ProbabilityMatrix edge, CredalOutput output, CancellationToken cancellationToken)
    {
        int k = edge.Classes;
        var result = new double[edge.Rows * k];
        for (int i = 0; i < edge.Rows; i++)
        {
            if ((i & 63) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            predictor.Predict(edge.Row(i), output, result.AsSpan(i * k, k), i);
        }

        return ProbabilityMatrix.FromProbabilities(result, k, output.ToString());
    }

    /// <summary>Accuracy, ECE, NLL, Brier, top-1 agreement with the cloud, mean confidence and the number of test inputs of <paramref name="output"/>.</summary>
    internal static void PointMetrics(MethodRecord record, ProbabilityMatrix output, int[] labels, ProbabilityMatrix cloud)
    {
        record.Values["accuracy"] = Accuracy.Compute(output, labels);
        record.Values["ece"] = ExpectedCalibrationError.Compute(output, labels);
        record.Values["nll"] = NegativeLogLikelihood.Compute(output, labels);
        record.Values["brier"] = BrierScore.Compute(output, labels);
        record.Values["cloud-agreement"] = CloudAgreement.TopOneAgreement(cloud, output);
        double confidence = 0.0;
        for (int i = 0; i < output.Rows; i++)
        {
            confidence += output[i][output.ArgMax(i)];
        }

        record.Values["confidence"] = confidence / output.Rows;
        record.Values["test-inputs"] = output.Rows;
    }

    /// <summary>Mean label-set size, share of sets holding the true label and share holding the cloud's top class, as <c>{prefix}-size</c>, <c>{prefix}-coverage</c>, <c>{prefix}-cloud-coverage</c>.</summary>
    internal static void SetMetrics(MethodRecord record, bool[] sets, int[] labels, ProbabilityMatrix cloud, int k, string prefix)
    {
        double size = 0.0;
        double coverTrue = 0.0;
        double coverCloud = 0.0;
        int n = labels.Length;
        for (int i = 0; i < n; i++)
        {
            for (int c = 0; c < k; c++)
            {
                size += sets[(i * k) + c] ? 1 : 0;
            }

            coverTrue += sets[(i * k) + labels[i]] ? 1 : 0;
            coverCloud += sets[(i * k) + cloud.ArgMax(i)] ? 1 : 0;
        }

        record.Values[$"{prefix}-size"] = size / n;
        record.Values[$"{prefix}-coverage"] = coverTrue / n;
        record.Values[$"{prefix}-cloud-coverage"] = coverCloud / n;
    }

    /// <summary>Formats an epsilon as it appears in method identifiers (e.g. 0.1).</summary>
    public static string Format(double eps) => eps.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);

    internal static int[] Pick(int[] values, int[] indices)
    {
        var result = new int[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            result[i] = values[indices[i]];
        }

        return result;
    }

    /// <summary>The rows <paramref name="indices"/> of a row-major matrix of width <paramref name="width"/>.</summary>
    internal static double[] Rows(double[] data, int width, int[] indices)
    {
        var result = new double[indices.Length * width];
        for (int i = 0; i < indices.Length; i++)
        {
            Array.Copy(data, indices[i] * width, result, i * width, width);
        }

        return result;
    }
}
