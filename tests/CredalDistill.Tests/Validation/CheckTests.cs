using CredalDistill.Credal;
using CredalDistill.Divergences;
using CredalDistill.Validation;

namespace CredalDistill.Tests.Validation;

public class CheckTests
{
    [Fact]
    public void Messages_name_argument_row_and_problem()
    {
        var e = Assert.Throws<ArgumentException>(() => ProbabilityMatrix.FromProbabilities([0.5, 0.5, 0.2, 0.9], 2, "edge.csv"));
        Assert.Contains("edge.csv row 1", e.Message);
        Assert.Contains("sum to", e.Message);

        e = Assert.Throws<ArgumentException>(() => ProbabilityMatrix.FromProbabilities([0.5, 0.5, -0.1, 1.1], 2, "edge.csv"));
        Assert.Contains("row 1, column 0", e.Message);
        Assert.Contains("negative", e.Message);

        e = Assert.Throws<ArgumentException>(() => ProbabilityMatrix.FromProbabilities([0.5, double.NaN], 2, "cloud"));
        Assert.Contains("not finite", e.Message);
    }

    [Fact]
    public void Renormalise_option_rescales_rows()
    {
        var m = ProbabilityMatrix.FromProbabilities([2.0, 2.0, 1.0, 3.0], 2, renormalize: true);
        Assert.Equal([0.5, 0.5, 0.25, 0.75], m.ToArray());
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    [InlineData(-0.5)]
    public void Epsilon_outside_open_unit_interval_is_rejected(double eps)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Check.Epsilon(eps));
        Assert.Equal("epsilon", e.ParamName);
    }

    [Fact]
    public void Credal_entry_points_reject_bad_gamma_and_lengths()
    {
        var lower = new double[3];
        var upper = new double[2];
        Assert.Throws<ArgumentOutOfRangeException>(() => CredalBounds.Compute(KullbackLeibler.Instance, [0.5, 0.3, 0.2], -1.0, lower, lower));
        Assert.Throws<ArgumentOutOfRangeException>(() => CredalBounds.Compute(KullbackLeibler.Instance, [0.5, 0.3, 0.2], double.NaN, lower, lower));
        var e = Assert.Throws<ArgumentException>(() => CredalBounds.Compute(KullbackLeibler.Instance, [0.5, 0.3, 0.2], 0.1, lower, upper));
        Assert.Equal("upper", e.ParamName);
        Assert.Throws<ArgumentException>(() => CredalBounds.Compute(KullbackLeibler.Instance, [0.5, 0.3, 0.3], 0.1, lower, lower));
    }

    [Fact]
    public void Logits_use_a_stable_softmax()
    {
        var m = ProbabilityMatrix.FromLogits([1000.0, 1000.0, -1000.0], 3);
        Assert.Equal(0.5, m[0][0], 15);
        Assert.Equal(0.0, m[0][2], 15);
    }

    [Theory]
    [InlineData("kl", "kl")]
    [InlineData("ALPHA:0.9", "alpha:0.9")]
    [InlineData("reverse-kl", "reverse-kl")]
    [InlineData("tv", "tv")]
    [InlineData("hellinger", "hellinger")]
    [InlineData("chi2", "chi2")]
    public void Divergence_names_round_trip(string input, string canonical) => Assert.Equal(canonical, Divergence.Parse(input).Name);

    [Theory]
    [InlineData("alpha:1")]
    [InlineData("alpha:x")]
    [InlineData("js")]
    public void Bad_divergence_names_explain_the_choices(string input)
    {
        var e = Assert.Throws<FormatException>(() => Divergence.Parse(input));
        Assert.Contains(input, e.Message);
    }

    [Fact]
    public void Divergences_follow_their_formulas_on_a_hand_example()
    {
        double[] q = [0.5, 0.5];
        double[] p = [0.25, 0.75];
        Assert.Equal((0.5 * Math.Log(2)) + (0.5 * Math.Log(2.0 / 3.0)), KullbackLeibler.Instance.Compute(q, p), 14);
        Assert.Equal((0.25 * Math.Log(0.5)) + (0.75 * Math.Log(1.5)), ReverseKullbackLeibler.Instance.Compute(q, p), 14);
        Assert.Equal(0.25, TotalVariation.Instance.Compute(q, p), 14);
        Assert.Equal(Math.Pow(Math.Sqrt(0.5) - 0.5, 2) + Math.Pow(Math.Sqrt(0.5) - Math.Sqrt(0.75), 2), SquaredHellinger.Instance.Compute(q, p), 14);
        Assert.Equal((0.0625 / 0.25) + (0.0625 / 0.75), PearsonChiSquare.Instance.Compute(q, p), 14);
        double a = 0.9;
        double expected = ((Math.Pow(0.5, a) * Math.Pow(0.25, 1 - a)) + (Math.Pow(0.5, a) * Math.Pow(0.75, 1 - a)) - 1) / (a * (a - 1));
        Assert.Equal(expected, new AlphaDivergence(a).Compute(q, p), 14);
        Assert.Equal(double.PositiveInfinity, KullbackLeibler.Instance.Compute([0.5, 0.5], [1.0, 0.0]));
        Assert.Equal(Math.Log(2), ReverseKullbackLeibler.Instance.Compute([0.5, 0.5], [1.0, 0.0]), 14);
    }
}
