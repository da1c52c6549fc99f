using CredalDistill.Credal;
using CredalDistill.Divergences;

namespace CredalDistill.Tests.Credal;

public class MonteCarloOptionsTests
{
    [Fact]
    public void A_new_instance_has_the_documented_defaults()
    {
        var options = new MonteCarloOptions();
        Assert.Equal((2000, 200, 20250110UL, 0UL), (options.Samples, options.BurnIn, options.Seed, options.Stream));
        Assert.Equal(MonteCarloOptions.Default, options);
    }

    [Fact]
    public void Invalid_values_are_refused_when_set_including_through_with()
    {
        Assert.Equal("Samples", Assert.Throws<ArgumentOutOfRangeException>(() => new MonteCarloOptions { Samples = 0 }).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new MonteCarloOptions { Samples = 19 });
        Assert.Equal("BurnIn", Assert.Throws<ArgumentOutOfRangeException>(() => MonteCarloOptions.Default with { BurnIn = -1 }).ParamName);
        Assert.Equal(20, new MonteCarloOptions { Samples = 20, BurnIn = 0 }.Samples);
    }

    [Fact]
    public void Omitted_options_and_a_new_instance_give_the_same_seeded_estimate()
    {
        double[] p = [0.4, 0.3, 0.2, 0.1];
        Estimate omitted = VolumeFraction.Compute(SquaredHellinger.Instance, p, 0.1);
        Estimate explicitDefault = VolumeFraction.Compute(SquaredHellinger.Instance, p, 0.1, new MonteCarloOptions());
        Estimate otherSeed = VolumeFraction.Compute(SquaredHellinger.Instance, p, 0.1, new MonteCarloOptions { Seed = 1 });
        Assert.Equal(omitted, explicitDefault);
        Assert.NotEqual(omitted.Value, otherSeed.Value);
        Assert.InRange(omitted.StandardError, 1e-6, 0.05);
    }
}
