using CredalDistill.Conformal;

namespace CredalDistill.Tests.Conformal;

/// <summary>The weighted conformal quantile against the unweighted rule and a brute-force reference.</summary>
public class WeightedScoresTests
{
    /// <summary>O(n^2) reference: the smallest candidate s (scores, then +inf) whose weighted CDF reaches 1 - eps.</summary>
    private static double Reference(double[] scores, double[] weights, double testWeight, double eps)
    {
        double total = weights.Sum() + testWeight;
        foreach (double s in scores.Order())
        {
            double mass = 0;
            for (int i = 0; i < scores.Length; i++)
            {
                mass += scores[i] <= s ? weights[i] : 0;
            }

            if (mass / total >= 1 - eps - 1e-12)
            {
                return s;
            }
        }

        return double.PositiveInfinity;
    }

    [Fact]
    public void Unit_weights_give_the_split_conformal_threshold()
    {
        var rng = new Random(5);
        double[] epsilons = [0.01, 0.05, 0.1, 0.2, 0.3, 0.7];
        for (int c = 0; c < 500; c++)
        {
            int n = rng.Next(1, 300);
            var scores = Enumerable.Range(0, n).Select(_ => Math.Round(rng.NextDouble() * 5, 2)).ToArray();
            double eps = epsilons[rng.Next(epsilons.Length)];
            var weighted = new WeightedScores(scores, Enumerable.Repeat(1.0, n).ToArray());
            Assert.Equal(SplitConformal.Threshold(scores, eps), weighted.Threshold(1.0, eps));
        }
    }

    [Fact]
    public void Random_weights_match_the_brute_force_quantile()
    {
        var rng = new Random(6);
        for (int c = 0; c < 400; c++)
        {
            int n = rng.Next(1, 80);
            var scores = Enumerable.Range(0, n).Select(_ => rng.NextDouble() < 0.05 ? double.PositiveInfinity : rng.NextDouble()).ToArray();
            var weights = Enumerable.Range(0, n).Select(_ => rng.NextDouble() < 0.1 ? 0.0 : Math.Exp(2 * (rng.NextDouble() - 0.5))).ToArray();
            if (weights.Sum() == 0)
            {
                weights[0] = 1;
            }

            double testWeight = rng.NextDouble() * 3, eps = 0.02 + (rng.NextDouble() * 0.5);
            Assert.Equal(Reference(scores, weights, testWeight, eps), new WeightedScores(scores, weights).Threshold(testWeight, eps));
        }
    }

    [Fact]
    public void A_heavy_test_point_makes_the_threshold_unbounded_and_bad_weights_are_refused()
    {
        var weighted = new WeightedScores([0.1, 0.2, 0.3], [1.0, 1.0, 1.0]);
        Assert.Equal(0.2, weighted.Threshold(0.0, 0.6)); // CDF 1/3 < 0.4 <= 2/3
        Assert.True(double.IsPositiveInfinity(weighted.Threshold(100.0, 0.1)));
        Assert.Throws<ArgumentException>(() => new WeightedScores([0.1, 0.2], [1.0, -1.0]));
        Assert.Throws<ArgumentException>(() => new WeightedScores([0.1, 0.2], [0.0, 0.0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => weighted.Threshold(double.NaN, 0.1));
    }
}
