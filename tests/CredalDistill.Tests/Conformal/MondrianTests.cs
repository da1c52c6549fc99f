using CredalDistill.Conformal;
using CredalDistill.Divergences;
using CredalDistill.Tests.Support;

namespace CredalDistill.Tests.Conformal;

/// <summary>Mondrian thresholds against a per-class reference, the unbounded state, and simulated per-class coverage.</summary>
public class MondrianTests
{
    [Fact]
    public void Each_class_threshold_is_the_split_conformal_threshold_of_its_own_rows()
    {
        var rng = new Random(3);
        var (cloud, edge) = SyntheticPairs.Draw(rng, 600, 4, shift: 1.0);
        var mondrian = MondrianThreshold.Calibrate(cloud, edge, 0.1, Divergence.KL);
        var scores = SplitConformal.Scores(cloud, edge, Divergence.KL);
        for (int c = 0; c < 4; c++)
        {
            // Reference: the rows whose edge row has its largest entry (first on ties) at c.
            var mine = Enumerable.Range(0, edge.Rows).Where(i => edge.Row(i).IndexOf(edge.Row(i).ToArray().Max()) == c).Select(i => scores[i]).ToArray();
            Assert.Equal(mine.Length, mondrian.Count(c));
            Assert.Equal(SplitConformal.Threshold(mine, 0.1), mondrian.Gamma(c));
        }

        Assert.Equal(600, mondrian.N);
        Assert.Empty(mondrian.Warnings());
    }

    [Fact]
    public void A_class_with_too_few_rows_is_unbounded_with_a_warning_and_rows_use_their_own_class()
    {
        double[] scores = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 5.0];
        int[] predicted = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
        var mondrian = MondrianThreshold.Calibrate(scores, predicted, 3, 0.1, Divergence.KL);
        Assert.Equal(1.0, mondrian.Gamma(0)); // k = ceil(11 * 0.9) = 10 of 10
        Assert.True(double.IsPositiveInfinity(mondrian.Gamma(1)));
        Assert.True(double.IsPositiveInfinity(mondrian.Gamma(2)));
        Assert.Equal(0, mondrian.Count(2));
        Assert.Equal(2, mondrian.Warnings().Count);
        Assert.Contains("class 2: 0 calibration rows", mondrian.Warnings()[1], StringComparison.Ordinal);
        Assert.Equal(1.0, mondrian.GammaFor(EdgeRow.FromProbabilities([0.5, 0.3, 0.2])));
        Assert.True(double.IsPositiveInfinity(mondrian.GammaFor(EdgeRow.FromProbabilities([0.2, 0.6, 0.2]))));
        Assert.Equal(1.0, mondrian.GammaFor(EdgeRow.FromProbabilities([0.4, 0.4, 0.2]))); // tie: lowest index
    }

    [Fact]
    public void Coverage_holds_within_each_predicted_class()
    {
        // Class 0 is predicted more often and its scores differ (the shift), so a single threshold would over-cover one
        // class and under-cover another; Mondrian covers each at >= 1 - eps on average over calibration draws.
        const double eps = 0.1;
        const int reps = 200;
        var rng = new Random(17);
        var covered = new double[3];
        var counted = new double[3];
        for (int r = 0; r < reps; r++)
        {
            var (calCloud, calEdge) = SyntheticPairs.Draw(rng, 300, 3, noise: 1.0, shift: 1.5);
            var (testCloud, testEdge) = SyntheticPairs.Draw(rng, 60, 3, noise: 1.0, shift: 1.5);
            var mondrian = MondrianThreshold.Calibrate(calCloud, calEdge, eps, Divergence.KL);
            var scores = SplitConformal.Scores(testCloud, testEdge, Divergence.KL);
            for (int i = 0; i < testEdge.Rows; i++)
            {
                int c = testEdge.ArgMax(i);
                counted[c]++;
                covered[c] += scores[i] <= mondrian.Gamma(c) ? 1 : 0;
            }
        }

        for (int c = 0; c < 3; c++)
        {
            double rate = covered[c] / counted[c];
            double se = Math.Sqrt(eps * (1 - eps) / counted[c]) * 3; // generous: draws are clustered by calibration set
            Assert.True(rate >= 1 - eps - (4 * se), $"class {c}: coverage {rate} over {counted[c]} rows");
        }
    }
}
