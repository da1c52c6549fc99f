using CredalDistill.Conformal;
using CredalDistill.Credal;
using CredalDistill.Divergences;
using CredalDistill.Metrics;

namespace CredalDistill.Tests.Conformal;

public class ConfigurationSelectorTests
{
    private static (ProbabilityMatrix Cloud, ProbabilityMatrix Edge) OverConfident(int n, int k, int seed)
    {
        // Cloud: softmax of random logits; edge: the same logits sharpened 2.5x plus noise (over-confident).
        var rng = new Random(seed);
        var z = new double[n * k];
        var ze = new double[n * k];
        for (int i = 0; i < z.Length; i++)
        {
            z[i] = 2.0 * (rng.NextDouble() - 0.5) * 2.0;
            ze[i] = (2.5 * z[i]) + (0.3 * (rng.NextDouble() - 0.5));
        }

        return (ProbabilityMatrix.FromLogits(z, k), ProbabilityMatrix.FromLogits(ze, k));
    }

    [Fact]
    public void Each_divergence_row_equals_the_epsilon_selector_on_the_same_folds_and_the_minimum_wins()
    {
        var (cloud, edge) = OverConfident(600, 4, seed: 8);
        FDivergence[] divergences = [KullbackLeibler.Instance, TotalVariation.Instance, Divergence.Parse("chi2"), Divergence.Parse("alpha:1.2")];
        double[] eps = [0.05, 0.1, 0.2, 0.3];
        var joint = ConfigurationSelector.Select(cloud, edge, divergences, epsilons: eps, seed: 4);

        double best = double.PositiveInfinity;
        for (int d = 0; d < divergences.Length; d++)
        {
            var single = EpsilonSelector.Select(cloud, edge, divergences[d], candidates: eps, seed: 4);
            Assert.Equal(single.Scores, joint.Scores[d]);
            best = Math.Min(best, single.Scores.Min());
        }

        Assert.Equal(best, joint.Scores[joint.ChosenDivergenceIndex][joint.ChosenEpsilonIndex]);
        var expected = SplitConformal.Calibrate(cloud, edge, joint.Epsilon, joint.Divergence);
        Assert.Equal(expected.Gamma, joint.Threshold.Gamma);
        Assert.Same(joint.Divergence, joint.Threshold.Divergence);

        // The chosen configuration fixes most of the over-confidence, measured against the cloud on the same inputs.
        double raw = CloudReferencedCalibrationError.Compute(edge, cloud);
        var calibrated = new CredalPredictor(joint.Threshold).Predict(edge);
        Assert.True(CloudReferencedCalibrationError.Compute(calibrated, cloud) < raw / 2);
    }

    [Fact]
    public void Defaults_cover_every_named_divergence_and_the_default_eps_grid()
    {
        var (cloud, edge) = OverConfident(200, 3, seed: 9);
        var joint = ConfigurationSelector.Select(cloud, edge);
        Assert.Equal(ConfigurationSelector.DefaultDivergences, joint.Divergences.Select(d => d.Name));
        Assert.Equal(EpsilonSelector.DefaultCandidates, joint.Epsilons);
        Assert.All(joint.Scores, row => Assert.Equal(joint.Epsilons.Count, row.Count));
    }

    [Fact]
    public void Bad_arguments_are_rejected()
    {
        var m = ProbabilityMatrix.FromProbabilities([0.5, 0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8], 2);
        Assert.Throws<ArgumentException>(() => ConfigurationSelector.Select(m, m, divergences: []));
        Assert.Throws<ArgumentException>(() => ConfigurationSelector.Select(m, m, epsilons: []));
        Assert.Throws<ArgumentOutOfRangeException>(() => ConfigurationSelector.Select(m, m, epsilons: [0.0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => ConfigurationSelector.Select(m, m, folds: 3));
    }
}
