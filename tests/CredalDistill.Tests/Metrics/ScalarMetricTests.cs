using CredalDistill.Metrics;

namespace CredalDistill.Tests.Metrics;

public class ScalarMetricTests
{
    [Fact]
    public void Accuracy_uses_first_index_on_ties()
    {
        // r0, r2, r3 correct; r4 is a tie resolved to class 0 (label 1) -> wrong. 3/5.
        Assert.Equal(0.6, Accuracy.Compute(MetricExamples.ThreeClassMatrix, MetricExamples.ThreeClassLabels), 14);
        Assert.Equal(0.6, Accuracy.Compute(MetricExamples.ThreeClass, 3, MetricExamples.ThreeClassLabels), 14);
        Assert.Equal(4.0 / 6.0, Accuracy.Compute(MetricExamples.TwoClassMatrix, MetricExamples.TwoClassLabels), 14);
    }

    [Fact]
    public void Nll_is_mean_negative_log_of_true_class_probability()
    {
        double expected3 = -(Math.Log(0.7) + Math.Log(0.1) + Math.Log(0.5) + Math.Log(0.8) + Math.Log(0.4)) / 5.0;
        Assert.Equal(expected3, NegativeLogLikelihood.Compute(MetricExamples.ThreeClassMatrix, MetricExamples.ThreeClassLabels), 12);
        double expected2 = -(Math.Log(0.95) + Math.Log(0.05) + Math.Log(0.92) + Math.Log(0.90) + Math.Log(0.45) + Math.Log(0.58)) / 6.0;
        Assert.Equal(expected2, NegativeLogLikelihood.Compute(MetricExamples.TwoClass, 2, MetricExamples.TwoClassLabels), 12);
    }

    [Fact]
    public void Nll_is_exact_no_floor_and_no_cap()
    {
        // A zero probability on the true label costs +inf, the value of the definition.
        var p = ProbabilityMatrix.FromProbabilities([1.0, 0.0, 0.5, 0.5], 2);
        Assert.Equal(double.PositiveInfinity, NegativeLogLikelihood.Compute(p, [1, 0]));

        // A confidently wrong row given as logits: log p_y = -100 exactly, so its NLL is 100 (the old 27.6-nat cap is gone);
        // with log p_y = -800 the probability underflows to 0, and the kept log-probability still gives 800.
        var logits = ProbabilityMatrix.FromLogits([100.0, 0.0, 800.0, 0.0], 2);
        Assert.Equal(100.0, NegativeLogLikelihood.Compute(logits.Select([0]), [1]), 12);
        Assert.Equal(800.0, NegativeLogLikelihood.Compute(logits.Select([1]), [1]), 12);
        Assert.Equal(450.0, NegativeLogLikelihood.Compute(logits, [1, 1]), 12);
        var sums = new MetricAccumulator(2);
        sums.Add(logits, [1, 1]);
        Assert.Equal(450.0, sums.Nll, 12);
    }

    [Fact]
    public void Brier_sums_over_classes_and_averages_over_samples()
    {
        // r0 .09+.04+.01 = .14; r1 .36+.09+.81 = 1.26; r2 .04+.25+.09 = .38; r3 .01+.01+.04 = .06; r4 .16+.36+.04 = .56
        Assert.Equal(2.4 / 5.0, BrierScore.Compute(MetricExamples.ThreeClassMatrix, MetricExamples.ThreeClassLabels), 12);
        // .005 + 1.805 + .0128 + .02 + .605 + .3528 = 2.8006
        Assert.Equal(2.8006 / 6.0, BrierScore.Compute(MetricExamples.TwoClass, 2, MetricExamples.TwoClassLabels), 12);

        var perfect = ProbabilityMatrix.FromProbabilities([0.0, 1.0, 1.0, 0.0], 2);
        Assert.Equal(0.0, BrierScore.Compute(perfect, [1, 0]));
        Assert.Equal(2.0, BrierScore.Compute(perfect, [0, 1]));
    }

    [Fact]
    public void Report_bundles_the_hand_values()
    {
        var r = CalibrationReport.Compute(MetricExamples.ThreeClassMatrix, MetricExamples.ThreeClassLabels);
        Assert.Equal(5, r.Count);
        Assert.Equal(15, r.Bins);
        Assert.Equal(0.6, r.Accuracy, 14);
        Assert.Equal(0.4, r.ExpectedCalibrationError, 12); // (.3 + .6 + .5 + .2 + .4) / 5
        Assert.Equal(0.6, r.MaximumCalibrationError, 12);
        Assert.Equal(0.32, r.ClasswiseCalibrationError, 12);
        Assert.Equal(0.4, r.EqualMassCalibrationError, 12); // n < B: one sample per bin
        Assert.Equal(0.48, r.BrierScore, 12);
        Assert.Equal(-(Math.Log(0.7) + Math.Log(0.1) + Math.Log(0.5) + Math.Log(0.8) + Math.Log(0.4)) / 5.0, r.NegativeLogLikelihood, 12);
    }

    [Fact]
    public void Invalid_inputs_name_argument_and_row()
    {
        var p = MetricExamples.ThreeClassMatrix;
        var length = Assert.Throws<ArgumentException>(() => Accuracy.Compute(p, [0, 1]));
        Assert.Equal("labels", length.ParamName);

        var range = Assert.Throws<ArgumentException>(() => BrierScore.Compute(p, [0, 1, 3, 0, 0]));
        Assert.Equal("labels", range.ParamName);
        Assert.Contains("row 2", range.Message);

        var badRow = Assert.Throws<ArgumentException>(() => NegativeLogLikelihood.Compute([0.5, 0.5, 0.6, 0.6], 2, [0, 1]));
        Assert.Equal("probabilities", badRow.ParamName);
        Assert.Contains("row 1", badRow.Message);

        var ragged = Assert.Throws<ArgumentException>(() => Accuracy.Compute([0.5, 0.5, 1.0], 2, [0]));
        Assert.Equal("probabilities", ragged.ParamName);

        var empty = ProbabilityMatrix.FromProbabilities(ReadOnlySpan<double>.Empty, 3);
        Assert.Equal("probabilities", Assert.Throws<ArgumentException>(() => CalibrationReport.Compute(empty, ReadOnlySpan<int>.Empty)).ParamName);
        Assert.Equal("bins", Assert.Throws<ArgumentOutOfRangeException>(() => ExpectedCalibrationError.Compute(p, MetricExamples.ThreeClassLabels, 0)).ParamName);
        Assert.Throws<ArgumentNullException>(() => Accuracy.Compute(null!, [0]));
    }
}
