using CredalDistill.Calibration;
using CredalDistill.Numerics;
using CredalDistill.Tests.Support;

namespace CredalDistill.Tests.Calibration;

/// <summary>
/// The vector and matrix maps (distilled and with labels) against an independent implementation of their definition
/// (<see cref="MapReference"/>: the objective straight from the definition, minimised by damped Newton with the exact
/// Hessian; the library uses L-BFGS).
/// </summary>
public sealed class MapFitTests
{
    /// <summary>An overconfident, class-distorted edge of a cloud: the cloud is softmax of a mixing of the edge's log-probabilities.</summary>
    private static CalibrationData Case(int n, int k, ulong seed, bool logits = true, bool labels = false)
    {
        var rng = new SplitMix64(seed);
        var edgeZ = new double[n * k];
        var cloudZ = new double[n * k];
        var y = new int[n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < k; j++)
            {
                edgeZ[(i * k) + j] = 3.0 * rng.NextGaussian();
            }

            for (int j = 0; j < k; j++)
            {
                // Class j of the cloud leans on class (j + 1) of the edge: a mixing a diagonal map cannot undo.
                cloudZ[(i * k) + j] = (0.35 * edgeZ[(i * k) + j]) + (0.25 * edgeZ[(i * k) + ((j + 1) % k)]) + (0.3 * rng.NextGaussian());
            }

            y[i] = Argmax(cloudZ.AsSpan(i * k, k));
        }

        var edge = ProbabilityMatrix.FromLogits(edgeZ, k);
        if (!logits)
        {
            edge = ProbabilityMatrix.FromProbabilities(edge.Data, k);
        }

        return new CalibrationData(ProbabilityMatrix.FromLogits(cloudZ, k), edge, labels ? y : default);
    }

    private static int Argmax(ReadOnlySpan<double> v)
    {
        int best = 0;
        for (int j = 1; j < v.Length; j++)
        {
            best = v[j] > v[best] ? j : best;
        }

        return best;
    }

    [Theory]
    [InlineData("distilled-ms", true, false)]
    [InlineData("distilled-vs", false, false)]
    [InlineData("ms", true, true)]
    [InlineData("vs", false, true)]
    public void The_fitted_map_equals_a_newton_solve_of_the_definition(string method, bool matrix, bool labels)
    {
        const int k = 10;
        var data = Case(600, k, 3, labels: labels);
        var fitted = CalibrationMethods.Get(method).Create(new MethodOptions { Regularization = 0.01 }).Fit(data);
        var reference = MapReference.Fit(data, matrix, 0.01, labels);
        var map = fitted.Map!;
        Assert.Equal(matrix ? MapShape.Matrix : MapShape.Vector, map.Shape);
        Assert.Equal(0.01, map.Regularization);
        Assert.Equal(labels ? MapObjective.NegativeLogLikelihood : MapObjective.DistilledKullbackLeibler, map.Objective);
        var parameters = map.Weights.ToArray().Concat(map.Bias.ToArray()).ToArray();
        for (int a = 0; a < parameters.Length; a++)
        {
            Assert.True(Math.Abs(parameters[a] - reference[a]) <= 1e-7 * Math.Max(1.0, Math.Abs(reference[a])), $"{method} parameter {a}: {parameters[a]:R} vs Newton {reference[a]:R}");
        }

        var test = Case(200, k, 4).Edge;
        var expected = MapReference.Apply(reference, k, test, matrix);
        var actual = fitted.Calibrate(test);
        for (int j = 0; j < expected.Length; j++)
        {
            Assert.True(Math.Abs(actual.Data[j] - expected[j]) <= 1e-6, $"{method} output {j}: {actual.Data[j]:R} vs {expected[j]:R}");
        }
    }

    [Fact]
    public void An_exact_matrix_map_of_the_edge_is_recovered_without_penalty()
    {
        const int k = 4;
        var rng = new SplitMix64(9);
        double[] w = [0.6, 0.2, 0.0, -0.1, 0.1, 0.5, 0.2, 0.0, 0.0, 0.1, 0.7, 0.2, 0.3, 0.0, 0.0, 0.4];
        double[] b = [0.2, -0.1, 0.0, 0.3];
        var edge = ProbabilityMatrix.FromLogits([.. Enumerable.Range(0, 800 * k).Select(_ => 2.5 * rng.NextGaussian())], k);
        var cloud = CalibrationMap.FromMatrix(w, b).Apply(edge);
        // Without a penalty the parameters are determined only up to W + 1 v^T, b + d 1 (softmax ignores a common shift),
        // so the map itself is compared: it reproduces the cloud.
        var fitted = new DistilledMatrixScalingCalibrator { Regularization = 0.0 }.Fit(new CalibrationData(cloud, edge));
        var reproduced = fitted.Calibrate(edge);
        for (int j = 0; j < cloud.Data.Length; j++)
        {
            Assert.Equal(cloud.Data[j], reproduced.Data[j], 7);
        }
    }

    [Theory]
    [InlineData("distilled-ms")]
    [InlineData("distilled-vs")]
    public void Logits_and_probabilities_give_the_same_map(string method)
    {
        var a = CalibrationMethods.Get(method).Create(new MethodOptions { Regularization = 0.1 }).Fit(Case(300, 5, 6, logits: true)).Map!;
        var b = CalibrationMethods.Get(method).Create(new MethodOptions { Regularization = 0.1 }).Fit(Case(300, 5, 6, logits: false)).Map!;
        for (int j = 0; j < a.Weights.Length; j++)
        {
            Assert.Equal(a.Weights[j], b.Weights[j], 6);
        }
    }

    [Fact]
    public void The_label_free_penalty_is_the_cross_fitted_choice_and_repairs_the_arg_max()
    {
        var data = Case(800, 6, 12);
        var fitted = new DistilledMatrixScalingCalibrator().Fit(data);
        Assert.Contains(fitted.Map!.Regularization!.Value, LogLinearFit.RegularizationGrid);
        var test = Case(2000, 6, 13);
        var calibrated = fitted.Calibrate(test.Edge);
        double raw = 0, repaired = 0;
        for (int i = 0; i < test.Rows; i++)
        {
            int cloudTop = test.Cloud.ArgMax(i);
            raw += test.Edge.ArgMax(i) == cloudTop ? 1 : 0;
            repaired += calibrated.ArgMax(i) == cloudTop ? 1 : 0;
        }

        Assert.True(repaired > raw + 100, $"agreement with the cloud: raw {raw}, matrix map {repaired} of {test.Rows}");
    }

    [Fact]
    public void Map_then_cdci_keeps_the_exact_split()
    {
        var data = Case(400, 5, 21);
        var fitted = CalibrationMethods.Get("distilled-ms+cdci").Create(new MethodOptions { Regularization = 0.01, Epsilon = 0.1 }).Fit(data);
        var first = Enumerable.Range(0, 200).ToArray();
        var alone = new DistilledMatrixScalingCalibrator { Regularization = 0.01 }.Fit(new CalibrationData(data.Cloud.Select(first), data.Edge.Select(first))).Map!;
        Assert.Equal(alone.Weights.ToArray(), fitted.Map!.Weights.ToArray());
        Assert.Equal(200, fitted.N);
        Assert.True(fitted.IsSetValued);
    }

    [Fact]
    public void An_edge_zero_is_refused_by_the_vector_and_matrix_maps()
    {
        var edge = ProbabilityMatrix.FromProbabilities([0.5, 0.5, 1.0, 0.0, 0.3, 0.7, 0.2, 0.8], 2);
        var cloud = ProbabilityMatrix.FromProbabilities([0.5, 0.5, 0.9, 0.1, 0.4, 0.6, 0.3, 0.7], 2);
        var ex = Assert.Throws<ArgumentException>(() => new DistilledVectorScalingCalibrator { Regularization = 0.1 }.Fit(new CalibrationData(cloud, edge)));
        Assert.Contains("edge row 1, class 1", ex.Message);
    }

    [Fact]
    public void Lbfgs_reaches_the_gradient_tolerance_on_an_ill_conditioned_quadratic()
    {
        var x = new double[30];
        var result = Lbfgs.Minimise((v, g) =>
        {
            double f = 0;
            for (int i = 0; i < v.Length; i++)
            {
                double scale = Math.Pow(10, i % 5);
                f += 0.5 * scale * (v[i] - i) * (v[i] - i);
                g[i] = scale * (v[i] - i);
            }

            return f;
        }, x, 1e-10);
        Assert.True(result.Converged, $"gradient {result.GradientNorm}");
        for (int i = 0; i < x.Length; i++)
        {
            Assert.Equal(i, x[i], 9);
        }
    }
}
