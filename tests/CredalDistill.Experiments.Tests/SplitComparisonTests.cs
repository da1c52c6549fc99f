namespace CredalDistill.Experiments.Tests;

public sealed class SplitComparisonTests
{
    [Theory]
    [InlineData(0.975, 1, 12.706204736174707)] // tan(0.475 pi)
    [InlineData(0.975, 2, 4.302652729749464)] // (2p - 1) / sqrt(2 p (1 - p))
    [InlineData(0.9, 2, 1.8856180831641267)]
    [InlineData(0.6, 1, 0.3249196962329063)]
    public void Student_t_quantiles_match_the_closed_forms(double p, double degrees, double expected)
    {
        double closed = degrees == 1 ? Math.Tan(Math.PI * (p - 0.5)) : (2 * p - 1) / Math.Sqrt(2 * p * (1 - p));
        Assert.Equal(expected, closed, 12);
        Assert.Equal(closed, StudentT.Quantile(p, degrees), 9);
        Assert.Equal(-closed, StudentT.Quantile(1 - p, degrees), 9);
    }

    [Theory]
    [InlineData(4, 2.7764451051977987)]
    [InlineData(10, 2.2281388519649385)]
    [InlineData(49, 2.0095752344892093)]
    [InlineData(1000, 1.9623390808264078)]
    public void Student_t_quantiles_match_tables(double degrees, double expected)
    {
        // Published 97.5% quantiles (R's qt), to the digits those tables give.
        Assert.Equal(expected, StudentT.Quantile(0.975, degrees), 6);
        Assert.Equal(0.975, StudentT.Cdf(expected, degrees), 9);
    }

    [Fact]
    public void Corrected_interval_follows_its_formula()
    {
        double[] d = [0.01, 0.03, 0.02, 0.04, 0.00];
        // mean 0.02, s^2 = 0.00025; half = t_{4} sqrt((1/5 + 0.5) 0.00025).
        var c = SplitComparison.FromDifferences(d, testToFit: 0.5);
        double half = 2.7764451051977987 * Math.Sqrt(0.7 * 0.00025);
        Assert.Equal(5, c.Splits);
        Assert.Equal(0.02, c.Mean, 15);
        Assert.Equal(0.02 - half, c.Lower, 9);
        Assert.Equal(0.02 + half, c.Upper, 9);
        Assert.False(c.ExcludesZero);
        Assert.Equal("not distinguishable", c.Verdict());

        // Without the correction (testToFit 0) the same differences would be called "worse": the correction matters.
        var plain = SplitComparison.FromDifferences(d, testToFit: 0);
        Assert.True(plain.ExcludesZero);
        Assert.Equal("worse", plain.Verdict());
        Assert.Equal("better", plain.Verdict(higherIsBetter: true));

        var single = SplitComparison.FromDifferences([0.5], 0.5);
        Assert.False(single.ExcludesZero);
        Assert.True(double.IsNegativeInfinity(single.Lower));
    }

    [Fact]
    public void Records_are_paired_by_split_and_missing_splits_skipped()
    {
        var a = MethodKey.Edge;
        var b = MethodKey.DistilledTs;
        var records = new List<MethodRecord>();
        for (int split = 0; split < 6; split++)
        {
            var ra = new MethodRecord { Method = a, Split = split };
            ra.Values["ece"] = 0.10 + (0.01 * split);
            records.Add(ra);
            if (split != 3)
            {
                var rb = new MethodRecord { Method = b, Split = split };
                rb.Values["ece"] = split == 4 ? double.NaN : 0.05 + (0.01 * split);
                records.Add(rb);
            }
        }

        var c = SplitComparison.Of(records, a, b, "ece", 0.5)!;
        Assert.Equal(4, c.Splits);
        Assert.Equal(-0.05, c.Mean, 14);
        Assert.Equal(c.Lower, c.Upper, 12);
        Assert.Equal("better", c.Verdict());
        Assert.Null(SplitComparison.Of(records, a, MethodKey.Cloud, "ece", 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => StudentT.Quantile(1.0, 3));
    }
}
