using System.Collections.Concurrent;
using CredalDistill.Baselines;
using CredalDistill.Calibration;
using CredalDistill.Conformal;
using CredalDistill.Credal;
using CredalDistill.Divergences;
using CredalDistill.Metrics;

namespace CredalDistill.Experiments;

/// <summary>
/// The regimes comparison: on every edge of the overconfidence axis, the methods of <see cref="Methods"/> on the same split
/// plans as <see cref="ExperimentRunner"/> (labeled set for the label-needing maps and Laplace, unlabeled calibration set for
/// the distilled maps, CD-CI and auto), each created by name from the library's registry. Every (edge, split) pair is one
/// parallel work item.
/// </summary>
public sealed class RegimeRunner(ExperimentOptions options)
{
    /// <summary>The miscoverage of <see cref="CdciPaper"/> and <see cref="TwoStage"/>.</summary>
    public const double PaperEpsilon = 0.1;

    /// <summary>The raw edge (<c>edge</c>).</summary>
    public static MethodKey Edge { get; } = MethodKey.Edge;

    /// <summary>Temperature scaling with labels, exact NLL fit on the labeled set (<c>ts</c>).</summary>
    public static MethodKey Ts { get; } = MethodKey.EdgeTs(MapObjective.NegativeLogLikelihood) with { Alias = "ts" };

    /// <summary>Distilled temperature scaling, mean KL(cloud || edge_T) on the calibration set (<c>distilled-ts</c>).</summary>
    public static MethodKey DistilledTs { get; } = MethodKey.DistilledTs;

    /// <summary>Last-layer Kronecker-factored Laplace, GGN and prior precision from the labeled set (<c>laplace-kfac</c>).</summary>
    public static MethodKey LaplaceKfac { get; } = MethodKey.LastLayerLaplace(LastLayerLaplaceKind.KroneckerFactored);

    /// <summary>CD-CI at the paper default: KL, eps 0.1, intersection probability (<c>cdci-paper</c>).</summary>
    public static MethodKey CdciPaper { get; } = MethodKey.Cdci("kl", PaperEpsilon, CalibratedOutput.Intersection) with { Alias = "cdci-paper" };

    /// <summary>CD-CI with the label-free divergence + eps choice of <see cref="ConfigurationSelector"/>, intersection probability (<c>cdci-auto</c>).</summary>
    public static MethodKey CdciAuto { get; } = MethodKey.CdciAuto(null) with { Alias = "cdci-auto" };

    /// <summary>Distilled T on one half of the calibration set, the KL threshold (eps 0.1) around the tempered edge on the other; intersection probability (<c>distilled-ts+cdci</c>).</summary>
    public static MethodKey TwoStage { get; } = MethodKey.TwoStage("kl", PaperEpsilon) with { Alias = "distilled-ts+cdci" };

    /// <summary>Vector scaling with labels (<c>vs</c>, regularization chosen by cross-fitting on the labeled set).</summary>
    public static MethodKey Vs { get; } = MethodKey.Registered("vs");

    /// <summary>Matrix scaling with labels (<c>ms</c>, Dirichlet calibration with ODIR).</summary>
    public static MethodKey Ms { get; } = MethodKey.Registered("ms");

    /// <summary>Distilled vector scaling (<c>distilled-vs</c>, no labels).</summary>
    public static MethodKey DistilledVs { get; } = MethodKey.Registered("distilled-vs");

    /// <summary>Distilled matrix scaling (<c>distilled-ms</c>, no labels).</summary>
    public static MethodKey DistilledMs { get; } = MethodKey.Registered("distilled-ms");

    /// <summary>Distilled vector scaling on one half, then CD-CI around it on the other (<c>distilled-vs+cdci</c>).</summary>
    public static MethodKey DistilledVsCdci { get; } = MethodKey.Registered("distilled-vs+cdci");

    /// <summary>Distilled matrix scaling on one half, then CD-CI around it on the other (<c>distilled-ms+cdci</c>).</summary>
    public static MethodKey DistilledMsCdci { get; } = MethodKey.Registered("distilled-ms+cdci");

    /// <summary>The label-free choice among every candidate of the registry (<c>auto</c>, KL at eps 0.1 for the sets around a map).</summary>
    public static MethodKey Auto { get; } = MethodKey.Registered("auto");

    /// <summary>The methods, in table order.</summary>
    public static IReadOnlyList<MethodKey> Methods { get; } = [Edge, Ts, Vs, Ms, DistilledTs, DistilledVs, DistilledMs, LaplaceKfac, CdciPaper, CdciAuto, TwoStage, DistilledVsCdci, DistilledMsCdci, Auto];

    /// <summary>The point maps fitted to the cloud (no labels).</summary>
    public static IReadOnlyList<MethodKey> DistilledMaps { get; } = [DistilledTs, DistilledVs, DistilledMs];

    /// <summary>Each map followed by CD-CI, in the order of <see cref="DistilledMaps"/>.</summary>
    public static IReadOnlyList<MethodKey> MapSets { get; } = [TwoStage, DistilledVsCdci, DistilledMsCdci];

    /// <summary>The set-valued methods (coverage, label-set size, inefficiency).</summary>
    public static IReadOnlyList<MethodKey> SetMethods { get; } = [CdciPaper, CdciAuto, TwoStage, DistilledVsCdci, DistilledMsCdci, Auto];

    private readonly ExperimentRunner _plans = new(options);

    /// <summary>The split plan of <paramref name="split"/>: the same as <see cref="ExperimentRunner.Plan"/> for the task.</summary>
    public SplitPlan Plan(TaskOutputs task, int split) => _plans.Plan(task, split);

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
            Methods = MethodSummary.ByMethod(bags[e]),
            Records = [.. bags[e].OrderBy(r => r.Split)],
            TestToFit = TestToFit(Plan(edge.Outputs, 0)),
        })];
    }

    /// <summary><c>n_test / n_fit</c> of a split plan: its test inputs over the inputs the methods are fitted on (calibration + labeled).</summary>
    public static double TestToFit(SplitPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return (double)plan.Test.Length / (plan.Calibration.Length + plan.Labeled.Length);
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
        var sequential = new CredalPredictorOptions { MaxDegreeOfParallelism = 1 };

        MethodRecord Add(MethodKey method, ProbabilityMatrix output)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var record = new MethodRecord { Method = method, Split = split };
            ExperimentRunner.PointMetrics(record, output, testLabels, cloudTest);
            records.Add(record);
            return record;
        }

        // A set-valued method through its fitted calibrator: its point output (the intersection probability for cdci, the
        // map's output for a map followed by cdci), the coverage of the cloud, the interval-dominance label sets and (K = 3)
        // the inefficiency of its credal sets of radius gamma around its centre (the edge, or the map's output).
        MethodRecord Credal(MethodKey method, FittedCalibrator fitted)
        {
            var threshold = fitted.ToArtifact().Threshold!;
            var center = fitted.Centre(edgeTest);
            var predictor = new CredalPredictor(threshold.Divergence, threshold.Gamma, sequential);
            var described = predictor.Describe(center, LabelSetRule.IntervalDominance, cancellationToken);
            var record = Add(method, fitted.Output == CalibratedOutput.Intersection ? ProbabilityMatrix.FromProbabilities(described.Intersection.Data, k, "intersection probability") : fitted.Calibrate(edgeTest, cancellationToken));
            record.Values["gamma"] = threshold.Gamma;
            record.Values["epsilon"] = threshold.Epsilon;
            record.Values["coverage"] = Coverage.FromScores(SplitConformal.Scores(cloudTest, center, threshold.Divergence), threshold.Gamma);
            ExperimentRunner.SetMetrics(record, described.LabelSets, testLabels, cloudTest, k, "set");
            if (k == 3)
            {
                record.Values["inefficiency"] = predictor.VolumeFractions(center.Select(Enumerable.Range(0, heavyRows).ToArray())).Average(v => v.Value);
            }

            return record;
        }

        int d = task.LastLayer.Features;
        var features = new LastLayerFeatures(ExperimentRunner.Rows(task.EdgeFeatures, d, plan.Labeled), d, task.LastLayer.Weight.ToArray(), task.LastLayer.Bias.ToArray());
        var labeled = new CalibrationData(task.Cloud.Select(plan.Labeled), task.Edge.Select(plan.Labeled), labeledLabels, features);
        var unlabeled = new CalibrationData(cloudCal, edgeCal);

        Add(Edge, edgeTest);

        // Point maps: with labels on the labeled set, distilled on the unlabeled calibration set (regularization of the vector
        // and matrix maps chosen by cross-fitting, as `credal calibrate` does by default).
        foreach (var (method, data) in new[] { (Ts, labeled), (Vs, labeled), (Ms, labeled), (DistilledTs, unlabeled), (DistilledVs, unlabeled), (DistilledMs, unlabeled) })
        {
            long fitting = System.Diagnostics.Stopwatch.GetTimestamp();
            var map = ExperimentRunner.Fit(method == Ts ? "ts" : method.Id, data, new MethodOptions { Seed = options.Seed + (ulong)split }, cancellationToken);
            double fitSeconds = System.Diagnostics.Stopwatch.GetElapsedTime(fitting).TotalSeconds;
            var record = Add(method, map.Calibrate(edgeTest, cancellationToken));
            record.Values["fit-seconds"] = fitSeconds;
            record.Values["temperature"] = map.Map!.Temperature;
            if (map.Map.Regularization is double lam)
            {
                record.Values["regularization"] = lam;
            }
        }

        var laplace = ExperimentRunner.Fit("laplace-kfac", labeled, null, cancellationToken);
        Add(LaplaceKfac, laplace.Calibrate(edgeTest, ExperimentRunner.Rows(task.EdgeFeatures, d, plan.Test), cancellationToken)).Values["prior-precision"] = ExperimentRunner.PriorPrecision(laplace);

        Credal(CdciPaper, ExperimentRunner.Fit("cdci", unlabeled, new MethodOptions { Divergence = Divergence.Parse(CdciPaper.Divergence!), Epsilon = PaperEpsilon }, cancellationToken));

        // The label-free choice of CD-CI's divergence and eps, once per (edge, split), with the same seed as the main experiment's joint auto row.
        long selecting = System.Diagnostics.Stopwatch.GetTimestamp();
        var joint = ExperimentRunner.Fit("cdci", unlabeled, new MethodOptions { Divergence = null, Epsilon = null, Seed = options.Seed + (ulong)split }, cancellationToken);
        double selectionSeconds = System.Diagnostics.Stopwatch.GetElapsedTime(selecting).TotalSeconds;
        var cdciAuto = Credal(CdciAuto, joint);
        cdciAuto.Values["selection-seconds"] = selectionSeconds;
        cdciAuto.Values["fit-seconds"] = selectionSeconds;
        ExperimentRunner.ChosenDivergence(cdciAuto, joint);

        // Each map on the first half of the calibration set, the KL threshold (eps 0.1) around its output on the other half;
        // the point output is the map's output, the centre of the sets.
        foreach (var method in MapSets)
        {
            long fitting = System.Diagnostics.Stopwatch.GetTimestamp();
            var stages = ExperimentRunner.Fit(method.Id, unlabeled, new MethodOptions { Divergence = Divergence.KL, Epsilon = PaperEpsilon, Seed = options.Seed + (ulong)split }, cancellationToken);
            double fitSeconds = System.Diagnostics.Stopwatch.GetElapsedTime(fitting).TotalSeconds;
            var record = Credal(method, stages);
            record.Values["temperature"] = stages.Map!.Temperature;
            record.Values["fit-seconds"] = fitSeconds;
        }

        // auto: the label-free choice among every candidate of the registry.
        long choosing = System.Diagnostics.Stopwatch.GetTimestamp();
        var chosen = ExperimentRunner.Fit("auto", unlabeled, new MethodOptions { Divergence = Divergence.KL, Epsilon = PaperEpsilon, Seed = options.Seed + (ulong)split }, cancellationToken);
        double chooseSeconds = System.Diagnostics.Stopwatch.GetElapsedTime(choosing).TotalSeconds;
        var autoRecord = Credal(Auto, chosen);
        autoRecord.Values["fit-seconds"] = chooseSeconds;
        foreach (var candidate in chosen.Auto!.Candidates.Select(c => c.Method).Distinct())
        {
            autoRecord.Values[$"chose:{candidate}"] = candidate == chosen.Auto.Winner.Method ? 1.0 : 0.0;
        }

        records[0].Values["split-seconds"] = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
        return records;
    }
}
