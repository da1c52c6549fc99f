using CredalDistill.Experiments.Data;
using System.Diagnostics;
using CredalDistill.Calibration;
using CredalDistill.Cli.Formats;
using CredalDistill.Cli.Services;
using CredalDistill.Conformal;
using CredalDistill.Credal;
using CredalDistill.Divergences;
using CredalDistill.IO;
using CredalDistill.Onnx;

namespace CredalDistill.Cli.Bench;

/// <summary>
/// The measurements of <c>credal bench</c>, all in one process and one run so that ratios compare like with like:
/// per-input kernels for every divergence and <c>K</c>, the references (the paper's 0.005 grid at <c>K = 3</c>, temperature
/// scaling, the FMNIST-10 edge CNN forward pass in ONNX Runtime on one thread, batch 1), KL bounds at <c>K = 131,072</c>,
/// the offline scores and threshold, and the batch API on one thread against all cores.
/// </summary>
internal sealed class BenchSuite
{
    /// <summary>The radius every per-input timing uses (nats), as in docs/BENCHMARKS.md.</summary>
    public const double Gamma = 0.3;

    /// <summary>The temperature of the temperature-scaling reference.</summary>
    public const double Temperature = 1.5;

    /// <summary>Rows of the end-to-end <c>credal predict</c> runs (<c>--full</c> only).</summary>
    public const int EndToEndRows = 1_000_000;

    private static readonly string[] AllDivergences = ["kl", "reverse-kl", "alpha:0.9", "tv", "hellinger", "chi2"];

    private readonly bool _quick;
    private readonly bool _full;
    private readonly BenchBudget _budget;
    private readonly List<BenchMeasurement> _measurements = [];

    /// <summary>A suite: <paramref name="quick"/> K = 3 and 10 only; <paramref name="full"/> adds the slowest cases (seconds each).</summary>
    public BenchSuite(bool quick, bool full)
    {
        _quick = quick;
        _full = full;
        _budget = quick ? new BenchBudget(2.0, 5, 40.0) : new BenchBudget(8.0, 9, 250.0);
    }

    /// <summary>The class counts of the per-input table.</summary>
    public int[] ClassCounts => _quick ? [3, 10] : [3, 10, 100, 1000, 32768];

    /// <summary>Runs everything; <paramref name="progress"/> receives the completed fraction.</summary>
    public BenchResults Run(string root, IProgress<double> progress, CancellationToken cancellationToken)
    {
        string loadBefore = BenchMachine.LoadAverage();
        var total = Stopwatch.StartNew();
        var edge = EdgeForward(root);
        var cases = new List<BenchCase>();
        cases.AddRange(References(edge.Rows));
        foreach (int k in ClassCounts)
        {
            foreach (string name in AllDivergences)
            {
                cases.AddRange(PerInput(name, k));
            }
        }

        // Two warm-up passes over every case, each followed by a pause: the first lets tiered compilation's start-up delay
        // expire, the second makes the hot kernels reach the call count that promotes them to optimised code before timing.
        cases.Insert(0, new BenchCase(BenchResults.EdgeMethod, string.Empty, 10, false, edge.Body));
        var slow = new bool[cases.Count]; // one call of these is enough to compile them
        for (int pass = 0; pass < 2; pass++)
        {
            for (int i = 0; i < cases.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (pass == 0 || !slow[i])
                {
                    slow[i] = BenchTimer.WarmUp(cases[i].Body, 40, _quick ? 4.0 : 15.0) > 100.0;
                }

                progress.Report(0.1 * (pass + ((i + 1.0) / cases.Count)));
            }

            Thread.Sleep(250);
        }

        for (int i = 0; i < cases.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _measurements.Add(Measure(cases[i]));
            progress.Report(0.2 + (0.6 * (i + 1) / cases.Count));
        }

        // The headline ratios, each pair timed side by side (alternating repetitions).
        var ratios = new BenchRatios(
            BenchPair.MedianRatio(Find(cases, BenchResults.GridMethod), Find(cases, BenchResults.ExactOnGridRow), _budget),
            BenchPair.MedianRatio(Find(cases, BenchResults.OverheadMethod), edge.Body, _budget));
        edge.Dispose();
        double kl131072 = KlBoundsAtVocabularySize();
        progress.Report(0.85);
        var offline = Offline(_quick ? 100_000 : 1_000_000);
        progress.Report(0.92);
        var batch = Batch(_quick ? 4_000 : 20_000);
        progress.Report(_full ? 0.94 : 1.0);
        var endToEnd = _full ? EndToEnd(EndToEndRows, new ProgressSlice(progress, 0.94, 0.06), cancellationToken) : [];
        progress.Report(1.0);
        return new BenchResults(_quick, _full, Gamma, _measurements, ratios, kl131072, offline, batch, endToEnd, BenchMachine.Describe(loadBefore, BenchMachine.LoadAverage()), total.Elapsed.TotalSeconds);
    }

    private static Action Find(List<BenchCase> cases, string method) => cases.First(c => c.Method == method).Body;

    private BenchMeasurement Measure(BenchCase c) => new(c.Method, c.Divergence, c.Classes, c.SpanApi, BenchTimer.Measure(c.Body, _budget));

    /// <summary>The edge CNN (models/fmnist10-edge.onnx) on one image per call, and its outputs on the first 64 test images.</summary>
    private static EdgeModel EdgeForward(string root)
    {
        string data = FashionMnist.FindDataDirectory(root);
        var dataset = FashionMnist.LoadTest(FashionMnistTask.Parse("fmnist10"), data);
        var options = new OnnxClassifierOptions { IntraOpThreads = 1, InterOpThreads = 1, BatchSize = 1 };
        var model = OnnxClassifier.Open(Path.Combine(root, "models", "fmnist10-edge.onnx"), options);
        const int Images = 64;
        int pixels = FashionMnistDataset.PixelsPerImage;
        var images = dataset.Images.AsSpan(0, Images * pixels).ToArray();
        var all = model.PredictProbabilities(images, Images);
        var rows = Enumerable.Range(0, Images).Select(i => all.AsSpan(i * 10, 10).ToArray()).ToArray();
        int next = 0;
        return new EdgeModel(model, rows, () => model.PredictProbabilities(images.AsSpan((next++ & (Images - 1)) * pixels, pixels), 1));
    }

    /// <summary>The grid at <c>K = 3</c> for KL with its exact counterpart on the same row, and bounds + IP + KL max-entropy on the edge's own outputs.</summary>
    private static IEnumerable<BenchCase> References(double[][] edgeRows)
    {
        double[] p3 = [0.72, 0.2, 0.08];
        var lower = new double[3];
        var upper = new double[3];
        var kl = KullbackLeibler.Instance;
        yield return new BenchCase("paper grid (0.005) bounds", "kl", 3, false, () => new GridCredalSet(kl, p3, Gamma, 0.005).Bounds(lower, upper));
        yield return new BenchCase("exact bounds (grid's row)", "kl", 3, true, () => CredalBounds.Compute(kl, p3, Gamma, lower, upper));
        var predictor = new CredalPredictor(kl, Gamma);
        var l10 = new double[10];
        var u10 = new double[10];
        var q10 = new double[10];
        var m10 = new double[10];
        int next = 0;
        yield return new BenchCase("FMNIST-10 edge rows: bounds + IP + KL max-entropy", "kl", 10, true, () =>
        {
            var p = edgeRows[next++ & (edgeRows.Length - 1)];
            predictor.BoundsAndIntersection(EdgeRow.FromProbabilities(p), l10, u10, q10);
            predictor.Predict(p, CalibratedOutput.MaximumEntropy, m10);
        });
    }

    /// <summary>The per-input cases of one divergence at <paramref name="k"/> classes (and temperature scaling once per <c>K</c>).</summary>
    private IEnumerable<BenchCase> PerInput(string name, int k)
    {
        var d = Divergence.Parse(name);
        var inputs = BenchInputs.Create(k, k >= 32768 ? 4 : 64, 20250110 + k);
        var rows = inputs.Probabilities;
        int mask = rows.Length - 1;
        var predictor = new CredalPredictor(d, Gamma);
        var lower = new double[k];
        var upper = new double[k];
        var q = new double[k];
        var se = new double[k];
        var members = new bool[k];
        int next = 0;
        if (name == "kl")
        {
            var ts = FittedCalibrator.FromArtifact(new IO.CalibrationArtifact { Method = "distilled-ts", Output = CalibratedOutput.Calibrated, Classes = k, N = 1, Map = CalibrationMap.FromTemperature(Temperature, k, MapObjective.DistilledKullbackLeibler, 1) });
            var logits = inputs.Logits;
            yield return new BenchCase("temperature scaling", string.Empty, k, true, () => ts.Calibrate(EdgeRow.FromLogits(logits[next++ & mask]), q));
        }

        yield return new BenchCase("bounds + IP", name, k, true, () => predictor.BoundsAndIntersection(EdgeRow.FromProbabilities(rows[next++ & mask]), lower, upper, q));
        if (k <= 1000 || _full || d is KullbackLeibler or TotalVariation)
        {
            // The Lagrange conditions (divergences other than KL and TV) take seconds per input at K = 32,768: --full only.
            yield return new BenchCase("max-entropy", name, k, true, () => MaximumEntropy.Compute(d, rows[next++ & mask], Gamma, q));
        }

        yield return new BenchCase("label set (interval dominance)", name, k, true, () => predictor.LabelSet(rows[next++ & mask], LabelSetRule.IntervalDominance, members));
        if (k <= (_full ? 100 : 10))
        {
            yield return new BenchCase("label set (maximality)", name, k, true, () => LabelSets.Maximality(d, rows[next++ & mask], Gamma, members));
        }

        if (k <= (_full ? 100 : 10))
        {
            yield return new BenchCase(k == 3 ? "centroid (exact quadrature)" : "centroid (hit-and-run)", name, k, true, () => Centroid.Compute(d, rows[next++ & mask], Gamma, q, se));
        }
    }

    /// <summary>KL bounds of one input at <c>K = 131,072</c> (a language model's vocabulary), milliseconds (median).</summary>
    private double KlBoundsAtVocabularySize()
    {
        const int K = 131072;
        var rows = BenchInputs.Create(K, 2, 7).Probabilities;
        var lower = new double[K];
        var upper = new double[K];
        int next = 0;
        var c = new BenchCase("bounds", "kl", K, true, () => CredalBounds.Compute(KullbackLeibler.Instance, rows[next++ & 1], Gamma, lower, upper));
        BenchTimer.WarmUp(c.Body, 3, 0.0);
        var m = new BenchMeasurement(c.Method, c.Divergence, c.Classes, c.SpanApi, BenchTimer.Measure(c.Body, _budget with { CaseMs = Math.Max(_budget.CaseMs, 200.0) }));
        _measurements.Add(m);
        return m.Timing.MedianMs;
    }

    /// <summary>KL scores and the conformal threshold for <paramref name="n"/> rows of 10 classes (one timed run after a small warm-up).</summary>
    private static BenchOffline Offline(int n)
    {
        const int K = 10;
        var random = new Random(11);
        var cloud = new double[n * K];
        var edge = new double[n * K];
        var seedRows = BenchInputs.Create(K, 256, 3).Probabilities;
        for (int i = 0; i < n; i++)
        {
            var p = seedRows[i & 255];
            double sum = 0.0;
            for (int k = 0; k < K; k++)
            {
                cloud[(i * K) + k] = p[k];
                double e = p[k] * Math.Exp(0.3 * (random.NextDouble() - 0.5));
                edge[(i * K) + k] = e;
                sum += e;
            }

            for (int k = 0; k < K; k++)
            {
                edge[(i * K) + k] /= sum;
            }
        }

        var cloudMatrix = ProbabilityMatrix.FromProbabilities(cloud, K);
        var edgeMatrix = ProbabilityMatrix.FromProbabilities(edge, K);
        var warm = SplitConformal.Scores(ProbabilityMatrix.FromProbabilities(cloud.AsSpan(0, 1000 * K), K), ProbabilityMatrix.FromProbabilities(edge.AsSpan(0, 1000 * K), K), KullbackLeibler.Instance);
        _ = SplitConformal.Threshold(warm, 0.1);
        var scores = new double[n];
        var watch = Stopwatch.StartNew();
        SplitConformal.Scores(cloudMatrix, edgeMatrix, KullbackLeibler.Instance, scores);
        double scoresMs = watch.Elapsed.TotalMilliseconds;
        double gamma = SplitConformal.Threshold(scores, 0.1);
        double totalMs = watch.Elapsed.TotalMilliseconds;
        return new BenchOffline(n, K, scoresMs, totalMs - scoresMs, gamma);
    }

    /// <summary>The batch API (<c>CredalPredictor.Predict</c> on a matrix, intersection, KL, K = 10) on one thread and on all cores.</summary>
    private BenchBatch Batch(int n)
    {
        const int K = 10;
        var rows = BenchInputs.Create(K, 256, 5).Probabilities;
        var data = new double[n * K];
        for (int i = 0; i < n; i++)
        {
            rows[i & 255].CopyTo(data, i * K);
        }

        var matrix = ProbabilityMatrix.FromProbabilities(data, K);
        var serial = new CredalPredictor(KullbackLeibler.Instance, Gamma, new CredalPredictorOptions { MaxDegreeOfParallelism = 1 });
        var parallel = new CredalPredictor(KullbackLeibler.Instance, Gamma, new CredalPredictorOptions { MaxDegreeOfParallelism = -1 });
        var budget = _budget with { RepetitionMs = 0.0, CaseMs = double.MaxValue };
        void One() => serial.Predict(matrix, CalibratedOutput.Intersection);
        void All() => parallel.Predict(matrix, CalibratedOutput.Intersection);
        var one = BenchTimer.Measure(One, budget);
        var all = BenchTimer.Measure(All, budget);
        return new BenchBatch(n, K, Environment.ProcessorCount, one.MedianMs, all.MedianMs, BenchPair.MedianRatio(One, All, budget).Ratio);
    }

    /// <summary>
    /// <c>credal predict --output intersection</c> of <paramref name="rows"/> x 10 edge rows for CSV, NPY and Parquet:
    /// seeded synthetic rows (4,096 rows of <see cref="BenchInputs"/>, tiled) written to a temporary folder (not timed),
    /// then <see cref="PredictionService.Stream"/> (chunked read, intersection probability, chunked write) timed once per
    /// format; a CD-CI calibrator fitted on KL scores of the same kind of rows. The folder is deleted afterwards.
    /// </summary>
    internal static BenchEndToEnd[] EndToEnd(int rows, IProgress<double> progress, CancellationToken cancellationToken)
    {
        const int K = 10;
        var block = BenchInputs.Create(K, 4096, 13).Probabilities;
        var data = new double[rows * K];
        for (int i = 0; i < rows; i++)
        {
            block[i & 4095].CopyTo(data, i * K);
        }

        var header = Enumerable.Range(0, K).Select(k => $"c{k}").ToArray();
        var cloud = BenchInputs.Create(K, 4096, 17).Probabilities.SelectMany(r => r).ToArray();
        var edge = block.SelectMany(r => r).ToArray();
        var scores = SplitConformal.Scores(ProbabilityMatrix.FromProbabilities(cloud, K), ProbabilityMatrix.FromProbabilities(edge, K), KullbackLeibler.Instance);
        var calibrator = new CdciCalibrator().FitScores(scores, K);
        string folder = Directory.CreateTempSubdirectory("credal-bench-").FullName;
        var results = new List<BenchEndToEnd>();
        try
        {
            string[] formats = ["csv", "npy", "parquet"];
            for (int f = 0; f < formats.Length; f++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                string input = Path.Combine(folder, "edge." + formats[f]);
                string output = Path.Combine(folder, "intersection." + formats[f]);
                MatrixFile.Write(input, data, rows, header.Length, header);
                var watch = Stopwatch.StartNew();
                using (var reader = new ProbabilityMatrixReader(MatrixReader.Open(input, K)))
                {
                    PredictionService.Stream(calibrator, reader, output, CalibratedOutput.Intersection, LabelSetRule.IntervalDominance, cancellationToken: cancellationToken);
                }

                results.Add(new BenchEndToEnd(formats[f], rows, K, watch.Elapsed.TotalSeconds));
                File.Delete(input);
                File.Delete(output);
                progress.Report((f + 1.0) / formats.Length);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        return [.. results];
    }

    private sealed class EdgeModel(OnnxClassifier model, double[][] rows, Action body) : IDisposable
    {
        public double[][] Rows { get; } = rows;

        public Action Body { get; } = () => body();

        public void Dispose() => model.Dispose();
    }
}
