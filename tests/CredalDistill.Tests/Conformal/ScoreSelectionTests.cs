using CredalDistill.Conformal;

namespace CredalDistill.Tests.Conformal;

public sealed class ScoreSelectionTests
{
    private static Func<IEnumerable<ReadOnlyMemory<double>>> Shards(double[] scores, int chunk, List<int>? passes = null)
        => () =>
        {
            passes?.Add(1);
            return Enumerable.Range(0, (scores.Length + chunk - 1) / chunk)
                .Select(c => new ReadOnlyMemory<double>(scores, c * chunk, Math.Min(chunk, scores.Length - (c * chunk))));
        };

    private static double[] Scores(int n, int seed)
    {
        var rng = new Random(seed);
        var s = new double[n];
        for (int i = 0; i < n; i++)
        {
            s[i] = rng.Next(10) switch
            {
                0 => 0.0,
                1 => double.PositiveInfinity,
                2 => Math.Round(rng.NextDouble(), 2), // ties
                3 => -rng.NextDouble() * 1e-12,       // rounding below zero
                _ => -Math.Log(rng.NextDouble()),
            };
        }

        return s;
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1000, 2)]
    [InlineData(5003, 3)]
    public void Every_rank_equals_the_sorted_array(int n, int seed)
    {
        var s = Scores(n, seed);
        var sorted = s.OrderBy(x => x).ToArray();
        foreach (long k in new long[] { 1, 2, n / 3, n / 2, n - 1, n, n + 1 }.Where(k => k >= 1).Distinct())
        {
            double expected = k > n ? double.PositiveInfinity : sorted[k - 1];
            Assert.Equal(expected, ScoreSelection.KthSmallest(Shards(s, 97), k));
            Assert.Equal(expected, ScoreSelection.KthSmallest(Shards(s, 97), k, maxCandidates: 1)); // refines down to one key
        }
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.01)]
    [InlineData(0.5)]
    public void Threshold_equals_the_in_memory_conformal_threshold(double epsilon)
    {
        var s = Scores(2000, 7);
        var passes = new List<int>();
        Assert.Equal(SplitConformal.Threshold(s, epsilon), ScoreSelection.Threshold(Shards(s, 128, passes), epsilon));
        Assert.Equal(2, passes.Count);
    }

    [Fact]
    public void Concentrated_scores_refine_with_more_histogram_passes()
    {
        // 4096 scores within a few ulps: the first 16 key bits cannot separate them.
        var s = Enumerable.Range(0, 4096).Select(i => BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(0.3) + ((i * 7919) % 4096))).ToArray();
        var passes = new List<int>();
        Assert.Equal(s.Order().ElementAt(999), ScoreSelection.KthSmallest(Shards(s, 100, passes), 1000, maxCandidates: 64));
        Assert.InRange(passes.Count, 3, 5);
    }

    [Fact]
    public void Too_few_scores_give_infinity_and_bad_scores_are_refused()
    {
        Assert.Equal(double.PositiveInfinity, ScoreSelection.Threshold(Shards([0.1, 0.2, 0.3], 2), 0.1));
        Assert.Throws<ArgumentException>(() => ScoreSelection.Threshold(Shards([0.1, double.NaN], 2), 0.1));
        Assert.Throws<ArgumentException>(() => ScoreSelection.Threshold(Shards([], 2), 0.1));
    }
}
