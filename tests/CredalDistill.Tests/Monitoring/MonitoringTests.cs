using CredalDistill.Conformal;
using CredalDistill.Monitoring;

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
