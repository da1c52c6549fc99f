using System.Collections.Concurrent;
using CredalDistill.Conformal;
using CredalDistill.Credal;
using CredalDistill.Divergences;
using CredalDistill.Shift;

namespace CredalDistill.Experiments;

/// <summary>
/// Threshold variants of METHOD.md section 3.4 on the bundled models, KL scores, on the splits of <see cref="ExperimentRunner"/>
/// (the unlabeled calibration set only): the marginal split-conformal threshold, the PAC threshold (<see cref="Delta"/>)
/// and the Mondrian thresholds by edge class, evaluated on the test rows (coverage, coverage within each predicted class,
/// interval-dominance label-set size); then covariate shift: each simulated <see cref="ImageShift"/> of the test images,
/// whose first half (edge outputs only, unlabeled) fits the density ratio and whose second half is evaluated, comparing
/// the clean threshold with the weighted one.
/// </summary>
public sealed class ThresholdStudy(ExperimentOptions options)
{
    /// <summary>The PAC failure probability studied.</summary>
    public const double Delta = 0.1;

    /// <summary>The miscoverage studied.</summary>
    public const double Epsilon = 0.1;

    /// <summary>Variant names in table order.</summary>
    public static IReadOnlyList<string> Variants { get; } = ["marginal", "pac", "mondrian"];

    private readonly ExperimentRunner _plans = new(options);

    /// <summary>Runs the study on one task and its shifted copies.</summary>
    public ThresholdStudyResult Run(TaskOutputs task, IReadOnlyList<TaskOutputs> shifted, IReadOnlyList<ImageShift> shifts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        int k = task.Classes;
        var kl = Divergence.KL;
        var allScores = SplitConformal.Scores(task.Cloud, task.Edge, kl);
        var shiftedScores = shifted.Select(s => SplitConformal.Scores(s.Cloud, s.Edge, kl)).ToArray();
        var perSplit = new ConcurrentBag<(int Split, VariantSplit[] Variants, ShiftSplit[] Shifts)>();
        Parallel.For(0, options.Splits, new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount }, split =>
        {
            var plan = _plans.Plan(task, split);
            var calScores = plan.Calibration.Select(i => allScores[i]).ToArray();
            var calPredicted = plan.Calibration.Select(task.Edge.ArgMax).ToArray();
            var marginal = SplitConformal.Calibrate(calScores, k, Epsilon, kl);
            var pac = TrainingConditional.Calibrate(calScores, k, Epsilon, Delta, kl);
            var mondrian = MondrianThreshold.Calibrate(calScores, calPredicted, k, Epsilon, kl);
            var variants = new VariantSplit[3];
            variants[0] = Evaluate(task, plan.Test, allScores, _ => marginal.Gamma);
            variants[1] = Evaluate(task, plan.Test, allScores, _ => pac.Gamma);
            variants[2] = Evaluate(task, plan.Test, allScores, c => mondrian.Gamma(c));

            var shiftResults = new ShiftSplit[shifted.Count];
            var calEdge = task.Edge.Select(plan.Calibration);
            int half = plan.Test.Length / 2;
            var fitRows = plan.Test[..half];
            var evalRows = plan.Test[half..];
            for (int s = 0; s < shifted.Count; s++)
            {
                var deploy = shifted[s];
                var ratio = LogisticDensityRatio.Fit(calEdge, deploy.Edge.Select(fitRows));
                var weighted = new CovariateShiftThreshold(ratio, new WeightedScores(calScores, ratio.Weights(calEdge)), Epsilon, kl, fitRows.Length);
                int cleanCovered = 0, weightedCovered = 0, unbounded = 0;
                double gammaSum = 0;
                foreach (int i in evalRows)
                {
                    double score = shiftedScores[s][i];
                    cleanCovered += score <= marginal.Gamma ? 1 : 0;
                    double gamma = weighted.GammaFor(deploy.Edge.AsEdgeRow(i));
                    weightedCovered += score <= gamma ? 1 : 0;
                    if (double.IsPositiveInfinity(gamma))
                    {
                        unbounded++;
                    }
                    else
                    {
                        gammaSum += gamma;
                    }
                }

                int m = evalRows.Length;
                shiftResults[s] = new ShiftSplit((double)cleanCovered / m, (double)weightedCovered / m, (double)unbounded / m, unbounded == m ? double.NaN : gammaSum / (m - unbounded), marginal.Gamma);
            }

            perSplit.Add((split, variants, shiftResults));
        });

        var ordered = perSplit.OrderBy(p => p.Split).ToArray();
        var variantSummaries = new Dictionary<string, VariantSummary>(StringComparer.Ordinal);
        for (int v = 0; v < Variants.Count; v++)
        {
            var rows = ordered.Select(p => p.Variants[v]).ToArray();
            variantSummaries[Variants[v]] = new VariantSummary
            {
                Coverage = rows.Average(r => r.Coverage),
                CoverageStd = MetricSummary.Of([.. rows.Select(r => r.Coverage)]).Std,
                SplitsAtTarget = rows.Count(r => r.Coverage >= 1 - Epsilon) / (double)rows.Length,
                MinClassCoverage = rows.Average(r => r.ClassCoverage.Where(double.IsFinite).Min()),
                ClassCoverage = [.. Enumerable.Range(0, k).Select(c => rows.Select(r => r.ClassCoverage[c]).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average())],
                SetSize = rows.Average(r => r.SetSize),
                Gamma = rows.Average(r => r.MeanGamma),
            };
        }

        var shiftSummaries = new List<ShiftSummary>();
        for (int s = 0; s < shifted.Count; s++)
        {
            var rows = ordered.Select(p => p.Shifts[s]).ToArray();
            shiftSummaries.Add(new ShiftSummary
            {
                Shift = shifts[s].Name,
                CleanCoverage = rows.Average(r => r.CleanCoverage),
                WeightedCoverage = rows.Average(r => r.WeightedCoverage),
                WeightedCoverageStd = MetricSummary.Of([.. rows.Select(r => r.WeightedCoverage)]).Std,
                UnboundedFraction = rows.Average(r => r.Unbounded),
                CleanGamma = rows.Average(r => r.CleanGamma),
                WeightedGamma = rows.Select(r => r.WeightedGamma).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average(),
                EdgeAccuracy = Metrics.Accuracy.Compute(shifted[s].Edge, task.Labels),
                CloudAccuracy = Metrics.Accuracy.Compute(shifted[s].Cloud, task.Labels),
            });
        }

        return new ThresholdStudyResult { Task = task.Task.Name, Classes = k, Splits = options.Splits, Variants = variantSummaries, Shifts = shiftSummaries };
    }

    /// <summary>Coverage, per-predicted-class coverage, label-set size and mean gamma of one threshold rule on the test rows.</summary>
    private static VariantSplit Evaluate(TaskOutputs task, int[] test, double[] scores, Func<int, double> gammaOfClass)
    {
        int k = task.Classes;
        var covered = new int[k];
        var count = new int[k];
        var predictors = new CredalPredictor[k];
        for (int c = 0; c < k; c++)
        {
            predictors[c] = new CredalPredictor(Divergence.KL, gammaOfClass(c));
        }

        var lower = new double[k];
        var upper = new double[k];
        var members = new bool[k];
        double size = 0, gammaSum = 0;
        foreach (int i in test)
        {
            int c = task.Edge.ArgMax(i);
            count[c]++;
            covered[c] += scores[i] <= gammaOfClass(c) ? 1 : 0;
            predictors[c].Bounds(task.Edge.AsEdgeRow(i), lower, upper);
            LabelSets.IntervalDominance(lower, upper, members);
            size += members.Count(m => m);
            gammaSum += Math.Min(gammaOfClass(c), 1e300);
        }

        var classCoverage = Enumerable.Range(0, k).Select(c => count[c] == 0 ? double.NaN : (double)covered[c] / count[c]).ToArray();
        return new VariantSplit((double)covered.Sum() / test.Length, classCoverage, size / test.Length, gammaSum / test.Length);
    }

    private sealed record VariantSplit(double Coverage, double[] ClassCoverage, double SetSize, double MeanGamma);

    private sealed record ShiftSplit(double CleanCoverage, double WeightedCoverage, double Unbounded, double WeightedGamma, double CleanGamma);
}
