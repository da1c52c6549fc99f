using System.Globalization;
using CredalDistill.Conformal;
using CredalDistill.Credal;
using CredalDistill.Divergences;
using CredalDistill.Experiments.Data;
using CredalDistill.IO;

namespace CredalDistill.Experiments.Tests;

/// <summary>The studies beyond the paper on synthetic outputs: numbers recomputed independently from their definitions.</summary>
public sealed class BeyondPaperStudiesTests
{
    private static readonly ExperimentOptions Small = new() { Splits = 3, CalibrationSize = 300, LabeledSize = 200, Seed = 11 };

    private static readonly TaskOutputs Task = SyntheticTask.Create(FashionMnistTask.Fmnist3, 1600, seed: 5);

    private static readonly TaskOutputs Shifted = SyntheticTask.Create(FashionMnistTask.Fmnist3, 1600, seed: 6);

    [Fact]
    public void Threshold_study_coverages_follow_from_the_scores_and_pac_covers_at_least_as_much()
    {
        var result = new ThresholdStudy(Small).Run(Task, [Shifted], [new ImageShift("noise", 0.1)]);
        var plans = new ExperimentRunner(Small);
        var scores = SplitConformal.Scores(Task.Cloud, Task.Edge, Divergence.KL);
        var shiftedScores = SplitConformal.Scores(Shifted.Cloud, Shifted.Edge, Divergence.KL);
        double marginal = 0, pac = 0, clean = 0;
        for (int s = 0; s < Small.Splits; s++)
        {
            var plan = plans.Plan(Task, s);
            var cal = plan.Calibration.Select(i => scores[i]).ToArray();
            double gamma = SplitConformal.Threshold(cal, 0.1);
            double gammaPac = TrainingConditional.Calibrate(cal, 3, 0.1, 0.1, Divergence.KL).Gamma;
            Assert.True(gammaPac >= gamma);
            marginal += plan.Test.Count(i => scores[i] <= gamma) / (double)plan.Test.Length;
            pac += plan.Test.Count(i => scores[i] <= gammaPac) / (double)plan.Test.Length;
            var evalRows = plan.Test[(plan.Test.Length / 2)..];
            clean += evalRows.Count(i => shiftedScores[i] <= gamma) / (double)evalRows.Length;
        }

        Assert.Equal(marginal / Small.Splits, result.Variants["marginal"].Coverage, 12);
        Assert.Equal(pac / Small.Splits, result.Variants["pac"].Coverage, 12);
        Assert.Equal(clean / Small.Splits, result.Shifts[0].CleanCoverage, 12);
        Assert.True(result.Variants["pac"].Coverage >= result.Variants["marginal"].Coverage);
        Assert.Equal(3, result.Variants["mondrian"].ClassCoverage.Count);
        Assert.InRange(result.Shifts[0].WeightedCoverage, 0, 1);
    }

    [Fact]
    public void Deferral_curves_start_at_the_edge_and_end_at_the_cloud_and_the_label_set_rule_is_recomputed()
    {
        var result = new DeferralStudy(Small).Run(Task);
        var plans = new ExperimentRunner(Small);
        double edge = 0, cloud = 0, setRate = 0;
        for (int s = 0; s < Small.Splits; s++)
        {
            var plan = plans.Plan(Task, s);
            edge += plan.Test.Count(i => Task.Edge.ArgMax(i) == Task.Labels[i]) / (double)plan.Test.Length;
            cloud += plan.Test.Count(i => Task.Cloud.ArgMax(i) == Task.Labels[i]) / (double)plan.Test.Length;
            var predictor = new CredalPredictor(SplitConformal.Calibrate(Task.Cloud.Select(plan.Calibration), Task.Edge.Select(plan.Calibration), 0.1, Divergence.KL));
            var members = new bool[3];
            setRate += plan.Test.Count(i =>
            {
                predictor.LabelSet(Task.Edge.Row(i), LabelSetRule.IntervalDominance, members);
                return members.Count(m => m) > 1;
            }) / (double)plan.Test.Length;
        }

        foreach (var rule in result.Rules)
        {
            Assert.Equal(edge / Small.Splits, rule.Curve[0], 12);
            Assert.Equal(cloud / Small.Splits, rule.Curve[^1], 12);
        }

        Assert.Equal(setRate / Small.Splits, result.LabelSetRate, 12);
        Assert.All(result.Selection, p => Assert.InRange(p.Rate, 0, 1));
    }

    [Fact]
    public void Monitoring_reports_the_threshold_coverage_and_a_trace_per_audited_input()
    {
        // The "shifted" outputs are a second draw of the same generator: a stream with no real shift.
        var result = new MonitoringStudy(Small).Run(Task, [Shifted], [new ImageShift("noise", 0.1)]);
        var plan = new ExperimentRunner(Small).Plan(Task, 0);
        var scores = SplitConformal.Scores(Task.Cloud, Task.Edge, Divergence.KL);
        double gamma = SplitConformal.Threshold(plan.Calibration.Select(i => scores[i]).ToArray(), 0.1);
        Assert.Equal(gamma, result.Gamma);
        Assert.Equal(plan.Test.Count(i => scores[i] <= gamma) / (double)plan.Test.Length, result.CleanCoverage, 12);
        var shift = Assert.Single(result.Shifts);
        Assert.Equal(plan.Test.Length, result.TraceCoverage.Length);
        Assert.InRange(shift.DetectionRate + shift.EarlyAlarmRate, 0, 1);
    }

    [Fact]
    public void Markdown_quotes_the_numbers()
    {
        var thresholds = new ThresholdStudy(Small).Run(Task, [Shifted], [new ImageShift("noise", 0.1)]);
        var deferral = new DeferralStudy(Small).Run(Task);
        var monitoring = new MonitoringStudy(Small).Run(Task, [Shifted], [new ImageShift("noise", 0.1)]);
        string md = BeyondPaperMarkdown.Render(Small, [thresholds], [deferral], [monitoring], TimeSpan.FromSeconds(5));
        string coverage = (100 * thresholds.Variants["pac"].Coverage).ToString("F2", CultureInfo.InvariantCulture);
        Assert.Contains($"| fmnist3 | `pac` | {coverage} ±", md, StringComparison.Ordinal);
        Assert.Contains("## Edge-to-cloud deferral", md, StringComparison.Ordinal);
        Assert.Contains((100 * deferral.LabelSetRate).ToString("F1", CultureInfo.InvariantCulture), md, StringComparison.Ordinal);
        Assert.Contains("## Drift monitoring", md, StringComparison.Ordinal);
    }
}
