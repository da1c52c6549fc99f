namespace CredalDistill.Engines.Tests;

public class ExactRankTests
{
    [Theory]
    [InlineData(149L, 0.18, 123L)] // 150 * 0.82 = 123 exactly; 123.00000000000001 in doubles
    [InlineData(1_234_567_890L, 0.05, 1_172_839_497L)] // the relative-tolerance ceiling gave 1,172,839,496
    [InlineData(9L, 0.1, 9L)]
    [InlineData(8L, 0.1, 9L)] // k > n: unbounded
    [InlineData(0L, 0.1, 1L)]
    [InlineData(99L, 0.01, 99L)]
    [InlineData(89L, 0.3, 63L)] // 90 * 0.7 = 63
    public void Rank_is_the_exact_ceiling(long n, double epsilon, long expected)
    {
        Assert.Equal(expected, ExactRank.For(epsilon).Rank(n));
        Assert.Equal(expected, PairTable.ReferenceRank(n, epsilon));
    }

    [Fact]
    public void Rank_equals_the_decimal_definition_for_many_n_and_eps()
    {
        var rng = new Random(7);
        int checkedCases = 0;
        for (int i = 0; i < 20_000; i++)
        {
            // eps with 1 to 15 significant digits, n up to 10^10.
            int digits = 1 + rng.Next(15);
            double eps = Math.Round(rng.NextDouble(), digits);
            if (!(eps > 0.0 && eps < 1.0))
            {
                continue;
            }

            long n = (long)Math.Floor(Math.Pow(10, rng.NextDouble() * 10));
            Assert.Equal(PairTable.ReferenceRank(n, eps), ExactRank.For(eps).Rank(n));
            checkedCases++;
        }

        Assert.True(checkedCases > 19_000, $"{checkedCases} cases checked");
    }

    [Theory]
    [InlineData(0.1, 1, 10)]
    [InlineData(0.18, 9, 50)]
    [InlineData(1e-5, 1, 100000)]
    [InlineData(0.30000000000000004, 7500000000000001, 25000000000000000)]
    public void Epsilon_is_its_shortest_decimal_in_lowest_terms(double epsilon, long a, long b)
    {
        var rank = ExactRank.For(epsilon);
        Assert.Equal(a, (long)rank.Numerator);
        Assert.Equal(b, (long)rank.Denominator);
    }

    [Fact]
    public void More_than_18_decimal_places_is_refused()
        => Assert.Throws<ArgumentOutOfRangeException>(() => ExactRank.For(1e-19));

    [Theory]
    [InlineData(149L, 0.18)]
    [InlineData(1_234_567_890L, 0.05)]
    [InlineData(9_000_000_000_000_000_000L, 0.123456789012345)]
    [InlineData(7L, 0.9999999999999999)]
    public void The_sql_rank_in_duckdb_equals_the_exact_rank(long n, double epsilon)
    {
        using var engine = new DuckDbEngine();
        var rank = ExactRank.For(epsilon);
        long k = Convert.ToInt64(engine.Scalar($"SELECT {rank.Sql(DuckDbDialect.Instance, $"CAST({n} AS BIGINT)")}"));
        Assert.Equal(rank.Rank(n), k);
    }
}
