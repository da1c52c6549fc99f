using System.Collections.Concurrent;
using CredalDistill.Baselines;
using CredalDistill.Calibration;
using CredalDistill.Conformal;
using CredalDistill.Credal;
using CredalDistill.Divergences;
using CredalDistill.Metrics;

namespace CredalDistill.Experiments;

/// <summary>
/// Runs every method on every split of one task and returns per-split records keyed by <see cref="MethodKey"/>. Every method
/// is created by name from the library's registry (<see cref="CalibrationMethods"/>) and fitted and applied through the public
/// <see cref="Calibrator"/> / <see cref="FittedCalibrator"/> API, the code a user runs (<see cref="Fit"/>). This class only
/// wires data to them and scores the outputs.
/// </summary>
public sealed class ExperimentRunner(ExperimentOptions options)
{
    /// <summary>Divergence of the CD-CI recalibration of the quantized edges.</summary>
    public const string QuantizedDivergence = "kl";

    /// <summary>Miscoverage of the CD-CI recalibration of the quantized edges.</summary>
    public const double QuantizedEpsilon = 0.1;

    private readonly ConcurrentDictionary<MethodKey, ProbabilityMatrix> _splitZero = new();

    /// <summary>CD-CI, KL, eps chosen without labels, intersection probability.</summary>
    public static MethodKey EpsilonAuto { get; } = MethodKey.CdciAuto("kl");

    /// <summary>CD-CI, divergence and eps chosen jointly without labels, intersection probability.</summary>
    public static MethodKey JointAuto { get; } = MethodKey.CdciAuto(null);

    /// <summary>The label-free CD-CI rows, in table order.</summary>
    public static IReadOnlyList<MethodKey> AutoRows { get; } = [EpsilonAuto, JointAuto];

    /// <summary>The test-set outputs of every method on split 0 (for figures), filled by <see cref="Run"/>.</summary>
    public IReadOnlyDictionary<MethodKey, ProbabilityMatrix> SplitZeroOutputs => _splitZero;

    /// <summary>The CD-CI row of the <paramref name="bits"/>-bit quantized edge (<see cref="QuantizedDivergence"/>, <see cref="QuantizedEpsilon"/>, IP); null: the float edge's row with the same settings.</summary>
    public static MethodKey QuantizedCdci(int? bits) => MethodKey.Cdci(QuantizedDivergence, QuantizedEpsilon, CalibratedOutput.Intersection) with { Bits = bits };

    /// <summary>Runs all splits (in parallel) and returns the records, ordered by split then method id.</summary>
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

        return [.. bag.OrderBy(r => r.Split).ThenBy(r => r.Method.Id, StringComparer.Ordinal)];
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
        var cloudLab = task.Cloud.Select(plan.Labeled);
        var edgeTest = task.Edge.Select(plan.Test);
        var edgeCal = task.Edge.Select(plan.Calibration);
        var edgeLab = task.Edge.Select(plan.Labeled);

        void Add(MethodKey method, ProbabilityMatrix output, Action<MethodRecord>? extra = null, int[]? labelsOverride = null, ProbabilityMatrix? cloudOverride = null)
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

        // A point map applied to the test outputs (its temperature recorded).
        void Point(MethodKey method, FittedCalibrator fitted, ProbabilityMatrix test) =>
            Add(method, fitted.Calibrate(test, cancellationToken), r => r.Values["temperature"] = fitted.Map!.Temperature);

        int d = task.LastLayer.Features;
        var features = new LastLayerFeatures(Rows(task.EdgeFeatures, d, plan.Labeled), d, task.LastLayer.Weight.ToArray(), task.LastLayer.Bias.ToArray());
        var labeled = new CalibrationData(cloudLab, edgeLab, labeledLabels, features);
        var unlabeled = new CalibrationData(cloudCal, edgeCal);

        // Edge and cloud as they are; the cloud temperature-scaled on the labeled set (ts on the cloud's own outputs).
        Add(MethodKey.Edge, edgeTest);
        Add(MethodKey.Cloud, cloudTest);
        foreach (var objective in TemperatureObjectives)
        {
            Point(MethodKey.CloudTs(objective), Fit("ts", new CalibrationData(cloudLab, cloudLab, labeledLabels), new MethodOptions { Objective = objective }, cancellationToken), cloudTest);
        }

        // Edge baselines: TS and Laplace on the labeled set, distilled TS on the unlabeled calibration set.
        foreach (var objective in TemperatureObjectives)
        {
            Point(MethodKey.EdgeTs(objective), Fit("ts", labeled, new MethodOptions { Objective = objective }, cancellationToken), edgeTest);
        }

        Point(MethodKey.DistilledTs, Fit("distilled-ts", unlabeled, null, cancellationToken), edgeTest);

        var featTest = Rows(task.EdgeFeatures, d, plan.Test);
        foreach (var kind in new[] { LastLayerLaplaceKind.Diagonal, LastLayerLaplaceKind.KroneckerFactored, LastLayerLaplaceKind.Full })
        {
            var laplace = Fit(LaplaceCalibrator.NameOf(kind), labeled, null, cancellationToken);
            Add(MethodKey.LastLayerLaplace(kind), laplace.Calibrate(edgeTest, featTest, cancellationToken), r => r.Values["prior-precision"] = PriorPrecision(laplace));
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
            Add(MethodKey.EdgePrefix(heavyRows), edgeHeavy, labelsOverride: heavyLabels, cloudOverride: cloudHeavy);
        }

        if (heavy && k > 3 && mcRows < plan.Test.Length && mcRows != heavyRows)
        {
            Add(MethodKey.EdgePrefix(mcRows), edgeMc, labelsOverride: mcLabels, cloudOverride: cloudMc);
        }

        var predictorOptions = new CredalPredictorOptions { MaxDegreeOfParallelism = 1, MonteCarlo = new MonteCarloOptions { Samples = options.CentroidSamples, BurnIn = 100, Seed = options.Seed + (ulong)split } };
        foreach (string name in options.Divergences)
        {
            var divergence = Divergence.Parse(name);
            var testScores = SplitConformal.Scores(cloudTest, edgeTest, divergence);
            foreach (double eps in options.Epsilons)
            {
                FittedCalibrator FitCdci(CalibratedOutput output) =>
                    Fit("cdci", unlabeled, new MethodOptions { Divergence = divergence, Epsilon = eps, Output = output, Predictor = predictorOptions }, cancellationToken);

                void Extract(CalibratedOutput output, ProbabilityMatrix edge, int[]? labels = null, ProbabilityMatrix? cloud = null) =>
                    Add(MethodKey.Cdci(name, eps, output), Predict(FitCdci(output), edge, cancellationToken), labelsOverride: labels, cloudOverride: cloud);

                // Bounds once; the intersection probability and the interval-dominance sets both derive from them.
                var ipFit = FitCdci(CalibratedOutput.Intersection);
                var threshold = ipFit.Threshold!;
                var described = ipFit.Describe(edgeTest, LabelSetRule.IntervalDominance, cancellationToken);
                var ip = ProbabilityMatrix.FromProbabilities(described.Intersection.Data, k, "intersection probability");
                Add(MethodKey.Cdci(name, eps, CalibratedOutput.Intersection), ip, r =>
                {
                    r.Values["gamma"] = threshold.Gamma;
                    r.Values["coverage"] = Coverage.FromScores(testScores, threshold.Gamma);
                    SetMetrics(r, described.LabelSets, testLabels, cloudTest, k, "set");
                    if (k == 3 && heavy)
                    {
                        r.Values["inefficiency"] = ipFit.Predictor!.VolumeFractions(edgeHeavy).Average(e => e.Value);
                    }
                });

                bool cheapMaxEnt = divergence is KullbackLeibler or TotalVariation;
                if (cheapMaxEnt)
                {
                    Extract(CalibratedOutput.MaximumEntropy, edgeTest);
                }
                else if (heavy)
                {
                    Extract(CalibratedOutput.MaximumEntropy, edgeHeavy, heavyLabels, cloudHeavy);
                }

                if (heavy && k == 3)
                {
                    Extract(CalibratedOutput.Centroid, edgeHeavy, heavyLabels, cloudHeavy);
                }
                else if (heavy)
                {
                    Extract(CalibratedOutput.Centroid, edgeMc, mcLabels, cloudMc);
                }

                if (heavy && divergence is KullbackLeibler)
                {
                    var record = new MethodRecord { Method = MethodKey.Cdci(name, eps, CalibratedOutput.LabelSet), Split = split };
                    SetMetrics(record, ipFit.Predictor!.LabelSets(edgeHeavy, LabelSetRule.Maximality), heavyLabels, cloudHeavy, k, "set");
                    records.Add(record);
                }
            }
        }

        // Label-free choice of eps (cross-fitted cloud-referenced ECE on the calibration set), KL + intersection; and the
        // joint choice of divergence and eps (same folds for every pair).
        var sequential = new CredalPredictorOptions { MaxDegreeOfParallelism = 1 };
        foreach (var key in AutoRows)
        {
            var auto = Fit("cdci", unlabeled, new MethodOptions
            {
                Divergence = key.Divergence is { } fixedDivergence ? Divergence.Parse(fixedDivergence) : null,
                Epsilon = null,
                Output = key.Output!.Value,
                Seed = options.Seed + (ulong)split,
                Predictor = sequential,
            }, cancellationToken);
            Add(key, auto.Calibrate(edgeTest, cancellationToken), r =>
            {
                r.Values["epsilon"] = auto.Epsilon!.Value;
                r.Values["gamma"] = auto.Threshold!.Gamma;
                if (key.Divergence is null)
                {
                    ChosenDivergence(r, auto);
                }
            });
        }

        // Quantized edges: raw, and recalibrated by CD-CI from their own calibration scores.
        foreach (var (bits, (_, probabilities)) in task.Quantized.OrderBy(q => q.Key))
        {
            var qTest = probabilities.Select(plan.Test);
            var qCal = probabilities.Select(plan.Calibration);
            Add(MethodKey.QuantizedEdge(bits), qTest);
            var divergence = Divergence.Parse(QuantizedDivergence);
            var fitted = Fit("cdci", new CalibrationData(cloudCal, qCal), new MethodOptions { Divergence = divergence, Epsilon = QuantizedEpsilon, Predictor = sequential }, cancellationToken);
            var qScores = SplitConformal.Scores(cloudTest, qTest, divergence);
            Add(QuantizedCdci(bits), fitted.Calibrate(qTest, cancellationToken), r =>
            {
                r.Values["gamma"] = fitted.Threshold!.Gamma;
                r.Values["coverage"] = Coverage.FromScores(qScores, fitted.Threshold.Gamma);
            });
        }

        return records;
    }

    /// <summary>The objectives of the labeled temperature-scaling rows, in table order.</summary>
    private static readonly MapObjective[] TemperatureObjectives = [MapObjective.ExpectedCalibrationError, MapObjective.NegativeLogLikelihood];

    /// <summary>The registry method <paramref name="method"/> created with <paramref name="settings"/> and fitted on <paramref name="data"/>: the path of <c>credal calibrate</c>.</summary>
    internal static FittedCalibrator Fit(string method, CalibrationData data, MethodOptions? settings, CancellationToken cancellationToken)
        => CalibrationMethods.Get(method).Create(settings).Fit(data, cancellationToken);

    /// <summary>Records <c>chose:{divergence}</c> = 1 for the divergence a label-free selection chose and 0 for the other candidates.</summary>
    internal static void ChosenDivergence(MethodRecord record, FittedCalibrator fitted)
    {
        string chosen = fitted.Threshold!.Divergence.Name;
        foreach (string candidate in fitted.Selection!.Divergences)
        {
            record.Values[$"chose:{candidate}"] = candidate == chosen ? 1.0 : 0.0;
        }
    }

    /// <summary>The tuned prior precision of a fitted <see cref="LaplaceCalibrator"/> (its round-trip formatted parameter).</summary>
    internal static double PriorPrecision(FittedCalibrator laplace) =>
        double.Parse(laplace.Parameters.Single(p => p.Name == "prior precision").Value, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// The fitted calibrator's row API on every row with the row index as Monte Carlo stream (the values of its batch API),
    /// checking <paramref name="cancellationToken"/> every 64 rows. Rows are passed as their rounded probabilities, as this
    /// experiment always has (the published maximum-entropy and centroid rows are computed from them).
    /// </summary>
    private static ProbabilityMatrix Predict(FittedCalibrator fitted, ProbabilityMatrix edge, CancellationToken cancellationToken)
    {
        int k = edge.Classes;
        var result = new double[edge.Rows * k];
        for (int i = 0; i < edge.Rows; i++)
        {
            if ((i & 63) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            fitted.Calibrate(EdgeRow.FromProbabilities(edge.Row(i)), result.AsSpan(i * k, k), i);
        }

        return ProbabilityMatrix.FromProbabilities(result, k, fitted.Output.ToString());
    }

    /// <summary>Accuracy, ECE, debiased ECE, KS error, NLL, Brier, top-1 agreement with the cloud, mean confidence and the number of test inputs of <paramref name="output"/>.</summary>
    internal static void PointMetrics(MethodRecord record, ProbabilityMatrix output, int[] labels, ProbabilityMatrix cloud)
    {
        record.Values["accuracy"] = Accuracy.Compute(output, labels);
        record.Values["ece"] = ExpectedCalibrationError.Compute(output, labels);
        record.Values["ece-debiased"] = DebiasedCalibrationError.Compute(output, labels);
        record.Values["ks"] = KsCalibrationError.Compute(output, labels);
        record.Values["nll"] = NegativeLogLikelihood.Compute(output, labels);
        record.Values["brier"] = BrierScore.Compute(output, labels);
        record.Values["cloud-agreement"] = CloudAgreement.TopOneAgreement(cloud, output);
        record.Values["kl-cloud"] = SplitConformal.Scores(cloud, output, Divergence.KL).Average();
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
