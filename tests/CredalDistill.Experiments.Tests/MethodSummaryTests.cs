using CredalDistill.Experiments;

namespace CredalDistill.Experiments.Tests;

public sealed class MethodSummaryTests
{
    [Fact]
    public void Mean_and_sample_standard_deviation_over_splits_skip_missing_values()
    {
        MethodRecord R(int split, double ece, double coverage)
        {
            var r = new MethodRecord { Method = MethodKey.Edge, Split = split };
            r.Values["ece"] = ece;
            r.Values["coverage"] = coverage;
            return r;
        }

        var s = MethodSummary.From(MethodKey.Edge, [R(0, 0.1, 0.9), R(1, 0.2, double.NaN), R(2, 0.6, 0.7)]);
        Assert.Equal(0.3, s.Mean("ece"), 12);
        // Sample variance of 0.1, 0.2, 0.6: ((0.04 + 0.01 + 0.09) / 2) = 0.07.
        Assert.Equal(Math.Sqrt(0.07), s.Metrics["ece"].Std, 12);
        Assert.Equal(3, s.Metrics["ece"].Count);
        Assert.Equal(0.8, s.Mean("coverage"), 12);
        Assert.Equal(2, s.Metrics["coverage"].Count);
        Assert.True(double.IsNaN(s.Mean("nll")));
    }
}
