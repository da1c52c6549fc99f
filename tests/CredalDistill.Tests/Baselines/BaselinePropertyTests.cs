using CredalDistill.Baselines;
using CsCheck;

namespace CredalDistill.Tests.Baselines;

public class BaselinePropertyTests
{
    [Fact]
    public void Distilled_scaling_recovers_any_cloud_temperature()
    {
        Gen.Select(Gen.Int[2, 8], Gen.Int[5, 60], Gen.Double[0.5, 3.0], Gen.Double[0.2, 10.0], Gen.ULong).Sample((k, n, scale, t0, seed) =>
        {
            var z = BaselineData.Logits(n, k, scale, seed);
            var cloud = ProbabilityMatrix.FromLogits(z, k, temperature: t0);
            double t = new CredalDistill.Calibration.DistilledTemperatureCalibrator().Fit(new CredalDistill.Calibration.CalibrationData(cloud, ProbabilityMatrix.FromLogits(z, k))).Map!.Temperature;
            Assert.True(Math.Abs(t - t0) <= 1e-6 * t0, $"T = {t}, T0 = {t0}");
        }, iter: 300, seed: "0aB6zW7PYy5G");
    }

    [Fact]
    public void Kfac_is_exact_for_a_single_fit_row()
    {
        // With n = 1, G (x) A = Lambda_1 (x) a_1 a_1^T is the GGN itself, so KFAC and Full must give the same predictive.
        Gen.Select(Gen.Int[2, 5], Gen.Int[1, 6], Gen.Double[0.01, 10.0], Gen.ULong).Sample((k, d, delta, seed) =>
        {
            var phi = BaselineData.Logits(1, d, 1.0, seed);
            var w = BaselineData.Logits(k, d, 1.0, seed + 1);
            var b = BaselineData.Logits(1, k, 1.0, seed + 2);
            var probe = BaselineData.Logits(3, d, 1.0, seed + 3);
            var kfac = LastLayerLaplace.FitWithPriorPrecision(LastLayerLaplaceKind.KroneckerFactored, phi, d, w, b, delta);
            var full = LastLayerLaplace.FitWithPriorPrecision(LastLayerLaplaceKind.Full, phi, d, w, b, delta);
            var m = new double[k];
            var vk = new double[k];
            var vf = new double[k];
            for (int i = 0; i < 3; i++)
            {
                kfac.LogitMoments(probe.AsSpan(i * d, d), m, vk);
                full.LogitMoments(probe.AsSpan(i * d, d), m, vf);
                for (int c = 0; c < k; c++)
                {
                    Assert.True(Math.Abs(vk[c] - vf[c]) <= 1e-9 * Math.Max(1.0, vf[c]), $"class {c}: KFAC {vk[c]} vs full {vf[c]}");
                }
            }
        }, iter: 200, seed: "0aB6zW7PYy5G");
    }
}
