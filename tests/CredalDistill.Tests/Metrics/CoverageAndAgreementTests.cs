using CredalDistill.Conformal;
using CredalDistill.Divergences;
using CredalDistill.Metrics;

namespace CredalDistill.Tests.Metrics;

public class CoverageAndAgreementTests
{
    [Fact]
    public void Coverage_from_scores()
    {
        double[] scores = [0.1, 0.5, double.PositiveInfinity, 0.3];
        Assert.Equal(0.5, Coverage.FromScores(scores, 0.3)); // 0.1 and 0.3 (<= is inclusive)
        Assert.Equal(0.0, Coverage.FromScores(scores, 0.0));
        Assert.Equal(0.75, Coverage.FromScores(scores, 1e300));
        Assert.Equal(1.0, Coverage.FromScores(scores, double.PositiveInfinity));
        Assert.Equal("gamma", Assert.Throws<ArgumentOutOfRangeException>(() => Coverage.FromScores(scores, double.NaN)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => Coverage.FromScores(scores, -1.0));
        Assert.Throws<ArgumentException>(() => Coverage.FromScores([0.1, double.NaN], 1.0));
    }

    [Fact]
    public void Coverage_from_matrices_uses_cloud_first()
    {
        // KL(cloud || edge): row 0 ln(5/3) = 0.5108; row 1 0. Reverse order would give 0.3681 for row 0.
        var cloud = ProbabilityMatrix.FromProbabilities([0.5, 0.5, 0.3, 0.7], 2);
        var edge = ProbabilityMatrix.FromProbabilities([0.9, 0.1, 0.3, 0.7], 2);
        Assert.Equal(0.5, Coverage.Compute(cloud, edge, 0.45));
        Assert.Equal(1.0, Coverage.Compute(cloud, edge, 0.52));
        Assert.Equal(1.0, Coverage.Compute(cloud, edge, double.PositiveInfinity));
        // TV: row 0 0.4 -> not covered at 0.39
        Assert.Equal(0.5, Coverage.Compute(cloud, edge, 0.39, Divergence.Parse("tv")));

        var t = SplitConformal.Calibrate([Math.Log(5.0 / 3.0)], 2, 0.6, Divergence.KL); // n = 1, k = 1
        Assert.Equal(1.0, Coverage.Compute(cloud, edge, t));
        var t3 = SplitConformal.Calibrate([0.1], 3, 0.6, Divergence.KL);
        Assert.Equal("cloud", Assert.Throws<ArgumentException>(() => Coverage.Compute(cloud, edge, t3)).ParamName);
    }

    [Fact]
    public void Cloud_agreement()
    {
        var cloud = ProbabilityMatrix.FromProbabilities([0.5, 0.5, 0.9, 0.1], 2);
        var same = ProbabilityMatrix.FromProbabilities([0.9, 0.1, 0.9, 0.1], 2);
        // row 0 KL((.5,.5) || (.9,.1)) = ln(5/3); row 1 0. Top-1: cloud row 0 tie -> 0 = output 0; row 1 0 = 0.
        Assert.Equal(Math.Log(5.0 / 3.0) / 2.0, CloudAgreement.MeanDivergence(cloud, same), 12);
        Assert.Equal(1.0, CloudAgreement.TopOneAgreement(cloud, same));

        var flipped = ProbabilityMatrix.FromProbabilities([0.4, 0.6, 0.2, 0.8], 2);
        Assert.Equal(0.0, CloudAgreement.TopOneAgreement(cloud, flipped));
        // TV: row 0 0.1, row 1 0.7 -> mean 0.4
        Assert.Equal(0.4, CloudAgreement.MeanDivergence(cloud, flipped, Divergence.Parse("tv")), 12);

        var zero = ProbabilityMatrix.FromProbabilities([1.0, 0.0, 1.0, 0.0], 2);
        Assert.Equal(double.PositiveInfinity, CloudAgreement.MeanDivergence(cloud, zero));

        var three = ProbabilityMatrix.FromProbabilities([0.2, 0.3, 0.5], 3);
        Assert.Equal("output", Assert.Throws<ArgumentException>(() => CloudAgreement.TopOneAgreement(cloud, three)).ParamName);
    }
}
