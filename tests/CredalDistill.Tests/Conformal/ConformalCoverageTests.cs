using CredalDistill.Conformal;
using CredalDistill.Divergences;
using CredalDistill.Metrics;

namespace CredalDistill.Tests.Conformal;

/// <summary>
/// Statistical check of the split-conformal guarantee on synthetic exchangeable (i.i.d.) cloud/edge pairs:
/// the mean test coverage over many calibration draws must lie in [1 - eps, 1 - eps + 1/(n+1)] up to Monte Carlo error.
/// </summary>
public class ConformalCoverageTests
{
    private const int Classes = 4;

    [Theory]
    [InlineData(99, 0.1, 400, 11)] // k = 90, exact mean coverage 90/100
    [InlineData(19, 0.2, 600, 12)] // k = 16, 16/20
    [InlineData(49, 0.05, 600, 13)] // k = 48, 48/50 = 1 - eps + 0.01: the upper end
    public void Mean_coverage_is_within_the_conformal_bounds(int n, double eps, int repetitions, int seed)
    {
        const int testPoints = 25;
        var rng = new Random(seed);
        var coverages = new double[repetitions];
        for (int r = 0; r < repetitions; r++)
        {
            var (calCloud, calEdge) = Pairs(rng, n);
            var (testCloud, testEdge) = Pairs(rng, testPoints);
            var threshold = SplitConformal.Calibrate(calCloud, calEdge, eps, Divergence.KL);
            Assert.False(threshold.IsUnbounded);
            coverages[r] = Coverage.Compute(testCloud, testEdge, threshold);
        }

        double mean = coverages.Average();
        double variance = coverages.Sum(c => (c - mean) * (c - mean)) / (repetitions - 1);
        double se = Math.Sqrt(variance / repetitions);
        double lower = 1.0 - eps;
        double upper = 1.0 - eps + (1.0 / (n + 1));
        Assert.True(mean >= lower - (4 * se) && mean <= upper + (4 * se), $"mean coverage {mean} (se {se}) outside [{lower}, {upper}] +- 4 se");
    }

    private static (ProbabilityMatrix Cloud, ProbabilityMatrix Edge) Pairs(Random rng, int rows) => Support.SyntheticPairs.Draw(rng, rows, Classes);
}
