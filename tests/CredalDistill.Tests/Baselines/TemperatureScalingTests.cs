using CredalDistill.Calibration;
using CredalDistill.Baselines;
using CredalDistill.Metrics;

namespace CredalDistill.Tests.Baselines;

public class TemperatureScalingTests
{
    private const int K = 5;

    private static readonly Lazy<(double[] Logits, int[] Labels)> Tempered = new(() =>
    {
        var z = BaselineData.Logits(20_000, K, 4.0, 11);
        return (z, BaselineData.SampleLabels(z, K, 2.0, 12));
    });

    [Fact]
    public void Nll_fit_recovers_the_generating_temperature()
    {
        var (z, y) = Tempered.Value;
        var ts = TemperatureScaling.FitNll(z, K, y);
        Assert.Equal(MapObjective.NegativeLogLikelihood, ts.Objective);
        Assert.InRange(ts.Temperature, 1.9, 2.1);
        Assert.Equal(NegativeLogLikelihood.Compute(ts.Apply(z, K), y), ts.ObjectiveValue, 10);
    }

    [Fact]
    public void Nll_fit_is_a_stationary_point_of_the_metric_nll()
    {
        var (z, y) = Tempered.Value;
        double t = TemperatureScaling.FitNll(z, K, y).Temperature;
        double Nll(double temperature) => NegativeLogLikelihood.Compute(new TemperatureScaling(temperature).Apply(z, K), y);
        double h = 1e-4;
        double slope = (Nll(t + h) - Nll(t - h)) / (2 * h);
        Assert.True(Math.Abs(slope) < 1e-6, $"dNLL/dT = {slope} at T = {t}");
        Assert.True(Nll(t) < Nll(t * 1.01) && Nll(t) < Nll(t / 1.01));
    }

    [Fact]
    public void Ece_fit_returns_a_grid_value_that_is_the_first_argmin_and_beats_t1()
    {
        var (z, y) = Tempered.Value;
        var ts = TemperatureScaling.FitEce(z, K, y);
        Assert.Equal(MapObjective.ExpectedCalibrationError, ts.Objective);
        int index = (int)Math.Round(ts.Temperature * 10);
        Assert.Equal(index / 10.0, ts.Temperature); // bitwise a grid value
        Assert.InRange(index, 1, 40);

        double best = double.PositiveInfinity;
        int bestIndex = -1;
        for (int i = 1; i <= 40; i++)
        {
            double ece = ExpectedCalibrationError.Compute(new TemperatureScaling(i / 10.0).Apply(z, K), y);
            if (ece < best)
            {
                best = ece;
                bestIndex = i;
            }
        }

        Assert.Equal(bestIndex, index);
        Assert.Equal(best, ts.ObjectiveValue);
        double eceAtOne = ExpectedCalibrationError.Compute(ProbabilityMatrix.FromLogits(z, K), y);
        Assert.True(ts.ObjectiveValue < eceAtOne, $"ECE {ts.ObjectiveValue} at T = {ts.Temperature} vs {eceAtOne} at T = 1");
        Assert.InRange(ts.Temperature, 1.6, 2.4);
    }

    [Fact]
    public void Ece_ties_go_to_the_smallest_temperature()
    {
        // Equal logits: every temperature gives the uniform distribution, so every grid point ties.
        var z = new double[30];
        var y = new int[10];
        for (int i = 0; i < y.Length; i++)
        {
            y[i] = i % 3;
        }

        Assert.Equal(0.1, TemperatureScaling.FitEce(z, 3, y).Temperature);
        Assert.Equal(1.0, TemperatureScaling.FitNll(z, 3, y).Temperature); // flat objective: documented T = 1
    }

    [Fact]
    public void Grid_temperatures_are_exact_quotients()
    {
        Assert.Equal(0.1, TemperatureScaling.GridTemperature(1));
        Assert.Equal(0.3, TemperatureScaling.GridTemperature(3));
        Assert.Equal(4.0, TemperatureScaling.GridTemperature(40));
        Assert.Throws<ArgumentOutOfRangeException>(() => TemperatureScaling.GridTemperature(41));
    }

    [Fact]
    public void Probability_input_uses_log_probabilities_as_logits()
    {
        var (z, y) = Tempered.Value;
        var zs = z.AsSpan(0, 2000 * K).ToArray();
        var ys = y.AsSpan(0, 2000).ToArray();
        var p = ProbabilityMatrix.FromLogits(zs, K);
        // log softmax(z) = z - logsumexp(z): a per-row shift, so the fitted temperature is the same.
        Assert.Equal(TemperatureScaling.FitNll(zs, K, ys).Temperature, TemperatureScaling.FitNll(p, ys).Temperature, 8);
        Assert.Equal(TemperatureScaling.FitEce(zs, K, ys).Temperature, TemperatureScaling.FitEce(p, ys).Temperature);

        var ts = new TemperatureScaling(2.0);
        var q = ProbabilityMatrix.FromProbabilities([0.64, 0.36, 0.0, 1.0], 2);
        var r = ts.Apply(q);
        Assert.Equal(0.8 / 1.4, r[0][0], 12); // p^(1/2) normalised
        Assert.Equal(1e-6 / (1.0 + 1e-6), r[1][0], 12); // zero floored at 1e-12 before the log
    }

    [Fact]
    public void Row_apply_matches_batch_apply()
    {
        var z = BaselineData.Logits(7, 4, 3.0, 5);
        var ts = new TemperatureScaling(1.7);
        var batch = ts.Apply(z, 4);
        Span<double> row = stackalloc double[4];
        for (int i = 0; i < 7; i++)
        {
            ts.Apply(z.AsSpan(i * 4, 4), row);
            Assert.Equal(batch[i].ToArray(), row.ToArray());
        }
    }

    [Fact]
    public void Separable_data_hits_the_lower_bracket_end()
    {
        // The label is always the arg-max with a margin: NLL decreases as T -> 0.
        var z = new double[] { 3, 0, 0, 2, -1, 5 };
        Assert.Equal(TemperatureScaling.MinimumTemperature, TemperatureScaling.FitNll(z, 2, [0, 1, 1]).Temperature);
        // Labels always the arg-min: NLL decreases as T -> infinity.
        Assert.Equal(TemperatureScaling.MaximumTemperature, TemperatureScaling.FitNll(z, 2, [1, 0, 0]).Temperature);
    }

    [Fact]
    public void Invalid_inputs_name_argument_and_row()
    {
        Assert.Equal("labels", Assert.Throws<ArgumentException>(() => TemperatureScaling.FitNll([1.0, 2.0, 3.0, 4.0], 2, [0])).ParamName);
        var range = Assert.Throws<ArgumentException>(() => TemperatureScaling.FitEce([1.0, 2.0, 3.0, 4.0], 2, [0, 2]));
        Assert.Equal("labels", range.ParamName);
        Assert.Contains("row 1", range.Message);
        var nan = Assert.Throws<ArgumentException>(() => TemperatureScaling.FitNll([1.0, 2.0, double.NaN, 4.0], 2, [0, 1]));
        Assert.Equal("logits", nan.ParamName);
        Assert.Contains("row 1", nan.Message);
        Assert.Equal("logits", Assert.Throws<ArgumentException>(() => TemperatureScaling.FitNll([1.0, 2.0, 3.0], 2, [0])).ParamName);
        Assert.Equal("logits", Assert.Throws<ArgumentException>(() => TemperatureScaling.FitNll([], 2, [])).ParamName);
        Assert.Equal("classes", Assert.Throws<ArgumentOutOfRangeException>(() => TemperatureScaling.FitNll([1.0], 1, [0])).ParamName);
        Assert.Equal("temperature", Assert.Throws<ArgumentOutOfRangeException>(() => new TemperatureScaling(0.0)).ParamName);
        Assert.Equal("probabilities", Assert.Throws<ArgumentException>(() => new TemperatureScaling(1.0).Apply([1.0, 2.0], new double[3])).ParamName);
    }
}
