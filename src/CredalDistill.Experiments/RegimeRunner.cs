using System.Collections.Concurrent;
using CredalDistill.Baselines;
using CredalDistill.Conformal;
using CredalDistill.Credal;
using CredalDistill.Divergences;
using CredalDistill.Metrics;

namespace CredalDistill.Experiments;

/// <summary>
/// The regimes comparison: on every edge of the overconfidence axis, the seven methods of <see cref="Methods"/> on the
/// same split plans as <see cref="ExperimentRunner"/> (labeled set for TS and Laplace, unlabeled calibration set for
/// distilled TS and CD-CI). Every (edge, split) pair is one parallel work item.
/// </summary>
public sealed class RegimeRunner(ExperimentOptions options)
{
    /// <summary>The raw edge.</summary>
    public const string Edge = "edge";

    /// <summary>Temperature scaling with labels (exact NLL fit on the labeled set).</summary>
    public const string Ts = "ts";

    /// <summary>Distilled temperature scaling (mean KL(cloud || edge_T) on the calibration set).</summary>
    public const string DistilledTs = "distilled-ts";

    /// <summary>Last-layer Kronecker-factored Laplace (GGN and prior precision from the labeled set).</summary>
    public const string LaplaceKfac = "laplace-kfac";

    /// <summary>CD-CI at the paper default: KL, eps 0.1, intersection probability.</summary>
    public const string CdciPaper = "cdci-paper";

    /// <summary>CD-CI with the label-free divergence + eps choice of <see cref="ConfigurationSelector"/>, intersection probability.</summary>
    public const string CdciAuto = "cdci-auto";

    /// <summary>METHOD.md 3.4: distilled T on one half of the calibration set, the KL threshold (eps 0.1) around the tempered edge on the other; intersection probability.</summary>
    public const string TwoStage = "distilled-ts+cdci";

    /// <summary>The miscoverage of <see cref="CdciPaper"/> and <see cref="TwoStage"/>.</summary>
    public const double PaperEpsilon = 0.1;

    /// <summary>The method names, in table order.</summary>
    public static IReadOnlyList<string> Methods { get; } = [Edge, Ts, DistilledTs, LaplaceKfac, CdciPaper, CdciAuto, TwoStage];

    /// <summary>The set-valued methods (coverage, label-set size, inefficiency).</summary>
    public static IReadOnlyList<string> SetMethods { get; } = [CdciPaper, CdciAuto, TwoStage];

    private readonly ExperimentRunner _plans = new(options);

    /// <summary>The split plan of <paramref name="split"/>: the same as <see cref="ExperimentRunner.Plan"/> for the task.</summary>
    public SplitPlan Plan(TaskOutputs task, int split) => _plans.Plan(task, split);

    /// <summary>
    /// The two disjoint halves of the calibration set used by <see cref="TwoStage"/>: the first <c>n / 2</c> indices
    /// fit the temperature, the rest the conformal threshold (the calibration indices are already in random order).
    /// </summary>
    public static (int[] Temperature, int[] Threshold) TwoStageHalves(int[] calibration)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        int half = calibration.Length / 2;
        return (calibration[..half], calibration[half..]);
    }

    /// <summary>Runs every (edge, split) pair in parallel and returns one result per edge, in input order.</summary>
    /// <param name="edges">Each edge's name and outputs (same task outputs with that edge).</param>
    /// <param name="done">Called after each (edge, split) pair with the number done and the total.</param>
    /// <param name="cancellationToken">Checked between pairs and methods.</param>
    public List<RegimeResult> Run(IReadOnlyList<(string Name, TaskOutputs Outputs)> edges, Action<int, int>? done = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(edges);
        var bags = edges.Select(_ => new ConcurrentBag<MethodRecord>()).ToArray();
        int total = edges.Count * options.Splits;
        int finished = 0;
        try
        {
            Parallel.For(0, total, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken }, item =>
            {
                int e = item / options.Splits;
                foreach (var record in RunSplit(edges[e].Outputs, item % options.Splits, cancellationToken))
                {
                    bags[e].Add(record);
                }

                done?.Invoke(Interlocked.Increment(ref finished), total);
            });
        }
        catch (AggregateException ex) when (cancellationToken.IsCancellationRequested && ex.InnerExceptions.All(x => x is OperationCanceledException))
        {
            throw new OperationCanceledException(cancellationToken);
        }

        return [.. edges.Select((edge, e) => new RegimeResult
        {
            Task = edge.Outputs.Task.Name,
            Edge = edge.Name,
            Classes = edge.Outputs.Classes,
            Methods = bags[e].GroupBy(r => r.Method).ToDictionary(g => g.Key, g => MethodSummary.From(g.Key, g.OrderBy(r => r.Split)), StringComparer.Ordinal),
        })];
    }

    /// <summary>The records of every method on one split of one edge.</summary>
    public List<MethodRecord> RunSplit(TaskOutputs task, int split, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        var plan = Plan(task, split);
        int k = task.Classes;
        var records = new List<MethodRecord>();
        var testLabels = ExperimentRunner.Pick(task.Labels, plan.Test);
        var labeledLabels = ExperimentRunner.Pick(task.Labels, plan.Labeled);
        var cloudTest = task.Cloud.Select(plan.Test);
        var cloudCal = task.Cloud.Select(plan.Calibration);
        var edgeTest = task.Edge.Select(plan.Test);
        var edgeCal = task.Edge.Select(plan.Calibration);
        int heavyRows = Math.Min(options.HeavyTestRows, plan.Test.Length);

        MethodRecord Add(string method, ProbabilityMatrix output)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var record = new MethodRecord { Method = method, Split = split };
            ExperimentRunner.PointMetrics(record, output, testLabels, cloudTest);
            records.Add(record);
            return record;
        }

        // Intersection probability, coverage of the cloud, interval-dominance label sets and (K = 3) inefficiency.
        MethodRecord Credal(string method, ConformalThreshold threshold, ProbabilityMatrix center)
        {
            var predictor = new CredalPredictor(threshold, new CredalPredictorOptions { MaxDegreeOfParallelism = 1 });
            var ipData = new double[center.Rows * k];
            var sets = new bool[center.Rows * k];
            var lower = new double[k];
            var upper = new double[k];
            for (int i = 0; i < center.Rows; i++)
            {
                if ((i & 255) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                predictor.BoundsAndIntersection(center.AsEdgeRow(i), lower, upper, ipData.AsSpan(i * k, k));
                LabelSets.IntervalDominance(lower, upper, sets.AsSpan(i * k, k));
            }

            var record = Add(method, ProbabilityMatrix.FromProbabilities(ipData, k, "intersection probability"));
            record.Values["gamma"] = threshold.Gamma;
            record.Values["epsilon"] = threshold.Epsilon;
            record.Values["coverage"] = Coverage.FromScores(ConformalCalibrator.Scores(cloudTest, center, threshold.Divergence), threshold.Gamma);
            ExperimentRunner.SetMetrics(record, sets, testLabels, cloudTest, k, "set");
            if (k == 3)
            {
                record.Values["inefficiency"] = predictor.VolumeFractions(center.Select(Enumerable.Range(0, heavyRows).ToArray())).Average(v => v.Value);
            }

            return record;
        }

        Add(Edge, edgeTest);
        var edgeLogitsLab = ExperimentRunner.Rows(task.EdgeLogits, k, plan.Labeled);
        var edgeLogitsCal = ExperimentRunner.Rows(task.EdgeLogits, k, plan.Calibration);
        var edgeLogitsTest = ExperimentRunner.Rows(task.EdgeLogits, k, plan.Test);
        var ts = TemperatureScaling.FitNll(edgeLogitsLab, k, labeledLabels);
        Add(Ts, ts.Apply(edgeLogitsTest, k)).Values["temperature"] = ts.Temperature;
        var dts = DistilledTemperatureScaling.Fit(cloudCal, edgeLogitsCal, k);
        Add(DistilledTs, dts.Apply(edgeLogitsTest, k)).Values["temperature"] = dts.Temperature;

        int d = task.LastLayer.Features;
        var laplace = LastLayerLaplace.Fit(LastLayerLaplaceKind.KroneckerFactored, ExperimentRunner.Rows(task.EdgeFeatures, d, plan.Labeled), d, task.LastLayer.Weight.ToArray(), task.LastLayer.Bias.ToArray(), labeledLabels, cancellationToken);
        Add(LaplaceKfac, laplace.Predict(ExperimentRunner.Rows(task.EdgeFeatures, d, plan.Test), cancellationToken)).Values["prior-precision"] = laplace.PriorPrecision;

        Credal(CdciPaper, ConformalCalibrator.Calibrate(cloudCal, edgeCal, PaperEpsilon, KullbackLeibler.Instance), edgeTest);

        // The label-free choice, once per (edge, split), with the same seed as the main experiment's joint auto row.
        long selecting = System.Diagnostics.Stopwatch.GetTimestamp();
        var joint = ConfigurationSelector.Select(cloudCal, edgeCal, seed: options.Seed + (ulong)split, cancellationToken: cancellationToken);
        double selectionSeconds = System.Diagnostics.Stopwatch.GetElapsedTime(selecting).TotalSeconds;
        var auto = Credal(CdciAuto, joint.Threshold, edgeTest);
        auto.Values["selection-seconds"] = selectionSeconds;
        for (int i = 0; i < joint.Divergences.Count; i++)
        {
            auto.Values[$"chose:{joint.Divergences[i].Name}"] = i == joint.ChosenDivergenceIndex ? 1.0 : 0.0;
        }

        // Two-stage: T from one half only, the threshold around the tempered edge (kept as logits) from the other only.
        var (temperatureHalf, thresholdHalf) = TwoStageHalves(plan.Calibration);
        var stageOne = DistilledTemperatureScaling.Fit(task.Cloud.Select(temperatureHalf), ExperimentRunner.Rows(task.EdgeLogits, k, temperatureHalf), k);
        double t = stageOne.Temperature;
        var temperedHalf = ProbabilityMatrix.FromLogits(ExperimentRunner.Rows(task.EdgeLogits, k, thresholdHalf), k, "tempered edge", t);
        var stageTwo = ConformalCalibrator.Calibrate(task.Cloud.Select(thresholdHalf), temperedHalf, PaperEpsilon, KullbackLeibler.Instance);
        var twoStage = Credal(TwoStage, stageTwo, ProbabilityMatrix.FromLogits(edgeLogitsTest, k, "tempered edge", t));
        twoStage.Values["temperature"] = t;
        records[0].Values["split-seconds"] = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
        return records;
    }
}
