using CredalDistill.Conformal;

namespace CredalDistill.Tests.Conformal;

public class ScoreSummaryTests
{
    [Fact]
    public void Summary_of_one_to_ten()
    {
        double[] scores = [7, 3, 10, 1, 5, 9, 2, 8, 4, 6];
        var s = ScoreSummary.FromScores(scores);
        Assert.Equal(10, s.Count);
        Assert.Equal(0, s.InfiniteCount);
        Assert.Equal(1.0, s.Min);
        Assert.Equal(10.0, s.Max);
        Assert.Equal(5.5, s.Median); // (5 + 6) / 2
        Assert.Equal(5.5, s.Mean);
        Assert.Equal(5.5, s.FiniteMean);
        Assert.Equal(9.0, s.Quantile90); // ceil(10 * 0.9) = 9th smallest
        Assert.Equal(10.0, s.Quantile95); // ceil(9.5) = 10
        Assert.Equal(10.0, s.Quantile99); // ceil(9.9) = 10
    }

    [Fact]
    public void Odd_count_median_and_quantiles_for_n_200()
    {
        var scores = new double[200];
        for (int i = 0; i < 200; i++)
        {
            scores[i] = 200 - i; // 200..1
        }

        var s = ScoreSummary.FromScores(scores);
        Assert.Equal(100.5, s.Median);
        Assert.Equal(180.0, s.Quantile90); // ceil(180) = 180th smallest
        Assert.Equal(190.0, s.Quantile95);
        Assert.Equal(198.0, s.Quantile99);

        var odd = ScoreSummary.FromScores([3.0, 1.0, 2.0]);
        Assert.Equal(2.0, odd.Median);
    }

    [Fact]
    public void Infinite_scores_are_counted_and_sorted_last()
    {
        var s = ScoreSummary.FromScores([1.0, double.PositiveInfinity, 2.0, 3.0]);
        Assert.Equal(4, s.Count);
        Assert.Equal(1, s.InfiniteCount);
        Assert.Equal(double.PositiveInfinity, s.Mean);
        Assert.Equal(2.0, s.FiniteMean);
        Assert.Equal(2.5, s.Median);
        Assert.Equal(double.PositiveInfinity, s.Max);
        Assert.Equal(double.PositiveInfinity, s.Quantile90);

        var half = ScoreSummary.FromScores([1.0, double.PositiveInfinity]);
        Assert.Equal(double.PositiveInfinity, half.Median);

        var all = ScoreSummary.FromScores([double.PositiveInfinity]);
        Assert.Null(all.FiniteMean);
    }

    [Fact]
    public void Invalid_scores_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => ScoreSummary.FromScores(ReadOnlySpan<double>.Empty));
        var ex = Assert.Throws<ArgumentException>(() => ScoreSummary.FromScores([1.0, double.NaN]));
        Assert.Contains("row 1", ex.Message);
    }
}
