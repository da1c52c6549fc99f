using CredalDistill.Baselines;

namespace CredalDistill.Tests.Baselines;

public class DistilledTemperatureScalingTests
{
    private const int K = 4;

    [Theory]
    [InlineData(2.5)]
    [InlineData(0.4)]
    [InlineData(1.0)]
    public void Recovers_the_temperature_of_an_exactly_tempered_cloud(double t0)
    {
        var z = BaselineData.Logits(2000, K, 3.0, 21);
        var cloud = ProbabilityMatrix.FromLogits(z, K, temperature: t0);
        var dts = DistilledTemperatureScaling.Fit(cloud, z, K);
        Assert.Equal(t0, dts.Temperature, 1e-6);
        Assert.InRange(dts.MeanKullbackLeibler, -1e-10, 1e-10);
    }

    [Fact]
    public void Noisy_cloud_optimum_is_stationary_and_minimal()
    {
        var z = BaselineData.Logits(3000, K, 3.0, 31);
        var noise = BaselineData.Logits(3000, K, 0.7, 32);
        var cloudLogits = new double[z.Length];
        for (int j = 0; j < z.Length; j++)
        {
            cloudLogits[j] = (z[j] / 1.8) + noise[j];
        }

        var cloud = ProbabilityMatrix.FromLogits(cloudLogits, K);
        var dts = DistilledTemperatureScaling.Fit(cloud, z, K);
        double t = dts.Temperature;
        Assert.InRange(t, 1.2, 2.5);
        double F(double temperature) => DistilledTemperatureScaling.MeanKullbackLeiblerAt(cloud, z, K, temperature);
        Assert.Equal(F(t), dts.MeanKullbackLeibler, 12);
        Assert.True(dts.MeanKullbackLeibler > 0.01); // the noise cannot be removed by a temperature
        double h = 1e-4;
        double slope = (F(t + h) - F(t - h)) / (2 * h);
        Assert.True(Math.Abs(slope) < 1e-7, $"dKL/dT = {slope} at T = {t}");
        Assert.True(F(t) < F(t * 1.001) && F(t) < F(t / 1.001));

        // Cross-check the objective against a direct KL of the applied distributions.
        var applied = dts.Apply(z, K);
        double direct = 0.0;
        for (int i = 0; i < cloud.Rows; i++)
        {
            for (int k = 0; k < K; k++)
            {
                double c = cloud[i][k];
                direct += c * Math.Log(c / applied[i][k]);
            }
        }

        Assert.Equal(direct / cloud.Rows, dts.MeanKullbackLeibler, 10);
    }

    [Fact]
    public void Edge_probabilities_are_calibrated_through_their_logs()
    {
        var z = BaselineData.Logits(500, K, 2.0, 41);
        var edge = ProbabilityMatrix.FromLogits(z, K);
        var cloud = ProbabilityMatrix.FromLogits(z, K, temperature: 1.6);
        Assert.Equal(1.6, DistilledTemperatureScaling.Fit(cloud, edge).Temperature, 1e-6);
        Assert.Equal(DistilledTemperatureScaling.Fit(cloud, z, K).Temperature, DistilledTemperatureScaling.Fit(cloud, edge).Temperature, 9);
    }

    [Fact]
    public void Cloud_zeros_contribute_nothing()
    {
        // Cloud one-hot on the edge arg-max: KL decreases as T -> 0, so the lower bracket end is returned.
        var z = new double[] { 2.0, 0.0, -1.0, 1.0 };
        var cloud = ProbabilityMatrix.FromProbabilities([1.0, 0.0, 0.0, 1.0], 2);
        var dts = DistilledTemperatureScaling.Fit(cloud, z, 2);
        Assert.Equal(0.01, dts.Temperature);
        Assert.True(double.IsFinite(dts.MeanKullbackLeibler));
        Span<double> p = stackalloc double[2];
        dts.Apply(z.AsSpan(0, 2), p);
        Assert.Equal(1.0, p[0], 12);
    }

    [Fact]
    public void Invalid_inputs_name_argument()
    {
        var cloud = ProbabilityMatrix.FromProbabilities([0.5, 0.5, 0.2, 0.8], 2);
        Assert.Equal("edgeLogits", Assert.Throws<ArgumentException>(() => DistilledTemperatureScaling.Fit(cloud, [1.0, 2.0], 2)).ParamName);
        Assert.Equal("edgeLogits", Assert.Throws<ArgumentException>(() => DistilledTemperatureScaling.Fit(cloud, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], 3)).ParamName);
        var inf = Assert.Throws<ArgumentException>(() => DistilledTemperatureScaling.Fit(cloud, [1.0, 2.0, 3.0, double.PositiveInfinity], 2));
        Assert.Contains("row 1", inf.Message);
        Assert.Throws<ArgumentNullException>(() => DistilledTemperatureScaling.Fit(null!, [1.0, 2.0], 2));
        var edge3 = ProbabilityMatrix.FromProbabilities([0.2, 0.3, 0.5], 3);
        Assert.Equal("edge", Assert.Throws<ArgumentException>(() => DistilledTemperatureScaling.Fit(cloud, edge3)).ParamName);
        var edge1 = ProbabilityMatrix.FromProbabilities([0.2, 0.8], 2);
        Assert.Equal("edge", Assert.Throws<ArgumentException>(() => DistilledTemperatureScaling.Fit(cloud, edge1)).ParamName);
        Assert.Equal("temperature", Assert.Throws<ArgumentOutOfRangeException>(() => DistilledTemperatureScaling.MeanKullbackLeiblerAt(cloud, [1.0, 2.0, 3.0, 4.0], 2, -1.0)).ParamName);
    }
}
