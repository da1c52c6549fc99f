using CredalDistill.Calibration;
using CredalDistill.Conformal;
using CredalDistill.Credal;
using CredalDistill.Divergences;
using CredalDistill.IO;
using CredalDistill.Shift;
using CredalDistill.Tests.IO;

namespace CredalDistill.Tests.Calibration;

/// <summary>
/// CD-CI with a per-row threshold (Mondrian by predicted class, covariate shift): the calibrator against slow references
/// written from METHOD.md 3.4, each row's credal outputs against a single-threshold predictor of that row's gamma, the
/// artifact's Mondrian <c>thresholds</c> and <c>shift</c> fields, and the refused combinations.
/// </summary>
public sealed class RowThresholdCalibratorTests : IDisposable
{
    private const double Eps = 0.2;

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Reference Mondrian gamma: the split-conformal rank of the scores of the rows predicted as <paramref name="c"/>.</summary>
    private static double MondrianReference(double[] scores, int[] predicted, int c, double eps)
    {
        var mine = scores.Where((_, i) => predicted[i] == c).Order().ToArray();
        long k = (long)Math.Ceiling((mine.Length + 1) * (1 - eps) - 1e-9);
        return k <= mine.Length ? mine[k - 1] : double.PositiveInfinity;
    }

    /// <summary>Reference weighted quantile: the smallest score whose weighted CDF (test weight on +inf) reaches 1 - eps.</summary>
    private static double WeightedReference(double[] scores, double[] weights, double testWeight, double eps)
    {
        double total = weights.Sum() + testWeight;
        foreach (double s in scores.Order())
        {
            double mass = scores.Select((v, i) => v <= s ? weights[i] : 0.0).Sum();
            if (mass / total >= (1 - eps) * (1 - 1e-9))
            {
                return s;
            }
        }

        return double.PositiveInfinity;
    }

    /// <summary>A shifted deployment: the fixture's edge outputs on fresh inputs, sharpened (logits x 2).</summary>
    private static ProbabilityMatrix Shifted(int rows, ulong seed)
    {
        var edge = CalibrationFixture.Test(rows: rows, seed: seed).Edge;
        var z = new double[edge.Rows * edge.Classes];
        for (int i = 0; i < edge.Rows; i++)
        {
            var log = edge.LogRow(i);
            for (int k = 0; k < edge.Classes; k++)
            {
                z[(i * edge.Classes) + k] = 2 * log[k];
            }
        }

        return ProbabilityMatrix.FromLogits(z, edge.Classes);
    }

    private static int ArgMax(ReadOnlySpan<double> row)
    {
        int best = 0;
        for (int k = 1; k < row.Length; k++)
        {
            best = row[k] > row[best] ? k : best;
        }

        return best;
    }

    [Fact]
    public void Mondrian_rows_use_the_threshold_of_their_predicted_class()
    {
        var data = CalibrationFixture.Data(rows: 400);
        var fitted = new CdciCalibrator { Mondrian = true, Epsilon = Eps }.Fit(data);
        var scores = SplitConformal.Scores(data.Cloud, data.Edge, Divergence.KL);
        var predicted = Enumerable.Range(0, data.Rows).Select(i => ArgMax(data.Edge.Row(i))).ToArray();
        var mondrian = Assert.IsType<MondrianThreshold>(fitted.RowThreshold);
        for (int c = 0; c < CalibrationFixture.Classes; c++)
        {
            Assert.Equal(MondrianReference(scores, predicted, c, Eps), mondrian.Gamma(c));
            Assert.Equal(predicted.Count(p => p == c), mondrian.Count(c));
        }

        // The marginal threshold is kept for reference; rows use their own.
        Assert.Equal(SplitConformal.Threshold(scores, Eps), fitted.Threshold!.Gamma);
        Assert.Throws<InvalidOperationException>(() => fitted.Predictor!.Gamma);

        var (edge, _) = CalibrationFixture.Test();
        var described = fitted.Describe(edge);
        var calibrated = fitted.Calibrate(edge);
        for (int i = 0; i < edge.Rows; i++)
        {
            double gamma = mondrian.Gamma(ArgMax(edge.Row(i)));
            Assert.Equal(gamma, fitted.Predictor!.GammaFor(edge.AsEdgeRow(i)));
            var single = new CredalPredictor(Divergence.KL, gamma);
            var lower = new double[edge.Classes];
            var upper = new double[edge.Classes];
            var ip = new double[edge.Classes];
            single.BoundsAndIntersection(edge.AsEdgeRow(i), lower, upper, ip);
            Assert.Equal(lower, described.Bounds.LowerRow(i).ToArray());
            Assert.Equal(upper, described.Bounds.UpperRow(i).ToArray());
            Assert.Equal(ip, calibrated.Row(i).ToArray());
        }
    }

    [Fact]
    public void Mondrian_with_delta_applies_the_pac_rule_per_class_and_too_few_rows_warn()
    {
        var data = CalibrationFixture.Data(rows: 60);
        var fitted = new CdciCalibrator { Mondrian = true, Epsilon = 0.1, Delta = 0.1 }.Fit(data);
        var mondrian = Assert.IsType<MondrianThreshold>(fitted.RowThreshold);
        var scores = SplitConformal.Scores(data.Cloud, data.Edge, Divergence.KL);
        var predicted = Enumerable.Range(0, data.Rows).Select(i => ArgMax(data.Edge.Row(i))).ToArray();
        for (int c = 0; c < CalibrationFixture.Classes; c++)
        {
            var mine = scores.Where((_, i) => predicted[i] == c).ToArray();
            double expected = mine.Length == 0 ? double.PositiveInfinity : TrainingConditional.Calibrate(mine, CalibrationFixture.Classes, 0.1, 0.1, Divergence.KL).Gamma;
            Assert.Equal(expected, mondrian.Gamma(c));
        }

        // About 15 rows a class cannot support eps = 0.1 with delta = 0.1: unbounded, with a warning naming the class.
        Assert.NotEmpty(mondrian.Warnings());
        Assert.Contains("class", mondrian.Warnings()[0], StringComparison.Ordinal);
        Assert.Equal(0.1, fitted.ToArtifact().Threshold!.Delta);
    }

    [Fact]
    public void Shift_rows_use_the_weighted_quantile_with_their_own_weight()
    {
        var data = CalibrationFixture.Data(rows: 300);
        var deploy = Shifted(200, 7);
        var fitted = new CdciCalibrator { DeploymentEdge = deploy, Epsilon = Eps }.Fit(data);
        var shift = Assert.IsType<CovariateShiftThreshold>(fitted.RowThreshold);
        var ratio = LogisticDensityRatio.Fit(data.Edge, deploy);
        Assert.Equal(ratio.Coefficients, shift.Ratio.Coefficients);
        var scores = SplitConformal.Scores(data.Cloud, data.Edge, Divergence.KL);
        var weights = ratio.Weights(data.Edge);
        var edge = Shifted(40, 8);
        var calibrated = fitted.Calibrate(edge);
        int distinct = 0;
        double previous = double.NaN;
        for (int i = 0; i < edge.Rows; i++)
        {
            double gamma = WeightedReference(scores, weights, ratio.Weight(edge.AsEdgeRow(i)), Eps);
            Assert.Equal(gamma, fitted.Predictor!.GammaFor(edge.AsEdgeRow(i)));
            distinct += gamma != previous ? 1 : 0;
            previous = gamma;
            var ip = new double[edge.Classes];
            new CredalPredictor(Divergence.KL, gamma).Predict(edge.AsEdgeRow(i), CalibratedOutput.Intersection, ip);
            Assert.Equal(ip, calibrated.Row(i).ToArray());
        }

        Assert.True(distinct > 1, "the rows' thresholds should differ with their weights");
    }

    [Fact]
    public void Artifacts_store_and_restore_both_row_thresholds()
    {
        var data = CalibrationFixture.Data(rows: 200);
        var deploy = Shifted(100, 7);
        var (edge, _) = CalibrationFixture.Test();
        foreach (var calibrator in new[] { new CdciCalibrator { Mondrian = true, Epsilon = Eps }, new CdciCalibrator { DeploymentEdge = deploy, Epsilon = Eps, Divergence = Divergence.Parse("tv") } })
        {
            var fitted = calibrator.Fit(data);
            string path = _dir.File(Guid.NewGuid() + ".json");
            fitted.ToArtifact().Save(path);
            string json = File.ReadAllText(path);
            Assert.Contains(calibrator.Mondrian ? "\"thresholds\"" : "\"shift\"", json, StringComparison.Ordinal);
            var restored = FittedCalibrator.FromArtifact(CalibrationArtifact.Load(path));
            Assert.Equal(fitted.Calibrate(edge).ToArray(), restored.Calibrate(edge).ToArray());
            Assert.Equal(fitted.Describe(edge).LabelSets, restored.Describe(edge).LabelSets);
        }
    }

    [Fact]
    public void A_mondrian_artifact_with_inconsistent_classes_is_refused_with_the_field_named()
    {
        var fitted = new CdciCalibrator { Mondrian = true, Epsilon = Eps }.Fit(CalibrationFixture.Data(rows: 200));
        string path = _dir.File("m.json");
        fitted.ToArtifact().Save(path);
        string json = File.ReadAllText(path);
        int at = json.IndexOf("\"classCounts\"", StringComparison.Ordinal);
        int open = json.IndexOf('[', at);
        int comma = json.IndexOf(',', open);
        string edited = json[..(open + 1)] + "\n      1" + json[comma..];
        File.WriteAllText(path, CalibrationArtifactTests.Rehash(edited));
        var ex = Assert.Throws<CalibrationArtifactException>(() => CalibrationArtifact.Load(path));
        Assert.Contains("classCounts", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Undefined_combinations_are_refused()
    {
        var data = CalibrationFixture.Data();
        var deploy = CalibrationFixture.Test().Edge;
        Assert.Contains("exclude", Assert.Throws<InvalidOperationException>(() => new CdciCalibrator { Mondrian = true, DeploymentEdge = deploy }.Fit(data)).Message);
        Assert.Contains("PAC", Assert.Throws<InvalidOperationException>(() => new CdciCalibrator { DeploymentEdge = deploy, Delta = 0.1 }.Fit(data)).Message);
        Assert.Contains("3 classes", Assert.Throws<ArgumentException>(() => new CdciCalibrator { DeploymentEdge = CalibrationFixture.Test(classes: 3).Edge }.Fit(data)).Message);
        Assert.Throws<InvalidOperationException>(() => new CdciCalibrator { Mondrian = true }.FitScores([0.1, 0.2], 4));
    }
}
