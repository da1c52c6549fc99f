using CredalDistill.Metrics;
using CsCheck;

namespace CredalDistill.Tests.Metrics;

public class CalibrationErrorTests
{
    [Fact]
    public void Ece_and_mce_one_sample_per_bin()
    {
        // Every sample in its own bin: ECE = mean |correct - c| = (.3 + .6 + .5 + .2 + .4) / 5.
        var p = MetricExamples.ThreeClassMatrix;
        var y = MetricExamples.ThreeClassLabels;
        Assert.Equal(0.4, ExpectedCalibrationError.Compute(p, y), 12);
        Assert.Equal(0.6, MaximumCalibrationError.Compute(p, y), 12);
        Assert.Equal(0.6, MaximumCalibrationError.Compute(MetricExamples.ThreeClass, 3, y), 12);
    }

    [Fact]
    public void Ece_with_shared_bins()
    {
        // bin 14 {s0, s1}: conf .95, acc .5 -> .45; bin 13 {s2, s3}: conf .91, acc 1 -> .09;
        // bin 8 {s4, s5}: conf .565, acc .5 -> .065. ECE = (2/6)(.45 + .09 + .065); MCE = .45.
        var p = MetricExamples.TwoClassMatrix;
        var y = MetricExamples.TwoClassLabels;
        Assert.Equal(0.605 / 3.0, ExpectedCalibrationError.Compute(p, y), 12);
        Assert.Equal(0.605 / 3.0, ExpectedCalibrationError.Compute(MetricExamples.TwoClass, 2, y), 12);
        Assert.Equal(0.45, MaximumCalibrationError.Compute(p, y), 12);
    }

    [Fact]
    public void Reliability_diagram_marks_empty_bins()
    {
        var bins = ReliabilityDiagram.Compute(MetricExamples.TwoClassMatrix, MetricExamples.TwoClassLabels);
        Assert.Equal(15, bins.Length);
        for (int b = 0; b < 15; b++)
        {
            Assert.Equal(b, bins[b].Index);
            Assert.Equal(b / 15.0, bins[b].Lower, 15);
            Assert.Equal((b + 1) / 15.0, bins[b].Upper, 15);
            bool filled = b is 8 or 13 or 14;
            Assert.Equal(!filled, bins[b].IsEmpty);
            Assert.Equal(filled ? 2 : 0, bins[b].Count);
            if (!filled)
            {
                Assert.Equal(0.0, bins[b].MeanConfidence);
                Assert.Equal(0.0, bins[b].Accuracy);
            }
        }

        Assert.Equal(0.565, bins[8].MeanConfidence, 12);
        Assert.Equal(0.5, bins[8].Accuracy);
        Assert.Equal(0.91, bins[13].MeanConfidence, 12);
        Assert.Equal(1.0, bins[13].Accuracy);
        Assert.Equal(0.95, bins[14].MeanConfidence, 12);
        Assert.Equal(0.45, bins[14].Gap, 12);
        Assert.Equal(0.605 / 3.0, ExpectedCalibrationError.FromBins(bins), 12);
    }

    [Fact]
    public void Bin_edges_follow_the_ceil_rule()
    {
        // Bins are (b/15, (b+1)/15]: a confidence exactly on an upper edge stays in the lower bin.
        Assert.Equal(0, CredalDistill.Metrics.Binning.EqualWidthIndex(1.0 / 15.0, 15));
        Assert.Equal(1, CredalDistill.Metrics.Binning.EqualWidthIndex(2.0 / 15.0, 15));
        Assert.Equal(4, CredalDistill.Metrics.Binning.EqualWidthIndex(1.0 / 3.0, 15));
        Assert.Equal(14, CredalDistill.Metrics.Binning.EqualWidthIndex(1.0, 15));
        Assert.Equal(0, CredalDistill.Metrics.Binning.EqualWidthIndex(0.0, 15)); // ceil(0) - 1 = -1 clamped to 0
        Assert.Equal(7, CredalDistill.Metrics.Binning.EqualWidthIndex(0.5, 15));
        Assert.Equal(1, CredalDistill.Metrics.Binning.EqualWidthIndex((1.0 / 15.0) + 1e-12, 15));
    }

    [Fact]
    public void Bin_edges_end_to_end()
    {
        // K = 15 uniform row: confidence 1/15 -> bin 0. K = 14 row (2/15, 1/15 x 13): 2/15 -> bin 1.
        var uniform15 = new double[15];
        Array.Fill(uniform15, 1.0 / 15.0);
        AssertSingleBin(uniform15, 15, 0);

        var two = new double[14];
        Array.Fill(two, 1.0 / 15.0);
        two[0] = 2.0 / 15.0;
        AssertSingleBin(two, 14, 1);

        AssertSingleBin([1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0], 3, 4); // 1/3 = 5/15 -> bin 4
        AssertSingleBin([0.0, 1.0, 0.0], 3, 14);
    }

    private static void AssertSingleBin(double[] row, int classes, int expectedBin)
    {
        var bins = ReliabilityDiagram.Compute(row, classes, [0]);
        for (int b = 0; b < bins.Length; b++)
        {
            Assert.Equal(b == expectedBin ? 1 : 0, bins[b].Count);
        }
    }

    [Fact]
    public void Equal_mass_split_follows_array_split()
    {
        // Sorted by confidence (ties by row): s4 .55, s5 .58, s3 .90, s2 .92, s0 .95, s1 .95.
        // B = 4, n = 6 = 1*4 + 2: sizes 2, 2, 1, 1.
        var bins = ReliabilityDiagram.ComputeEqualMass(MetricExamples.TwoClassMatrix, MetricExamples.TwoClassLabels, 4);
        Assert.Equal([2, 2, 1, 1], bins.Select(b => b.Count).ToArray());
        Assert.Equal(0.55, bins[0].Lower);
        Assert.Equal(0.58, bins[0].Upper);
        Assert.Equal(0.565, bins[0].MeanConfidence, 12);
        Assert.Equal(0.5, bins[0].Accuracy);
        Assert.Equal(0.91, bins[1].MeanConfidence, 12);
        Assert.Equal(1.0, bins[1].Accuracy);
        Assert.Equal(1.0, bins[2].Accuracy); // s0 (row 0) comes before s1 among the tied .95
        Assert.Equal(0.0, bins[3].Accuracy);

        // ECE = (2 * .065 + 2 * .09 + .05 + .95) / 6
        Assert.Equal(1.31 / 6.0, ExpectedCalibrationError.ComputeEqualMass(MetricExamples.TwoClassMatrix, MetricExamples.TwoClassLabels, 4), 12);
        Assert.Equal(1.31 / 6.0, ExpectedCalibrationError.ComputeEqualMass(MetricExamples.TwoClass, 2, MetricExamples.TwoClassLabels, 4), 12);

        // B = 3: sizes 2, 2, 2 -> same bins as equal width here: (.065 + .09 + .45) / 3.
        Assert.Equal(0.605 / 3.0, ExpectedCalibrationError.ComputeEqualMass(MetricExamples.TwoClassMatrix, MetricExamples.TwoClassLabels, 3), 12);
    }

    [Fact]
    public void Equal_mass_with_fewer_samples_than_bins_leaves_trailing_bins_empty()
    {
        var bins = ReliabilityDiagram.ComputeEqualMass(MetricExamples.TwoClassMatrix, MetricExamples.TwoClassLabels);
        Assert.Equal(15, bins.Length);
        Assert.All(bins.Take(6), b => Assert.Equal(1, b.Count));
        Assert.All(bins.Skip(6), b => Assert.True(b.IsEmpty));

        // mean |correct - c| = (.05 + .95 + .08 + .10 + .55 + .42) / 6
        Assert.Equal(2.15 / 6.0, ExpectedCalibrationError.ComputeEqualMass(MetricExamples.TwoClassMatrix, MetricExamples.TwoClassLabels), 12);
    }

    [Fact]
    public void Classwise_ece_bins_each_class_over_all_samples()
    {
        // class 0: values .7(1) .6(0) .2(0) .1(0) .4(0), distinct bins -> (.3 + .6 + .2 + .1 + .4) / 5 = .32
        // class 1: values .2(0) .3(0) .5(1) .1(0) .4(1), distinct bins -> (.2 + .3 + .5 + .1 + .6) / 5 = .34
        // class 2: values .1(0) .1(1) .3(0) .8(1) .2(0): r0, r1 share bin 1 (conf .1, freq .5, gap .4, weight 2/5)
        //          -> (2 * .4 + .3 + .2 + .2) / 5 = .30
        // average: (.32 + .34 + .30) / 3 = .32
        Assert.Equal(0.32, ClasswiseCalibrationError.Compute(MetricExamples.ThreeClassMatrix, MetricExamples.ThreeClassLabels), 12);
        Assert.Equal(0.32, ClasswiseCalibrationError.Compute(MetricExamples.ThreeClass, 3, MetricExamples.ThreeClassLabels), 12);
    }

    [Fact]
    public void Ece_is_small_for_a_calibrated_source_and_large_for_an_overconfident_one()
    {
        // K = 2; confidence c ~ U(0.5, 1); the prediction is correct with probability c (calibrated)
        // or c^4 (over-confident, expected gap E[c - c^4] ~ 0.28).
        var rng = new Random(2024);
        const int n = 20000;
        var probs = new double[2 * n];
        var calibrated = new int[n];
        var overconfident = new int[n];
        for (int i = 0; i < n; i++)
        {
            double c = 0.5 + (0.5 * rng.NextDouble());
            probs[2 * i] = c;
            probs[(2 * i) + 1] = 1.0 - c;
            double u = rng.NextDouble();
            calibrated[i] = u < c ? 0 : 1;
            overconfident[i] = u < c * c * c * c ? 0 : 1;
        }

        var p = ProbabilityMatrix.FromProbabilities(probs, 2);
        double good = ExpectedCalibrationError.Compute(p, calibrated);
        double bad = ExpectedCalibrationError.Compute(p, overconfident);
        Assert.True(good < 0.02, $"calibrated ECE {good}");
        Assert.True(bad > 0.2, $"over-confident ECE {bad}");
        Assert.True(ExpectedCalibrationError.ComputeEqualMass(p, calibrated) < 0.02);
    }

    [Fact]
    public void Ece_invariants_hold_for_random_inputs()
    {
        var gen = Gen.Int[2, 6].SelectMany(k => Gen.Int[1, 40].SelectMany(n =>
            Gen.Select(Gen.Double[0.001, 1.0].Array[n * k], Gen.Int[0, k - 1].Array[n], Gen.Int[1, 20], (w, y, b) => (k, n, w, y, b))));
        gen.Sample(t =>
        {
            var (k, n, w, y, b) = t;
            for (int i = 0; i < n; i++)
            {
                double s = 0.0;
                for (int j = 0; j < k; j++)
                {
                    s += w[(i * k) + j];
                }

                for (int j = 0; j < k; j++)
                {
                    w[(i * k) + j] /= s;
                }
            }

            var p = ProbabilityMatrix.FromProbabilities(w, k);
            double ece = ExpectedCalibrationError.Compute(p, y, b);
            double mce = MaximumCalibrationError.Compute(p, y, b);
            double em = ExpectedCalibrationError.ComputeEqualMass(p, y, b);
            double cw = ClasswiseCalibrationError.Compute(p, y, b);
            double brier = BrierScore.Compute(p, y);
            return ece >= 0.0 && ece <= 1.0 && mce >= ece - 1e-12 && mce <= 1.0
                && em >= 0.0 && em <= 1.0 && cw >= 0.0 && cw <= 1.0
                && brier >= 0.0 && brier <= 2.0 + 1e-12
                && ReliabilityDiagram.Compute(p, y, b).Sum(r => r.Count) == n;
        }, iter: 300, seed: "0N0XIzNsQ0O2");
    }
}
