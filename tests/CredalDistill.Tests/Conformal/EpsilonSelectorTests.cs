using CredalDistill.Conformal;
using CredalDistill.Credal;
using CredalDistill.Divergences;
using CredalDistill.Metrics;

namespace CredalDistill.Tests.Conformal;

public class EpsilonSelectorTests
{
    [Fact]
    public void Cloud_referenced_ece_matches_a_hand_computation()
    {
        // Two rows, both top-1 class 0 with confidence 0.9 (bin 13); the cloud gives class 0 probability 0.6 and 0.8.
        var output = ProbabilityMatrix.FromProbabilities([0.9, 0.1, 0.9, 0.1], 2);
        var cloud = ProbabilityMatrix.FromProbabilities([0.6, 0.4, 0.8, 0.2], 2);
        Assert.Equal(0.2, CloudReferencedCalibrationError.Compute(output, cloud), 12);
    }

    [Fact]
    public void Selection_improves_an_overconfident_edge_and_is_reproducible()
    {
        // Cloud: softmax of random logits; edge: the same logits sharpened 3x plus noise (over-confident).
        var rng = new Random(5);
        int n = 1000, k = 4;
        var z = new double[n * k];
        var ze = new double[n * k];
        for (int i = 0; i < z.Length; i++)
        {
            z[i] = 2.0 * (rng.NextDouble() - 0.5) * 2.0;
            ze[i] = (3.0 * z[i]) + (0.3 * (rng.NextDouble() - 0.5));
        }

        var cloud = ProbabilityMatrix.FromLogits(z, k);
        var edge = ProbabilityMatrix.FromLogits(ze, k);
        var a = EpsilonSelector.Select(cloud, edge, KullbackLeibler.Instance, seed: 3);
        var b = EpsilonSelector.Select(cloud, edge, KullbackLeibler.Instance, seed: 3);
        Assert.Equal(a.Epsilon, b.Epsilon);
        Assert.Equal(a.Scores, b.Scores);
        Assert.Equal(a.Scores.Min(), a.Scores[a.ChosenIndex]);
        Assert.Equal(SplitConformal.Calibrate(cloud, edge, a.Epsilon, KullbackLeibler.Instance).Gamma, a.Threshold.Gamma);

        double raw = CloudReferencedCalibrationError.Compute(edge, cloud);
        var calibrated = new CredalPredictor(a.Threshold).Predict(edge);
        Assert.True(CloudReferencedCalibrationError.Compute(calibrated, cloud) < raw / 2, "the chosen eps should at least halve the over-confident edge's error");
    }

    [Fact]
    public void Bad_arguments_are_rejected()
    {
        var m = ProbabilityMatrix.FromProbabilities([0.5, 0.5, 0.4, 0.6], 2);
        Assert.Throws<ArgumentException>(() => EpsilonSelector.Select(m, m, KullbackLeibler.Instance, candidates: []));
        Assert.Throws<ArgumentOutOfRangeException>(() => EpsilonSelector.Select(m, m, KullbackLeibler.Instance, candidates: [1.5]));
        Assert.Throws<ArgumentOutOfRangeException>(() => EpsilonSelector.Select(m, m, KullbackLeibler.Instance, folds: 5));
    }
}
