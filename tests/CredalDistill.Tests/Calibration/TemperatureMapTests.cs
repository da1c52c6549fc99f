using CredalDistill.Calibration;
using CredalDistill.Metrics;
using CredalDistill.Tests.Baselines;

namespace CredalDistill.Tests.Calibration;

/// <summary>
/// Temperature scaling (labels) and distilled temperature scaling (cloud), through the public calibrators. The oracles are
/// independent of the solver: the metrics' own NLL/ECE on the applied outputs, plain-loop objectives, and a golden-section
/// search written here.
/// </summary>
public class TemperatureMapTests
{
    private const int K = 5;

    private static readonly Lazy<(double[] Logits, int[] Labels)> Tempered = new(() =>
    {
        var z = BaselineData.Logits(20_000, K, 4.0, 11);
        return (z, BaselineData.SampleLabels(z, K, 2.0, 12));
    });

    private static FittedCalibrator Ts(double[] z, int k, int[] y, MapObjective objective = MapObjective.NegativeLogLikelihood)
    {
        var edge = ProbabilityMatrix.FromLogits(z, k);
        return new TemperatureScalingCalibrator { Objective = objective }.Fit(new CalibrationData(edge, edge, y));
    }

    private static FittedCalibrator Distilled(ProbabilityMatrix cloud, ProbabilityMatrix edge) => new DistilledTemperatureCalibrator().Fit(new CalibrationData(cloud, edge));

    /// <summary>The temperature map with a given <c>T</c> applied to logits, as a user restores it.</summary>
    private static ProbabilityMatrix Apply(double t, double[] z, int k) =>
        CalibrationMap.FromTemperature(t, k).Apply(ProbabilityMatrix.FromLogits(z, k));

    [Fact]
    public void Nll_fit_recovers_the_generating_temperature_and_is_a_stationary_point_of_the_metric()
    {
        var (z, y) = Tempered.Value;
        var ts = Ts(z, K, y);
        double t = ts.Map!.Temperature;
        Assert.Equal(MapShape.Temperature, ts.Map.Shape);
        Assert.Equal(MapObjective.NegativeLogLikelihood, ts.Map.Objective);
        Assert.Equal(z.Length / K, ts.Map.FitRows);
        Assert.InRange(t, 1.9, 2.1);
        double Nll(double temperature) => NegativeLogLikelihood.Compute(Apply(temperature, z, K), y);
        double h = 1e-4;
        double slope = (Nll(t + h) - Nll(t - h)) / (2 * h);
        Assert.True(Math.Abs(slope) < 1e-6, $"dNLL/dT = {slope} at T = {t}");
        Assert.True(Nll(t) < Nll(t * 1.01) && Nll(t) < Nll(t / 1.01));
    }

    [Fact]
    public void Ece_fit_returns_the_first_grid_argmin_of_the_metric()
    {
        var (z, y) = Tempered.Value;
        double t = Ts(z, K, y, MapObjective.ExpectedCalibrationError).Map!.Temperature;
        int index = (int)Math.Round(t * 10);
        Assert.Equal(index / 10.0, t); // bitwise a grid value
        double best = double.PositiveInfinity;
        int bestIndex = -1;
        for (int i = 1; i <= 40; i++)
        {
            double ece = ExpectedCalibrationError.Compute(Apply(i / 10.0, z, K), y);
            if (ece < best)
            {
                best = ece;
                bestIndex = i;
            }
        }

        Assert.Equal(bestIndex, index);
        Assert.True(best < ExpectedCalibrationError.Compute(ProbabilityMatrix.FromLogits(z, K), y));
        Assert.InRange(t, 1.6, 2.4);
    }

    [Fact]
    public void Flat_objectives_give_the_documented_temperatures()
    {
        // Equal logits: every temperature gives the uniform distribution: ECE ties go to 0.1, the flat NLL to T = 1.
        var z = new double[30];
        var y = Enumerable.Range(0, 10).Select(i => i % 3).ToArray();
        Assert.Equal(0.1, Ts(z, 3, y, MapObjective.ExpectedCalibrationError).Map!.Temperature);
        Assert.Equal(1.0, Ts(z, 3, y).Map!.Temperature);
    }

    [Fact]
    public void Separable_data_hits_the_bracket_ends()
    {
        var z = new double[] { 3, 0, 0, 2, -1, 5 };
        Assert.Equal(0.01, Ts(z, 2, [0, 1, 1]).Map!.Temperature); // the label is always the arg-max: T -> 0
        Assert.Equal(100.0, Ts(z, 2, [1, 0, 0]).Map!.Temperature); // always the arg-min: T -> infinity
    }

    [Fact]
    public void Logits_and_probabilities_give_the_same_temperature()
    {
        var (z, y) = Tempered.Value;
        var zs = z.AsSpan(0, 2000 * K).ToArray();
        var ys = y.AsSpan(0, 2000).ToArray();
        var fromLogits = ProbabilityMatrix.FromLogits(zs, K);
        var fromProbabilities = ProbabilityMatrix.FromProbabilities(fromLogits.Data, K);
        double a = new TemperatureScalingCalibrator().Fit(new CalibrationData(fromLogits, fromLogits, ys)).Map!.Temperature;
        double b = new TemperatureScalingCalibrator().Fit(new CalibrationData(fromProbabilities, fromProbabilities, ys)).Map!.Temperature;
        Assert.Equal(a, b, 1e-9);
    }

    [Theory]
    [InlineData(2.5)]
    [InlineData(0.4)]
    [InlineData(1.0)]
    public void Distilled_recovers_the_temperature_of_an_exactly_tempered_cloud(double t0)
    {
        var z = BaselineData.Logits(2000, 4, 3.0, 21);
        var cloud = ProbabilityMatrix.FromLogits(z, 4, temperature: t0);
        Assert.Equal(t0, Distilled(cloud, ProbabilityMatrix.FromLogits(z, 4)).Map!.Temperature, 1e-6);
    }

    [Fact]
    public void Distilled_cloud_zeros_contribute_nothing()
    {
        // Cloud one-hot on the edge arg-max: KL decreases as T -> 0, so the lower bracket end is returned.
        var edge = ProbabilityMatrix.FromLogits([2.0, 0.0, -1.0, 1.0], 2);
        var cloud = ProbabilityMatrix.FromProbabilities([1.0, 0.0, 0.0, 1.0], 2);
        Assert.Equal(0.01, Distilled(cloud, edge).Map!.Temperature);
    }

    /// <summary>
    /// The exactness case of the probability path: an overconfident K = 3 edge given as probabilities, with entries down to
    /// 1e-30. The old 1e-12 floor changed those logs and moved T; now T is the minimiser of the stated objective, found here by
    /// a golden-section search on a plain-loop objective, and the calibrated probabilities equal softmax(log p / T*) to 1e-9.
    /// </summary>
    [Fact]
    public void Distilled_on_tiny_probabilities_is_the_exact_minimiser()
    {
        const int k = 3;
        var rng = new Random(7);
        int n = 400;
        var edgeLogits = new double[n * k];
        var cloudLogits = new double[n * k];
        for (int i = 0; i < n; i++)
        {
            int top = rng.Next(k);
            for (int c = 0; c < k; c++)
            {
                double u = rng.NextDouble();
                edgeLogits[(i * k) + c] = c == top ? 0.0 : -20.0 - (50.0 * u); // gaps 20..70 nats: p down to 4e-31
                cloudLogits[(i * k) + c] = c == top ? 0.0 : -1.0 - (4.0 * u);
            }
        }

        var edgeProbabilities = ProbabilityMatrix.FromProbabilities(ProbabilityMatrix.FromLogits(edgeLogits, k).Data, k);
        Assert.True(edgeProbabilities.Data.ToArray().Min() < 1e-26, "the case must have probabilities far below the old floor");
        var cloud = ProbabilityMatrix.FromLogits(cloudLogits, k);
        var fitted = Distilled(cloud, edgeProbabilities);
        double t = fitted.Map!.Temperature;

        // Independent objective: mean KL(c || q_T), q_T = p^(1/T) / sum, from the probabilities as given (logs in double).
        double Objective(double temperature)
        {
            double sum = 0.0;
            for (int i = 0; i < n; i++)
            {
                var p = edgeProbabilities.Row(i);
                var c = cloud.Row(i);
                double max = double.NegativeInfinity;
                for (int j = 0; j < k; j++)
                {
                    max = Math.Max(max, Math.Log(p[j]) / temperature);
                }

                double z = 0.0;
                for (int j = 0; j < k; j++)
                {
                    z += Math.Exp((Math.Log(p[j]) / temperature) - max);
                }

                for (int j = 0; j < k; j++)
                {
                    double logQ = (Math.Log(p[j]) / temperature) - max - Math.Log(z);
                    sum += c[j] * (Math.Log(c[j]) - logQ);
                }
            }

            return sum / n;
        }

        double lo = 0.5, hi = 30.0, phi = (Math.Sqrt(5) - 1) / 2;
        for (int it = 0; it < 200 && hi - lo > 1e-13; it++)
        {
            double a = hi - (phi * (hi - lo)), b = lo + (phi * (hi - lo));
            if (Objective(a) < Objective(b))
            {
                hi = b;
            }
            else
            {
                lo = a;
            }
        }

        double reference = (lo + hi) / 2;
        Assert.Equal(reference, t, 1e-6 * reference);
        double floored = GoldenSectionFloored(edgeProbabilities, cloud, k);
        Assert.True(Math.Abs(floored - reference) > 1e-3 * reference, $"the case must separate the floored fit ({floored}) from the exact one ({reference})");

        var calibrated = fitted.Calibrate(edgeProbabilities);
        for (int i = 0; i < n; i++)
        {
            var p = edgeProbabilities.Row(i);
            double z = 0.0;
            for (int j = 0; j < k; j++)
            {
                z += Math.Pow(p[j] / p.ToArray().Max(), 1.0 / reference);
            }

            for (int j = 0; j < k; j++)
            {
                double expected = Math.Pow(p[j] / p.ToArray().Max(), 1.0 / reference) / z;
                Assert.True(Math.Abs(calibrated[i][j] - expected) <= 1e-9, $"row {i}, class {j}: {calibrated[i][j]} vs softmax(log p / T*) {expected}");
            }
        }
    }

    /// <summary>The minimiser the old code found: logs floored at 1e-12 (to show the case separates the two).</summary>
    private static double GoldenSectionFloored(ProbabilityMatrix edge, ProbabilityMatrix cloud, int k)
    {
        double Objective(double t)
        {
            double sum = 0.0;
            for (int i = 0; i < edge.Rows; i++)
            {
                var l = edge.Row(i).ToArray().Select(v => Math.Log(Math.Max(v, 1e-12)) / t).ToArray();
                double max = l.Max();
                double lse = max + Math.Log(l.Sum(v => Math.Exp(v - max)));
                for (int j = 0; j < k; j++)
                {
                    sum += cloud[i][j] * (Math.Log(cloud[i][j]) - (l[j] - lse));
                }
            }

            return sum;
        }

        double lo = 0.5, hi = 30.0, phi = (Math.Sqrt(5) - 1) / 2;
        for (int it = 0; it < 200; it++)
        {
            double a = hi - (phi * (hi - lo)), b = lo + (phi * (hi - lo));
            if (Objective(a) < Objective(b))
            {
                hi = b;
            }
            else
            {
                lo = a;
            }
        }

        return (lo + hi) / 2;
    }

    [Fact]
    public void An_edge_zero_where_the_cloud_has_mass_is_refused_with_its_row()
    {
        var edge = ProbabilityMatrix.FromProbabilities([0.5, 0.5, 1.0, 0.0], 2);
        var cloud = ProbabilityMatrix.FromProbabilities([0.5, 0.5, 0.9, 0.1], 2);
        var ex = Assert.Throws<ArgumentException>(() => Distilled(cloud, edge));
        Assert.Contains("row 1, class 1", ex.Message);
        Assert.Equal("data", ex.ParamName);

        // A zero the cloud agrees with is fine and stays zero at every temperature.
        var agreeing = ProbabilityMatrix.FromProbabilities([0.5, 0.5, 0.95, 0.05, 1.0, 0.0], 2);
        var cloud3 = ProbabilityMatrix.FromProbabilities([0.6, 0.4, 0.9, 0.1, 1.0, 0.0], 2);
        var fitted = Distilled(cloud3, agreeing);
        Assert.Equal(0.0, fitted.Calibrate(agreeing)[2][1]);
    }

    [Fact]
    public void A_true_label_with_edge_probability_zero_is_refused_with_its_row()
    {
        var edge = ProbabilityMatrix.FromProbabilities([0.5, 0.5, 1.0, 0.0], 2);
        var ex = Assert.Throws<ArgumentException>(() => new TemperatureScalingCalibrator().Fit(new CalibrationData(edge, edge, new[] { 0, 1 })));
        Assert.Contains("edge row 1", ex.Message);
    }

    [Fact]
    public void Row_and_batch_apply_agree_bit_for_bit()
    {
        var z = BaselineData.Logits(7, 4, 3.0, 5);
        var edge = ProbabilityMatrix.FromLogits(z, 4);
        var cloud = ProbabilityMatrix.FromLogits(z, 4, temperature: 1.7);
        var fitted = Distilled(cloud, edge);
        var batch = fitted.Calibrate(edge);
        Span<double> row = stackalloc double[4];
        for (int i = 0; i < 7; i++)
        {
            fitted.Calibrate(edge.AsEdgeRow(i), row);
            Assert.Equal(batch[i].ToArray(), row.ToArray());
        }
    }
}
