using CredalDistill.Conformal;
using CredalDistill.Divergences;

namespace CredalDistill.Tests.Conformal;

public class SplitConformalTests
{
    // k = ceil((n + 1)(1 - eps)), computed by hand.
    [Theory]
    [InlineData(9, 0.1, 9)] // 10 * 0.9 = 9
    [InlineData(10, 0.1, 10)] // 11 * 0.9 = 9.9
    [InlineData(19, 0.1, 18)] // 20 * 0.9 = 18
    [InlineData(19, 0.05, 19)] // 20 * 0.95 = 19
    [InlineData(10, 0.05, 11)] // 11 * 0.95 = 10.45
    [InlineData(8, 0.1, 9)] // 9 * 0.9 = 8.1
    [InlineData(89, 0.3, 63)] // 90 * 0.7 = 63 (floating point gives 63.00000000000001)
    [InlineData(99, 0.01, 99)] // 100 * 0.99 = 99
    [InlineData(1, 0.9, 1)] // 2 * 0.1 = 0.2
    public void Rank_matches_hand_values(int n, double eps, long expected)
    {
        Assert.Equal(expected, SplitConformal.Rank(n, eps));
    }

    // Fleet-scale n: a relative tolerance gave 1,172,839,496 here (anti-conservative by one rank); n = 149, eps = 0.18
    // is the case where 150 * (1 - 0.18) is 123 in decimal but 122.99999999999999 or 123.00000000000001 in binary.
    [Theory]
    [InlineData(1_234_567_890, 0.05, 1_172_839_497L)]
    [InlineData(149, 0.18, 123L)]
    [InlineData(2_147_483_646, 0.1, 1_932_735_283L)] // 2^31 * 0.9 = 1,932,735,283.2
    [InlineData(2_147_483_646, 1e-15, 2_147_483_647L)] // (2^31 - 1) + 1 > n: unbounded
    public void Rank_is_exact_at_fleet_scale(int n, double eps, long expected)
    {
        Assert.Equal(expected, SplitConformal.Rank(n, eps));
    }

    // Reference: System.Decimal holds (n + 1)(1 - eps) exactly for n < 2^31 and eps with at most 15 significant digits
    // (at most 25 digits), an arithmetic independent of the BigInteger path under test.
    [Fact]
    public void Rank_equals_the_decimal_reference_for_every_n_below_2_pow_31_and_15_digit_eps()
    {
        var rng = new Random(20261204);
        int checkedCases = 0;
        for (int trial = 0; trial < 20_000; trial++)
        {
            int n = trial % 4 == 0 ? rng.Next(1, 1000) : rng.Next(1, int.MaxValue);
            int digits = rng.Next(1, 16); // significant digits of eps
            int scale = digits + rng.Next(0, 6); // 10^-scale resolution
            long mantissa = NextLong(rng, (long)Math.Pow(10, digits - 1), (long)Math.Pow(10, digits)); // exactly `digits` digits
            decimal epsDecimal = mantissa / (decimal)Math.Pow(10, scale);
            if (!(epsDecimal > 0m && epsDecimal < 1m))
            {
                continue; // only eps in (0, 1) is valid; counted below
            }

            double eps = double.Parse(epsDecimal.ToString(System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture); // correctly rounded
            Assert.Equal(epsDecimal, decimal.Parse(eps.ToString("R", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture));
            long expected = Math.Max(1L, (long)Math.Ceiling((n + 1m) * (1m - epsDecimal)));
            Assert.Equal(expected, SplitConformal.Rank(n, eps));
            checkedCases++;
        }

        Assert.True(checkedCases > 15_000, $"only {checkedCases} cases had eps in (0, 1)");
    }

    private static long NextLong(Random rng, long min, long max) => min + (long)(rng.NextDouble() * (max - min));

    [Fact]
    public void Threshold_n9_eps01_is_the_maximum()
    {
        double[] scores = [0.5, 0.1, 0.9, 0.3, 0.7, 0.2, 0.8, 0.4, 0.6];
        Assert.Equal(0.9, SplitConformal.Threshold(scores, 0.1));
        // eps = 0.2: k = ceil(10 * 0.8) = 8 -> 0.8
        Assert.Equal(0.8, SplitConformal.Threshold(scores, 0.2));
    }

    [Fact]
    public void Threshold_n10()
    {
        double[] scores = [1.0, 0.3, 0.5, 0.9, 0.2, 0.8, 0.1, 0.7, 0.4, 0.6];
        Assert.Equal(1.0, SplitConformal.Threshold(scores, 0.1)); // k = 10
        Assert.Equal(0.9, SplitConformal.Threshold(scores, 0.2)); // k = ceil(8.8) = 9
        Assert.Equal(double.PositiveInfinity, SplitConformal.Threshold(scores, 0.05)); // k = 11 > 10
    }

    [Fact]
    public void Threshold_n19()
    {
        var scores = new double[19];
        for (int i = 0; i < 19; i++)
        {
            scores[i] = ((i * 7) % 19) + 1; // a permutation of 1..19
        }

        Assert.Equal(18.0, SplitConformal.Threshold(scores, 0.1)); // k = 18
        Assert.Equal(19.0, SplitConformal.Threshold(scores, 0.05)); // k = 19
        Assert.Equal(14.0, SplitConformal.Threshold(scores, 0.3)); // k = 14
    }

    [Fact]
    public void Threshold_with_ties()
    {
        double[] scores = [2.0, 1.0, 2.0, 3.0, 2.0];
        Assert.Equal(2.0, SplitConformal.Threshold(scores, 0.5)); // k = 3
        Assert.Equal(2.0, SplitConformal.Threshold(scores, 0.4)); // k = ceil(3.6) = 4
        Assert.Equal(3.0, SplitConformal.Threshold(scores, 0.2)); // k = ceil(4.8) = 5
        Assert.Equal(1.0, SplitConformal.Threshold(scores, 0.9)); // k = ceil(0.6) = 1
    }

    [Fact]
    public void Threshold_does_not_mutate_input()
    {
        double[] scores = [0.5, 0.1, 0.9, 0.3, 0.7, 0.2, 0.8, 0.4, 0.6, 0.05];
        var copy = (double[])scores.Clone();
        _ = SplitConformal.Threshold(scores, 0.2);
        _ = SplitConformal.Calibrate(scores, 3, 0.2, Divergence.KL);
        Assert.Equal(copy, scores);
    }

    [Fact]
    public void Threshold_with_infinite_scores()
    {
        double[] scores = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, double.PositiveInfinity, double.PositiveInfinity];
        Assert.Equal(0.6, SplitConformal.Threshold(scores, 0.5)); // k = ceil(5.5) = 6
        var t = SplitConformal.Calibrate(scores, 3, 0.1, Divergence.KL); // k = 10 -> +inf score
        Assert.True(t.IsUnbounded);
        Assert.Equal(10, t.Rank);
        Assert.NotNull(t.Warning);
        Assert.Contains("2 of the n = 10 calibration scores are +infinity", t.Warning);
        Assert.Equal(2, t.Scores.InfiniteCount);
    }

    [Theory]
    [InlineData(0.1, 9)]
    [InlineData(0.05, 19)]
    [InlineData(0.01, 99)]
    [InlineData(0.2, 4)]
    [InlineData(0.3, 3)] // 1/0.3 - 1 = 2.33
    [InlineData(0.15, 6)] // 1/0.15 - 1 = 5.67
    [InlineData(0.5, 1)]
    [InlineData(0.6, 1)]
    public void MinimumCalibrationSize_matches_hand_values(double eps, long expected)
    {
        Assert.Equal(expected, SplitConformal.MinimumCalibrationSize(eps));
    }

    [Fact]
    public void MinimumCalibrationSize_agrees_with_rank_rule()
    {
        for (int m = 1; m < 1000; m += 7)
        {
            double eps = m / 1000.0;
            long nMin = SplitConformal.MinimumCalibrationSize(eps);
            Assert.True(nMin == 1 || SplitConformal.Rank((int)nMin - 1, eps) > nMin - 1, $"eps {eps}: n = {nMin - 1} should be unbounded");
            Assert.True(SplitConformal.Rank((int)nMin, eps) <= nMin, $"eps {eps}: n = {nMin} should be bounded");
        }
    }

    [Fact]
    public void Unbounded_threshold_has_explicit_warning()
    {
        var scores = new double[50];
        for (int i = 0; i < scores.Length; i++)
        {
            scores[i] = i * 0.01;
        }

        var t = SplitConformal.Calibrate(scores, 3, 0.01, Divergence.KL);
        Assert.True(t.IsUnbounded);
        Assert.Equal(double.PositiveInfinity, t.Gamma);
        Assert.Equal(double.PositiveInfinity, t.GammaBits);
        Assert.Equal(51, t.Rank); // ceil(51 * 0.99) = ceil(50.49)
        Assert.Equal(50, t.N);
        Assert.NotNull(t.Warning);
        Assert.Contains("eps = 0.01 needs n >= 99 calibration inputs", t.Warning);
        Assert.Contains("with n = 50", t.Warning);
        Assert.Contains("unbounded", t.Warning);
        Assert.Contains("whole simplex", t.Warning);
    }

    [Fact]
    public void Calibrate_from_matrices_puts_cloud_first()
    {
        // 9 rows; the cloud is uniform. Scores KL(cloud || edge):
        //   7 rows edge uniform -> 0
        //   edge (0.9, 0.1): 0.5 ln(0.5/0.9) + 0.5 ln(0.5/0.1) = ln(5/3)   (reverse order would give 0.3681)
        //   edge (0.99, 0.01): 0.5 ln(0.5/0.99) + 0.5 ln(50) = 0.5 ln(25/0.99)
        var cloudData = new double[18];
        Array.Fill(cloudData, 0.5);
        var edgeData = (double[])cloudData.Clone();
        edgeData[14] = 0.9;
        edgeData[15] = 0.1;
        edgeData[16] = 0.99;
        edgeData[17] = 0.01;
        var cloud = ProbabilityMatrix.FromProbabilities(cloudData, 2);
        var edge = ProbabilityMatrix.FromProbabilities(edgeData, 2);

        var scores = SplitConformal.Scores(cloud, edge, Divergence.KL);
        Assert.Equal(Math.Log(5.0 / 3.0), scores[7], 12);

        // eps = 0.2: k = ceil(10 * 0.8) = 8 -> the 8th smallest = ln(5/3).
        var t = SplitConformal.Calibrate(cloud, edge, 0.2);
        Assert.False(t.IsUnbounded);
        Assert.Null(t.Warning);
        Assert.Equal(8, t.Rank);
        Assert.Equal(9, t.N);
        Assert.Equal(2, t.Classes);
        Assert.Equal(0.2, t.Epsilon);
        Assert.Equal("kl", t.Divergence.Name);
        Assert.Equal(Math.Log(5.0 / 3.0), t.Gamma, 12);
        Assert.Equal(Math.Log2(5.0 / 3.0), t.GammaBits, 12);

        double big = 0.5 * Math.Log(25.0 / 0.99);
        Assert.Equal(9, t.Scores.Count);
        Assert.Equal(0.0, t.Scores.Min);
        Assert.Equal(0.0, t.Scores.Median);
        Assert.Equal(big, t.Scores.Max, 12);
        Assert.Equal((Math.Log(5.0 / 3.0) + big) / 9.0, t.Scores.Mean, 12);
        Assert.Equal(big, t.Scores.Quantile90, 12); // ceil(8.1) = 9
    }

    [Fact]
    public void Calibrate_uses_the_given_divergence()
    {
        var cloud = ProbabilityMatrix.FromProbabilities([0.5, 0.5, 0.5, 0.5], 2);
        var edge = ProbabilityMatrix.FromProbabilities([0.9, 0.1, 0.7, 0.3], 2);
        // TV = |0.5-0.9|/2 + |0.5-0.1|/2 = 0.4 and 0.2; n = 2, eps = 0.6: k = ceil(3 * 0.4) = 2 -> 0.4
        var t = SplitConformal.Calibrate(cloud, edge, 0.6, Divergence.Parse("tv"));
        Assert.Equal(0.4, t.Gamma, 12);
        Assert.Equal("tv", t.Divergence.Name);
    }

    [Fact]
    public void Threshold_equals_inverted_cdf_quantile_at_k_over_n()
    {
        var rng = new Random(12345);
        for (int trial = 0; trial < 500; trial++)
        {
            int n = rng.Next(1, 200);
            int m = rng.Next(1, 1000); // eps = m / 1000, exact rational
            double eps = m / 1000.0;
            var scores = new double[n];
            for (int i = 0; i < n; i++)
            {
                scores[i] = Math.Round(rng.NextDouble() * 20.0) / 4.0; // many ties
            }

            // k = ceil((n + 1)(1000 - m) / 1000) in exact integer arithmetic.
            long k = Math.Max(1, (((long)(n + 1) * (1000 - m)) + 999) / 1000);
            double actual = SplitConformal.Threshold(scores, eps);
            Assert.Equal(k, SplitConformal.Rank(n, eps));
            if (k > n)
            {
                Assert.Equal(double.PositiveInfinity, actual);
            }
            else
            {
                Assert.Equal(InvertedCdf(scores, (double)k / n), actual);
            }
        }
    }

    // numpy quantile(x, q, method="inverted_cdf"): the smallest x_(j) with empirical CDF j/n >= q.
    private static double InvertedCdf(double[] values, double q)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        int n = sorted.Length;
        for (int j = 1; j <= n; j++)
        {
            if ((double)j / n >= q)
            {
                return sorted[j - 1];
            }
        }

        return sorted[n - 1];
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    public void Epsilon_outside_open_unit_interval_is_rejected(double eps)
    {
        double[] scores = [0.1, 0.2];
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => SplitConformal.Threshold(scores, eps));
        Assert.Equal("epsilon", ex.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => SplitConformal.MinimumCalibrationSize(eps));
    }

    [Fact]
    public void Invalid_inputs_are_rejected_with_argument_and_row()
    {
        var nan = Assert.Throws<ArgumentException>(() => SplitConformal.Threshold([0.1, 0.2, double.NaN], 0.5));
        Assert.Equal("scores", nan.ParamName);
        Assert.Contains("row 2", nan.Message);

        Assert.Throws<ArgumentException>(() => SplitConformal.Threshold([0.1, double.NegativeInfinity], 0.5));
        var empty = Assert.Throws<ArgumentException>(() => SplitConformal.Threshold(ReadOnlySpan<double>.Empty, 0.5));
        Assert.Equal("scores", empty.ParamName);

        var a = ProbabilityMatrix.FromProbabilities([0.5, 0.5, 0.5, 0.5], 2);
        var b = ProbabilityMatrix.FromProbabilities([0.5, 0.5], 2);
        var c = ProbabilityMatrix.FromProbabilities([0.2, 0.3, 0.5, 0.2, 0.3, 0.5], 3);
        Assert.Equal("edge", Assert.Throws<ArgumentException>(() => SplitConformal.Calibrate(a, b, 0.1)).ParamName);
        Assert.Equal("edge", Assert.Throws<ArgumentException>(() => SplitConformal.Calibrate(a, c, 0.1)).ParamName);
        Assert.Equal("destination", Assert.Throws<ArgumentException>(() => SplitConformal.Scores(a, a, Divergence.KL, new double[3])).ParamName);

        var none = ProbabilityMatrix.FromProbabilities(ReadOnlySpan<double>.Empty, 2);
        Assert.Equal("cloud", Assert.Throws<ArgumentException>(() => SplitConformal.Calibrate(none, none, 0.1)).ParamName);
        Assert.Throws<ArgumentNullException>(() => SplitConformal.Calibrate(a, null!, 0.1));
    }
}
