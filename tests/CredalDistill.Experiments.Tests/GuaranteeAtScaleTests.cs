using CredalDistill.Experiments.Data;
using CredalDistill.IO;

namespace CredalDistill.Experiments.Tests;

/// <summary>The guarantee-at-scale test on synthetic outputs (fast); the bundled-model run is `credal experiment --guarantee`.</summary>
public sealed class GuaranteeAtScaleTests
{
    [Fact]
    public void Reference_law_is_a_distribution_with_mean_k_over_n_plus_1()
    {
        foreach (var (pool, n, eps) in new[] { (1000, 200, 0.1), (3000, 1000, 0.05), (500, 100, 0.2) })
        {
            long k = Conformal.SplitConformal.Rank(n, eps);
            var pmf = GuaranteeAtScale.ReferencePmf(pool, n, k);
            Assert.Equal(1.0, pmf.Sum(), 9);
            double mean = pmf.Select((p, t) => p * t / (pool - n)).Sum();
            Assert.Equal((double)k / (n + 1), mean, 9);
        }
    }

    [Fact]
    public void Synthetic_outputs_pass_over_300_splits_for_three_divergences_and_three_epsilons()
    {
        var task = SyntheticTask.Create(FashionMnistTask.Fmnist3, 1000, seed: 5);
        var checks = GuaranteeAtScale.Run("synthetic", task.Cloud, task.Edge, 200, 300, [0.05, 0.1, 0.2], ["kl", "tv", "hellinger"], seed: 17);
        Assert.Equal(9, checks.Count);
        Assert.True(GuaranteeAtScale.Passed(checks), GuaranteeAtScale.Markdown(checks, "test", 17));
        Assert.All(checks, c => Assert.InRange(c.StdCoverage, 0.5 * c.ExpectedStd, 1.5 * c.ExpectedStd));
    }

    [Fact]
    public void A_wrong_rank_is_detected_by_both_checks()
    {
        // Negative control: coverages produced at eps = 0.1, checked as if eps were 0.2.
        var task = SyntheticTask.Create(FashionMnistTask.Fmnist3, 1000, seed: 5);
        var at01 = GuaranteeAtScale.Run("synthetic", task.Cloud, task.Edge, 200, 300, [0.1], ["kl"], seed: 17).Single();
        var coverages = new double[300];
        var scores = Conformal.SplitConformal.Scores(task.Cloud, task.Edge, Divergences.KullbackLeibler.Instance);
        for (int s = 0; s < coverages.Length; s++)
        {
            var plan = SplitPlan.Create(1000, 200, 0, 17, s);
            double gamma = Conformal.SplitConformal.Threshold(plan.Calibration.Select(i => scores[i]).ToArray(), 0.1);
            coverages[s] = plan.Test.Count(i => scores[i] <= gamma) / (double)plan.Test.Length;
        }

        Assert.Equal(at01.MeanCoverage, coverages.Average(), 12);
        var wrong = GuaranteeAtScale.Check("synthetic", "kl", 0.2, coverages, 1000, 200);
        Assert.False(wrong.MeanWithinBand);
        Assert.True(wrong.KsPValue < 1e-6, $"p = {wrong.KsPValue}");
    }
}
