using System.Numerics;
using CredalDistill.Conformal;
using CredalDistill.Divergences;

namespace CredalDistill.Tests.Conformal;

/// <summary>The PAC rank against exact rational binomial tails, a normal approximation at large n, and simulated training-conditional coverage.</summary>
public class TrainingConditionalTests
{
    /// <summary>Smallest k with P(Binomial(n, a/b) &gt;= k) &lt;= dNum/dDen, by exact integer arithmetic.</summary>
    private static long ExactRank(int n, int a, int b, int dNum, int dDen)
    {
        // tail(k) * b^n = sum_{j >= k} C(n, j) a^j (b - a)^(n - j)
        var terms = new BigInteger[n + 1];
        BigInteger choose = 1;
        for (int j = 0; j <= n; j++)
        {
            terms[j] = choose * BigInteger.Pow(a, j) * BigInteger.Pow(b - a, n - j);
            choose = choose * (n - j) / (j + 1);
        }

        BigInteger limit = dNum * BigInteger.Pow(b, n);
        BigInteger tail = 0; // P(X >= k) * b^n for k = n + 1
        for (int k = n + 1; k >= 1; k--)
        {
            BigInteger next = tail + terms[k - 1]; // P(X >= k - 1)
            if (next * dDen > limit)
            {
                return k;
            }

            tail = next;
        }

        return 1;
    }

    [Theory]
    [InlineData(9, 10, 1, 10)] // eps 0.1, delta 0.1
    [InlineData(9, 10, 1, 20)]
    [InlineData(4, 5, 1, 100)] // eps 0.2, delta 0.01
    [InlineData(19, 20, 1, 10)] // eps 0.05
    [InlineData(3, 4, 1, 2)] // eps 0.25, delta 0.5
    public void Rank_equals_the_exact_binomial_rule(int a, int b, int dNum, int dDen)
    {
        double eps = 1.0 - ((double)a / b), delta = (double)dNum / dDen;
        for (int n = 1; n <= 120; n++)
        {
            Assert.Equal(ExactRank(n, a, b, dNum, dDen), TrainingConditional.Rank(n, eps, delta));
        }
    }

    [Theory]
    [InlineData(1_000_000, 0.1, 0.05)]
    [InlineData(200_000, 0.01, 0.1)]
    public void Large_n_matches_the_normal_approximation(int n, double eps, double delta)
    {
        long k = TrainingConditional.Rank(n, eps, delta);
        double z = delta == 0.05 ? 1.6448536269514722 : 1.2815515655446004;
        double mean = n * (1 - eps), sd = Math.Sqrt(n * eps * (1 - eps));
        Assert.InRange(k - 1, mean + (z * sd) - 3, mean + (z * sd) + 3);
        Assert.True(k > SplitConformal.Rank(n, eps));
    }

    [Fact]
    public void Coverage_is_at_least_one_minus_eps_with_probability_one_minus_delta()
    {
        // Continuous scores: the coverage of s_(k) is the k-th uniform order statistic.
        const int n = 100, reps = 4000;
        const double eps = 0.1, delta = 0.1;
        long k = TrainingConditional.Rank(n, eps, delta);
        var rng = new Random(41);
        var u = new double[n];
        int good = 0, goodBelow = 0;
        for (int r = 0; r < reps; r++)
        {
            for (int i = 0; i < n; i++)
            {
                u[i] = rng.NextDouble();
            }

            Array.Sort(u);
            good += u[k - 1] >= 1 - eps ? 1 : 0;
            goodBelow += u[k - 2] >= 1 - eps ? 1 : 0;
        }

        double se = Math.Sqrt(delta * (1 - delta) / reps);
        Assert.True((double)good / reps >= 1 - delta - (4 * se), $"P(coverage >= 0.9) = {(double)good / reps}");
        Assert.True((double)goodBelow / reps < 1 - delta, $"k - 1 would already qualify: {(double)goodBelow / reps}");
    }

    [Fact]
    public void Calibrate_records_delta_and_explains_an_unbounded_threshold()
    {
        var scores = Enumerable.Range(1, 10).Select(i => i / 10.0).ToArray();
        var small = TrainingConditional.Calibrate(scores, 3, 0.1, 0.1, Divergence.KL);
        Assert.True(small.IsUnbounded);
        Assert.Equal(0.1, small.Delta);
        Assert.Contains("delta = 0.1", small.Warning, StringComparison.Ordinal);

        var many = Enumerable.Range(1, 1000).Select(i => i / 1000.0).ToArray();
        var pac = TrainingConditional.Calibrate(many, 3, 0.1, 0.05, Divergence.KL);
        Assert.Equal(TrainingConditional.Rank(1000, 0.1, 0.05) / 1000.0, pac.Gamma, 12);
        Assert.Null(SplitConformal.Calibrate(many, 3, 0.1, Divergence.KL).Delta);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void Rejects_delta_outside_the_open_unit_interval(double delta)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => TrainingConditional.Rank(100, 0.1, delta));
        Assert.Contains("delta", ex.Message, StringComparison.Ordinal);
    }
}
