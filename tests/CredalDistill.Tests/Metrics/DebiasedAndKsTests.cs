using CredalDistill.Metrics;
using CredalDistill.Tests.Support;

namespace CredalDistill.Tests.Metrics;

public sealed class DebiasedAndKsTests
{
    // Four rows, K = 2: confidences 0.9 (correct), 0.6 (wrong), 0.8 (correct), 0.7 (correct).
    // Sorted: 0.6 w, 0.7 c, 0.8 c, 0.9 c; c - a = 0.6, -0.3, -0.2, -0.1; prefix sums 0.6, 0.3, 0.1, 0.0 -> KS = 0.6 / 4.
    private static readonly double[] Four = [0.9, 0.1, 0.6, 0.4, 0.2, 0.8, 0.3, 0.7];
    private static readonly int[] FourLabels = [0, 1, 1, 1];

    [Fact]
    public void Hand_worked_values()
    {
        var p = ProbabilityMatrix.FromProbabilities(Four, 2);
        Assert.Equal(0.15, KsCalibrationError.Compute(p, FourLabels), 15);

        // B = 4: one row per bin, no variance term: E2 = (1/4)(0.6^2 + 0.3^2 + 0.2^2 + 0.1^2) = 0.125.
        Assert.Equal(Math.Sqrt(0.125), DebiasedCalibrationError.Compute(p, FourLabels, bins: 4), 15);

        // B = 2: bins {0.6 w, 0.7 c} and {0.8 c, 0.9 c}:
        // (1/2)[(0.5 - 0.65)^2 - 0.25 / 1] + (1/2)[(1 - 0.85)^2 - 0] = -0.1025 < 0, reported as 0.
        Assert.Equal(0.0, DebiasedCalibrationError.Compute(p, FourLabels, bins: 2));

        // B = 15 > n = 4: bins of positions floor(b 4 / 15): sizes 0/1 only, the same as B = 4.
        Assert.Equal(Math.Sqrt(0.125), DebiasedCalibrationError.Compute(Four, 2, FourLabels), 15);
    }

    [Fact]
    public void Tie_break_is_the_row_index()
    {
        // Two rows with the same confidence 0.6, the first wrong, the second correct, then a correct 0.9 row.
        // Sorted (stable): r0 (0.6 - 0), r1 (0.6 - 1), r2 (0.9 - 1): prefix sums 0.6, 0.2, 0.1 -> KS = 0.6 / 3.
        // Swapping the order of the tied rows would give -0.4, 0.2, 0.1 -> 0.4 / 3.
        double[] p = [0.6, 0.4, 0.6, 0.4, 0.9, 0.1];
        int[] y = [1, 0, 0];
        Assert.Equal(0.2, KsCalibrationError.Compute(p, 2, y), 15);
        Assert.Equal(0.4 / 3, KsCalibrationError.Compute([0.6, 0.4, 0.6, 0.4, 0.9, 0.1], 2, [0, 1, 0]), 15);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 2)]
    [InlineData(14, 3)]
    [InlineData(15, 4)]
    [InlineData(16, 5)]
    [InlineData(31, 6)]
    [InlineData(500, 7)]
    [InlineData(2003, 8)]
    public void Equal_the_independent_reference_on_tied_ten_class_data(int n, int seed)
    {
        const int k = 10;
        var (data, labels) = TopLabelReference.TiedData(n, k, seed);
        var (c, a) = TopLabelReference.TopLabel(data, k, labels);
        Assert.True(n < 30 || c.Distinct().Count() < n, "the data must have ties in confidence");
        var p = ProbabilityMatrix.FromProbabilities(data, k);
        foreach (int bins in new[] { 1, 2, 15 })
        {
            Assert.Equal(TopLabelReference.Debiased(c, a, bins), DebiasedCalibrationError.Compute(p, labels, bins), 12);
            Assert.Equal(TopLabelReference.Debiased(c, a, bins), DebiasedCalibrationError.FromTopLabel(c, a, bins), 12);
        }

        Assert.Equal(TopLabelReference.Ks(c, a), KsCalibrationError.Compute(p, labels), 12);
        Assert.Equal(TopLabelReference.Ks(c, a), KsCalibrationError.FromTopLabel(c, a), 12);
        var report = CalibrationReport.Compute(p, labels);
        Assert.Equal(TopLabelReference.Debiased(c, a), report.DebiasedCalibrationError, 12);
        Assert.Equal(TopLabelReference.Ks(c, a), report.KsCalibrationError, 12);
    }

    [Fact]
    public void Debiasing_removes_most_of_the_plug_in_bias_on_calibrated_data()
    {
        // Perfectly calibrated by construction: the label is drawn from the predicted distribution. The squared plug-in gap
        // over equal-mass bins is biased upward by about the bin variance; the debiased estimate averages near 0.
        const int k = 3;
        const int n = 600;
        double plugIn = 0;
        double debiased = 0;
        const int repeats = 40;
        for (int r = 0; r < repeats; r++)
        {
            var rng = new Random(100 + r);
            var p = new double[n * k];
            var y = new int[n];
            for (int i = 0; i < n; i++)
            {
                double top = 0.4 + (0.55 * rng.NextDouble());
                p[i * k] = top;
                p[(i * k) + 1] = (1 - top) * 0.6;
                p[(i * k) + 2] = (1 - top) * 0.4;
                double u = rng.NextDouble();
                y[i] = u < p[i * k] ? 0 : u < p[i * k] + p[(i * k) + 1] ? 1 : 2;
            }

            var (c, a) = TopLabelReference.TopLabel(p, k, y);
            debiased += Math.Pow(DebiasedCalibrationError.Compute(p, k, y), 2);
            plugIn += PlugInSquared(c, a);
        }

        Assert.True(debiased / repeats < 0.25 * (plugIn / repeats), $"mean squared debiased {debiased / repeats} vs plug-in {plugIn / repeats}");
    }

    [Fact]
    public void Top_label_inputs_are_validated()
    {
        Assert.Throws<ArgumentException>(() => KsCalibrationError.FromTopLabel([], []));
        Assert.Throws<ArgumentException>(() => KsCalibrationError.FromTopLabel([0.5, 0.6], [true]));
        Assert.Throws<ArgumentOutOfRangeException>(() => DebiasedCalibrationError.FromTopLabel([1.5], [true]));
        Assert.Throws<ArgumentOutOfRangeException>(() => DebiasedCalibrationError.FromTopLabel([double.NaN], [true]));
        Assert.Throws<ArgumentOutOfRangeException>(() => DebiasedCalibrationError.FromTopLabel([0.5], [true], bins: 0));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(9)]
    [InlineData(1000)]
    public void Accumulator_gives_the_one_pass_values_for_any_chunking(int chunk)
    {
        const int k = 10;
        var (data, labels) = TopLabelReference.TiedData(333, k, 9);
        var whole = ProbabilityMatrix.FromProbabilities(data, k);
        var sums = new MetricAccumulator(k);
        var kept = new MetricAccumulator(k, retention: RowRetention.Bootstrap);
        for (int start = 0; start < labels.Length; start += chunk)
        {
            int rows = Math.Min(chunk, labels.Length - start);
            sums.Add(whole.Data.Slice(start * k, rows * k), labels.AsSpan(start, rows));
            kept.Add(whole.Data.Slice(start * k, rows * k), labels.AsSpan(start, rows));
        }

        Assert.Equal(DebiasedCalibrationError.Compute(whole, labels), sums.EceDebiased);
        Assert.Equal(KsCalibrationError.Compute(whole, labels), sums.KsError);
        Assert.Equal(sums.EceDebiased, kept.EceDebiased);
        Assert.Equal(sums.KsError, kept.KsError);
        Assert.Equal(NegativeLogLikelihood.Compute(whole, labels), kept.Nll);
    }

    [Fact]
    public void Accumulator_without_rows_cannot_sort()
    {
        var sums = new MetricAccumulator(2, retention: RowRetention.None);
        sums.Add(Four, FourLabels);
        Assert.Equal(0.75, sums.Accuracy);
        Assert.Throws<InvalidOperationException>(() => sums.KsError);
        Assert.Throws<InvalidOperationException>(() => sums.EceDebiased);
        Assert.Throws<InvalidOperationException>(() => new MetricAccumulator(2).KsError);
        Assert.Throws<ArgumentOutOfRangeException>(() => new MetricAccumulator(2, retention: (RowRetention)7));
    }

    private static double PlugInSquared(double[] c, bool[] a)
    {
        var order = TopLabelReference.Sorted(c);
        int n = c.Length;
        double total = 0;
        for (int b = 0; b < 15; b++)
        {
            int from = b * n / 15;
            int to = (b + 1) * n / 15;
            double gap = 0;
            for (int j = from; j < to; j++)
            {
                gap += c[order[j]] - (a[order[j]] ? 1 : 0);
            }

            gap /= to - from;
            total += (to - from) / (double)n * gap * gap;
        }

        return total;
    }
}
