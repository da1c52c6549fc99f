using CredalDistill.Conformal;
using CredalDistill.Monitoring;
using CsCheck;

namespace CredalDistill.Tests.Monitoring;

/// <summary>The coverage monitor's false-alarm rate, detection and confidence sequence by simulation; ACI's start and its long-run bound.</summary>
public class MonitoringTests
{
    [Fact]
    public void Few_false_alarms_when_coverage_is_exactly_the_target()
    {
        const double eps = 0.1, alpha = 0.05;
        const int streams = 300, length = 3000;
        var rng = new Random(21);
        int alarms = 0, missed = 0;
        for (int s = 0; s < streams; s++)
        {
            var monitor = new CoverageMonitor(eps, alpha);
            bool outside = false;
            for (int t = 0; t < length; t++)
            {
                monitor.Observe(rng.NextDouble() >= eps);
                outside |= monitor.Lower > 1 - eps || monitor.Upper < 1 - eps;
            }

            alarms += monitor.Alarm ? 1 : 0;
            missed += outside ? 1 : 0;
        }

        double se = Math.Sqrt(alpha * (1 - alpha) / streams);
        Assert.True((double)alarms / streams <= alpha + (3 * se), $"false-alarm rate {(double)alarms / streams}");
        Assert.True((double)missed / streams <= alpha + (3 * se), $"confidence sequence missed the truth in {(double)missed / streams} of streams");
    }

    /// <summary>
    /// Issue 22: the alarm and the reported bound come from one test, so an alarm's bound always excludes the target and a
    /// bound that excludes it always comes with an alarm (the wealth is also checked against the running product of the
    /// definition, with the bets 0.0009/eps ... 0.9/eps).
    /// </summary>
    [Fact]
    public void The_upper_bound_excludes_the_target_exactly_when_the_wealth_reaches_one_over_alpha()
    {
        var gen = Gen.Select(Gen.Double[0.01, 0.5], Gen.Double[0.01, 0.2], Gen.Double[0.3, 1.0], Gen.Int[0, int.MaxValue]);
        gen.Sample((eps, alpha, p, seed) =>
        {
            var rng = new Random(seed);
            var monitor = new CoverageMonitor(eps, alpha);
            var lambda = Enumerable.Range(0, 24).Select(g => 0.9e-3 / eps * Math.Pow(1e3, g / 23.0)).ToArray();
            var logProducts = new double[24];
            for (int t = 0; t < 60; t++)
            {
                bool covered = rng.NextDouble() < p;
                monitor.Observe(covered);
                for (int g = 0; g < 24; g++)
                {
                    logProducts[g] += Math.Log(1 + (lambda[g] * ((1 - eps) - (covered ? 1 : 0))));
                }

                double reference = Math.Log(logProducts.Select(Math.Exp).Average());
                Assert.True(Math.Abs(reference - monitor.LogWealth) <= 1e-9 * Math.Max(1, Math.Abs(reference)), $"wealth {monitor.LogWealth} vs {reference}");
                bool rejects = monitor.LogWealth >= -Math.Log(alpha);
                Assert.True(rejects == (monitor.UpperBound <= 1 - eps), $"t {t + 1}, {monitor.Covered} covered: wealth {Math.Exp(monitor.LogWealth)} vs 1/alpha {1 / alpha}, bound {monitor.UpperBound}, target {1 - eps}");
                if (monitor.AlarmAt == monitor.Count)
                {
                    Assert.True(monitor.UpperBound <= 1 - eps);
                }
            }
        }, iter: 300);
    }

    [Fact]
    public void The_upper_bound_is_anytime_valid()
    {
        const double truth = 0.8, alpha = 0.05;
        const int streams = 300;
        var rng = new Random(24);
        int violated = 0;
        for (int s = 0; s < streams; s++)
        {
            var monitor = new CoverageMonitor(0.1, alpha);
            bool below = false;
            for (int t = 1; t <= 2000; t++)
            {
                monitor.Observe(rng.NextDouble() < truth);
                below |= t % 25 == 0 && monitor.UpperBound < truth;
            }

            violated += below ? 1 : 0;
        }

        double se = Math.Sqrt(alpha * (1 - alpha) / streams);
        Assert.True((double)violated / streams <= alpha + (3 * se), $"the bound fell below the true coverage in {(double)violated / streams} of streams");
    }

    [Fact]
    public void Alarms_soon_after_coverage_drops()
    {
        var rng = new Random(22);
        var delays = new List<long>();
        for (int s = 0; s < 50; s++)
        {
            var monitor = new CoverageMonitor(0.1, 0.05);
            for (int t = 0; t < 5000 && !monitor.Alarm; t++)
            {
                monitor.Observe(rng.NextDouble() >= 0.25); // coverage 0.75 < 0.9
            }

            Assert.True(monitor.Alarm);
            delays.Add(monitor.AlarmAt!.Value);
        }

        Assert.True(delays.Average() < 300, $"mean detection delay {delays.Average()}");
        Assert.True(delays.Min() >= 2, "one miscovered input is never enough evidence (wealth at most 1 + 0.9 (1 - eps) / eps < 1 / alpha)");
    }

    [Fact]
    public void Adaptive_threshold_starts_at_the_conformal_threshold_and_keeps_long_run_miscoverage_near_eps()
    {
        var rng = new Random(23);
        var scores = Enumerable.Range(0, 500).Select(_ => rng.NextDouble()).ToArray();
        var aci = new AdaptiveThreshold(scores, 0.1, 0.01);
        Assert.Equal(SplitConformal.Threshold(scores, 0.1), aci.Gamma);

        // Shifted stream: scores now twice as large. The fixed threshold would miss ~55%; ACI recovers eps in the long run.
        const int t = 20000;
        for (int i = 0; i < t; i++)
        {
            aci.Observe(2 * rng.NextDouble());
        }

        double bound = (0.9 + 0.01) / (0.01 * t);
        Assert.InRange((double)aci.Errors / t, 0.1 - bound, 0.1 + bound);
        Assert.True(aci.Gamma > SplitConformal.Threshold(scores, 0.1));
    }
}
