using CredalDistill.Metrics;
using CredalDistill.Tests.Support;

namespace CredalDistill.Tests.Metrics;

public sealed class CalibrationBootstrapTests
{
    private static readonly CalibrationMetric[] AllMetrics = Enum.GetValues<CalibrationMetric>();

    private static MetricAccumulator Kept(double[] p, int k, int[] labels)
    {
        var sums = new MetricAccumulator(k, retention: RowRetention.Bootstrap);
        sums.Add(p, labels);
        return sums;
    }

    private static double Get(TopLabelReference.Metrics m, CalibrationMetric metric) => metric switch
    {
        CalibrationMetric.Accuracy => m.Accuracy,
        CalibrationMetric.Ece => m.Ece,
        CalibrationMetric.EceDebiased => m.EceDebiased,
        CalibrationMetric.KsError => m.KsError,
        CalibrationMetric.Nll => m.Nll,
        _ => m.Brier,
    };

    [Theory]
    [InlineData(10, 10)]
    [InlineData(29, 3)]
    [InlineData(400, 10)]
    public void Each_replicate_is_the_metrics_of_its_materialised_resample(int n, int k)
    {
        // The resample, listed row by row with its multiplicities (duplicates adjacent, ties by row index), through the
        // independent reference: every metric to 1e-12, including equal-mass bins that split runs of duplicates.
        var (p, labels) = TopLabelReference.TiedData(n, k, seed: n);
        var result = new CalibrationBootstrap { Replicates = 25, Seed = 7 }.Run([Kept(p, k, labels)]);
        var counts = new int[n];
        int checkedReplicates = 0;
        for (int r = 0; r < result.Replicates; r++)
        {
            CalibrationBootstrap.ResampleCounts(7, r, counts);
            Assert.Equal(n, counts.Sum());
            var rows = Enumerable.Range(0, n).SelectMany(i => Enumerable.Repeat(i, counts[i])).ToArray();
            var resampled = rows.SelectMany(i => p.Skip(i * k).Take(k)).ToArray();
            var expected = TopLabelReference.All(resampled, k, [.. rows.Select(i => labels[i])]);
            foreach (var metric in AllMetrics)
            {
                Assert.Equal(Get(expected, metric), result.Values(0, metric)[r], 12);
            }

            checkedReplicates++;
        }

        Assert.Equal(25, checkedReplicates);
        Assert.Equal(Get(TopLabelReference.All(p, k, labels), CalibrationMetric.EceDebiased), result.Estimate(0, CalibrationMetric.EceDebiased), 12);
    }

    [Fact]
    public void Same_seed_same_values_on_one_thread_or_many()
    {
        var (p, labels) = TopLabelReference.TiedData(3000, 10, seed: 1);
        var (q, _) = TopLabelReference.TiedData(3000, 10, seed: 2);
        MetricAccumulator[] methods = [Kept(p, 10, labels), Kept(q, 10, labels)];
        var serial = new CalibrationBootstrap { Replicates = 64, Seed = 3, MaxDegreeOfParallelism = 1 }.Run(methods);
        var parallel = new CalibrationBootstrap { Replicates = 64, Seed = 3 }.Run(methods);
        var other = new CalibrationBootstrap { Replicates = 64, Seed = 4 }.Run(methods);
        foreach (var metric in AllMetrics)
        {
            for (int m = 0; m < 2; m++)
            {
                Assert.Equal(serial.Values(m, metric).ToArray(), parallel.Values(m, metric).ToArray());
            }
        }

        Assert.NotEqual(serial.Values(0, CalibrationMetric.KsError).ToArray(), other.Values(0, CalibrationMetric.KsError).ToArray());
        for (int b = 0; b < serial.Bins; b++)
        {
            Assert.Equal(serial.BinAccuracyInterval(1, b), parallel.BinAccuracyInterval(1, b));
        }
    }

    [Fact]
    public void Identical_methods_differ_by_exactly_zero_and_a_worse_one_is_detected()
    {
        const int k = 10;
        var (p, labels) = TopLabelReference.TiedData(4000, k, seed: 5, miscalibration: 1.8);
        var (worse, _) = TopLabelReference.TiedData(4000, k, seed: 5, miscalibration: 3.0);
        var result = new CalibrationBootstrap { Replicates = 400, Seed = 11 }.Run([Kept(p, k, labels), Kept(p, k, labels), Kept(worse, k, labels)]);
        foreach (var metric in AllMetrics)
        {
            Assert.Equal(new BootstrapInterval(0, 0), result.DifferenceInterval(0, 1, metric));
            Assert.Equal(0.0, result.Difference(0, 1, metric));
        }

        // The sharpened copy is overconfident: its calibration errors and NLL are larger on the same rows.
        foreach (var metric in new[] { CalibrationMetric.Ece, CalibrationMetric.EceDebiased, CalibrationMetric.KsError, CalibrationMetric.Nll })
        {
            var d = result.DifferenceInterval(0, 2, metric);
            Assert.True(d.Lower > 0, $"{metric}: {d}");
            Assert.True(result.Difference(0, 2, metric) > 0);
            Assert.True(result.DifferenceInterval(2, 0, metric).Upper < 0);
        }
    }

    [Fact]
    public void Intervals_contain_the_estimate_and_match_a_simple_bootstrap()
    {
        // The independent bootstrap: System.Random draws, rows copied, reference metrics recomputed from scratch.
        const int k = 10;
        const int n = 5000;
        const int replicates = 1000;
        var (p, labels) = TopLabelReference.TiedData(n, k, seed: 21, miscalibration: 1.6);
        var result = new CalibrationBootstrap { Replicates = replicates, Seed = 5 }.Run([Kept(p, k, labels)]);
        var rng = new Random(99);
        var simple = AllMetrics.ToDictionary(m => m, _ => new double[replicates]);
        var rows = new int[n];
        for (int r = 0; r < replicates; r++)
        {
            for (int t = 0; t < n; t++)
            {
                rows[t] = rng.Next(n);
            }

            var m = TopLabelReference.All([.. rows.SelectMany(i => p.Skip(i * k).Take(k))], k, [.. rows.Select(i => labels[i])]);
            foreach (var metric in AllMetrics)
            {
                simple[metric][r] = Get(m, metric);
            }
        }

        foreach (var metric in AllMetrics)
        {
            var ours = result.Interval(0, metric);
            var theirs = BootstrapInterval.Percentile(simple[metric]);
            Assert.True(ours.Contains(result.Estimate(0, metric)), $"{metric}: {ours} does not contain {result.Estimate(0, metric)}");
            Assert.True(ours.Width / theirs.Width is > 0.85 and < 1.15, $"{metric}: {ours} against {theirs}");
        }
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(5UL)]
    [InlineData(20250110UL)]
    public void Replicates_are_not_shifted_copies_of_each_other(ulong seed)
    {
        // SplitMix64(seed, stream) streams can be one sequence shifted by a draw or two (always for seed 0), which made
        // replicates coincide; two independent resamples agree on a row's multiplicity with probability about
        // P(two Poisson(1) counts are equal) = e^-2 I_0(2) = 0.3085, far from 1.
        const int n = 2000;
        var counts = Enumerable.Range(0, 30).Select(r =>
        {
            var c = new int[n];
            CalibrationBootstrap.ResampleCounts(seed, r, c);
            return c;
        }).ToArray();
        int pairs = 0;
        for (int a = 0; a < counts.Length; a++)
        {
            for (int b = a + 1; b < counts.Length; b++)
            {
                int same = Enumerable.Range(0, n).Count(i => counts[a][i] == counts[b][i]);
                Assert.InRange(same, 0.26 * n, 0.36 * n);
                pairs++;
            }
        }

        Assert.Equal(435, pairs);
    }

    [Fact]
    public void Percentile_is_numpy_linear_interpolation()
    {
        // numpy.percentile([1, 2, 3, 4, 10], [2.5, 97.5]) = [1.1, 9.4].
        var i = BootstrapInterval.Percentile([4, 1, 10, 3, 2, double.NaN]);
        Assert.Equal(1.1, i.Lower, 14);
        Assert.Equal(9.4, i.Upper, 14);
        Assert.True(i.ExcludesZero);
        Assert.False(new BootstrapInterval(-1, 1).ExcludesZero);
        Assert.True(double.IsNaN(BootstrapInterval.Percentile([double.NaN]).Lower));
        Assert.Equal(new BootstrapInterval(double.PositiveInfinity, double.PositiveInfinity), BootstrapInterval.Percentile([double.PositiveInfinity, double.PositiveInfinity]));
        Assert.Throws<ArgumentOutOfRangeException>(() => BootstrapInterval.Percentile([1.0], 1.0));
    }

    [Fact]
    public void Bad_inputs_are_rejected()
    {
        var (p, labels) = TopLabelReference.TiedData(20, 3, seed: 1);
        var ok = Kept(p, 3, labels);
        var plain = new MetricAccumulator(3);
        plain.Add(p, labels);
        var shorter = new MetricAccumulator(3, retention: RowRetention.Bootstrap);
        shorter.Add(p.AsSpan(0, 30), labels.AsSpan(0, 10));
        var bootstrap = new CalibrationBootstrap { Replicates = 5 };
        Assert.Throws<ArgumentException>(() => bootstrap.Run([]));
        Assert.Throws<ArgumentException>(() => bootstrap.Run([ok, plain]));
        Assert.Throws<ArgumentException>(() => bootstrap.Run([ok, shorter]));
        Assert.Throws<ArgumentException>(() => bootstrap.Run([new MetricAccumulator(3, retention: RowRetention.Bootstrap)]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CalibrationBootstrap { Replicates = 0 });
        var result = bootstrap.Run([ok]);
        Assert.Throws<ArgumentOutOfRangeException>(() => result.Interval(1, CalibrationMetric.Ece));
        Assert.Throws<ArgumentOutOfRangeException>(() => result.BinAccuracyInterval(0, 15));
    }

    [Fact]
    public void Cancellation_stops_the_replicates()
    {
        var (p, labels) = TopLabelReference.TiedData(100, 3, seed: 1);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => new CalibrationBootstrap { Replicates = 50 }.Run([Kept(p, 3, labels)], cancellationToken: cts.Token));
    }
}
