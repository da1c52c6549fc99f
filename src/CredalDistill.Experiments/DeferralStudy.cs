using CredalDistill.Calibration;
using System.Collections.Concurrent;
using CredalDistill.Baselines;
using CredalDistill.Conformal;
using CredalDistill.Credal;
using CredalDistill.Deferral;
using CredalDistill.Divergences;
using CredalDistill.Metrics;

namespace CredalDistill.Experiments;

/// <summary>
/// Edge-to-cloud deferral on the bundled models, on the splits of <see cref="ExperimentRunner"/>: CD-CI (KL, eps 0.1) and
/// distilled TS are fitted on the unlabeled calibration set; on the test rows the system answers with the cloud on the
/// deferred inputs and with the edge elsewhere. Each rule orders the inputs by its statistic (<see cref="Rules"/>); its
/// accuracy-against-deferral-rate curve is averaged over splits, with the rate needed to come within
/// <see cref="Tolerance"/> of the cloud's accuracy. Conformal selection with Benjamini-Hochberg (alignment = same
/// predicted class as the cloud, score = edge confidence) gives one operating point per level.
/// </summary>
public sealed class DeferralStudy(ExperimentOptions options)
{
    /// <summary>Accuracy gap to the cloud that the rate-to-reach statistic targets (1 point).</summary>
    public const double Tolerance = 0.01;

    /// <summary>CD-CI miscoverage used for the credal rules.</summary>
    public const double Epsilon = 0.1;

    /// <summary>The ranking rules, in table order.</summary>
    public static IReadOnlyList<string> Rules { get; } = ["edge confidence", "distilled-TS confidence", "credal: top-class interval width", "credal: rival upper probability", "credal: label-set size, then width"];

    /// <summary>Levels of the conformal-selection (BH) operating points.</summary>
    public static IReadOnlyList<double> SelectionLevels { get; } = [0.01, 0.02, 0.05, 0.1];

    /// <summary>The deferral-rate grid of the averaged curves (0, 0.01, ..., 1).</summary>
    public static double[] RateGrid { get; } = [.. Enumerable.Range(0, 101).Select(i => i / 100.0)];

    private readonly ExperimentRunner _plans = new(options);

    /// <summary>Runs the study on one task (clean test rows).</summary>
    public DeferralStudyResult Run(TaskOutputs task, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        int k = task.Classes;
        var bag = new ConcurrentBag<(int Split, double[][] Curves, double[] Rates, (double Rate, double Accuracy, double Misaligned)[] Selection, (double Rate, double Accuracy) SetRule, double Cloud, double Edge)>();
        Parallel.For(0, options.Splits, new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount }, split =>
        {
            var plan = _plans.Plan(task, split);
            var threshold = SplitConformal.Calibrate(task.Cloud.Select(plan.Calibration), task.Edge.Select(plan.Calibration), Epsilon, Divergence.KL);
            var predictor = new CredalPredictor(threshold);
            var distilled = ExperimentRunner.Fit("distilled-ts", new CalibrationData(task.Cloud.Select(plan.Calibration), task.Edge.Select(plan.Calibration)), null, cancellationToken);
            var test = plan.Test;
            int m = test.Length;
            var edgeCorrect = test.Select(i => task.Edge.ArgMax(i) == task.Labels[i]).ToArray();
            var cloudCorrect = test.Select(i => task.Cloud.ArgMax(i) == task.Labels[i]).ToArray();
            var tempered = distilled.Calibrate(task.Edge.Select(test), cancellationToken);
            var width = new CredalDeferral(predictor, DeferralRule.TopIntervalWidth);
            var rival = new CredalDeferral(predictor, DeferralRule.RivalUpper);
            var size = new CredalDeferral(predictor, DeferralRule.LabelSetSize);
            var scores = new double[Rules.Count][];
            for (int r = 0; r < Rules.Count; r++)
            {
                scores[r] = new double[m];
            }

            var testConfidence = new double[m];
            for (int j = 0; j < m; j++)
            {
                var row = task.Edge.AsEdgeRow(test[j]);
                testConfidence[j] = MaxProbability(task.Edge.Row(test[j]));
                scores[0][j] = 1 - testConfidence[j];
                scores[1][j] = 1 - MaxProbability(tempered.Row(j));
                double w = width.Score(row);
                scores[2][j] = w;
                scores[3][j] = rival.Score(row);
                scores[4][j] = size.Score(row) + w; // size first, width (< 1) breaks ties
            }

            var curves = new double[Rules.Count][];
            var rates = new double[Rules.Count];
            double cloudAccuracy = cloudCorrect.Count(c => c) / (double)m;
            for (int r = 0; r < Rules.Count; r++)
            {
                var curve = DeferralCurve.Accuracy(scores[r], edgeCorrect, cloudCorrect);
                curves[r] = [.. RateGrid.Select(rate => curve[(int)Math.Round(rate * m)])];
                rates[r] = DeferralCurve.RateToReach(curve, cloudAccuracy - Tolerance) ?? double.NaN;
            }

            // Label-set rule as a single operating point: defer exactly the inputs whose set has more than one label.
            int deferred = 0, correct = 0;
            for (int j = 0; j < m; j++)
            {
                bool defer = scores[4][j] >= 2;
                deferred += defer ? 1 : 0;
                correct += (defer ? cloudCorrect[j] : edgeCorrect[j]) ? 1 : 0;
            }

            // Conformal selection: calibration alignment (edge class == cloud class), score = edge confidence.
            var calConfidence = plan.Calibration.Select(i => MaxProbability(task.Edge.Row(i))).ToArray();
            var aligned = plan.Calibration.Select(i => task.Edge.ArgMax(i) == task.Cloud.ArgMax(i)).ToArray();
            var selection = new ConformalSelection(calConfidence, aligned);
            var points = new (double, double, double)[SelectionLevels.Count];
            for (int a = 0; a < SelectionLevels.Count; a++)
            {
                var keep = selection.Select(testConfidence, SelectionLevels[a]);
                int kept = keep.Count(x => x), ok = 0, misaligned = 0;
                for (int j = 0; j < m; j++)
                {
                    ok += (keep[j] ? edgeCorrect[j] : cloudCorrect[j]) ? 1 : 0;
                    misaligned += keep[j] && task.Edge.ArgMax(test[j]) != task.Cloud.ArgMax(test[j]) ? 1 : 0;
                }

                points[a] = (1 - ((double)kept / m), (double)ok / m, kept == 0 ? 0 : (double)misaligned / kept);
            }

            bag.Add((split, curves, rates, points, ((double)deferred / m, (double)correct / m), cloudAccuracy, edgeCorrect.Count(c => c) / (double)m));
        });

        var all = bag.OrderBy(b => b.Split).ToArray();
        return new DeferralStudyResult
        {
            Task = task.Task.Name,
            Splits = options.Splits,
            EdgeAccuracy = all.Average(a => a.Edge),
            CloudAccuracy = all.Average(a => a.Cloud),
            Rules = [.. Rules.Select((name, r) => new DeferralRuleSummary
            {
                Rule = name,
                Curve = [.. RateGrid.Select((_, g) => all.Average(a => a.Curves[r][g]))],
                RateToReach = all.Select(a => a.Rates[r]).Average(),
            })],
            LabelSetRate = all.Average(a => a.SetRule.Rate),
            LabelSetAccuracy = all.Average(a => a.SetRule.Accuracy),
            Selection = [.. SelectionLevels.Select((level, a) => new SelectionPoint
            {
                Level = level,
                Rate = all.Average(x => x.Selection[a].Rate),
                Accuracy = all.Average(x => x.Selection[a].Accuracy),
                MisalignedAmongKept = all.Average(x => x.Selection[a].Misaligned),
            })],
        };
    }

    /// <summary><c>max_k p_k</c>, read at the arg-max used by the metrics.</summary>
    private static double MaxProbability(ReadOnlySpan<double> p) => p[MetricInput.ArgMax(p)];
}
