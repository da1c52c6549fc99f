using CredalDistill.Baselines;
using CredalDistill.Metrics;
using CredalDistill.Numerics;

namespace CredalDistill.Tests.Baselines;

public class LastLayerLaplaceTests
{
    public static TheoryData<LastLayerLaplaceKind> Kinds() => new()
    {
        LastLayerLaplaceKind.Diagonal,
        LastLayerLaplaceKind.KroneckerFactored,
        LastLayerLaplaceKind.Full,
    };

    /// <summary>A small random problem: features, weights, bias, labels drawn from a softer model than the MAP.</summary>
    private static (double[] Phi, double[] W, double[] B, int[] Y) Problem(int n, int d, int k, ulong seed)
    {
        var phi = BaselineData.Logits(n, d, 1.0, seed);
        var w = BaselineData.Logits(k, d, 1.5, seed + 1);
        var b = BaselineData.Logits(1, k, 0.5, seed + 2);
        var logits = new double[n * k];
        for (int i = 0; i < n; i++)
        {
            for (int c = 0; c < k; c++)
            {
                double s = b[c];
                for (int j = 0; j < d; j++)
                {
                    s += w[(c * d) + j] * phi[(i * d) + j];
                }

                logits[(i * k) + c] = s;
            }
        }

        return (phi, w, b, BaselineData.SampleLabels(logits, k, 2.5, seed + 3));
    }

    private static double[] MapLogits(double[] phi, int d, double[] w, double[] b)
    {
        int k = b.Length;
        int n = phi.Length / d;
        var z = new double[n * k];
        for (int i = 0; i < n; i++)
        {
            for (int c = 0; c < k; c++)
            {
                double s = b[c];
                for (int j = 0; j < d; j++)
                {
                    s += w[(c * d) + j] * phi[(i * d) + j];
                }

                z[(i * k) + c] = s;
            }
        }

        return z;
    }

    /// <summary>Textbook GGN: H = sum_i J_i^T Lambda_i J_i with J_i = I_K (x) [phi_i, 1]^T, all built explicitly.</summary>
    private static double[,] ExplicitGgn(double[] phi, int d, double[] w, double[] b)
    {
        int k = b.Length, n = phi.Length / d, e = d + 1, p = k * e;
        var probs = BaselineData.SoftmaxRows(MapLogits(phi, d, w, b), k);
        var h = new double[p, p];
        for (int i = 0; i < n; i++)
        {
            var j = new double[k, p];
            for (int c = 0; c < k; c++)
            {
                for (int f = 0; f < e; f++)
                {
                    j[c, (c * e) + f] = f < d ? phi[(i * d) + f] : 1.0;
                }
            }

            var lambda = new double[k, k];
            for (int r = 0; r < k; r++)
            {
                for (int c = 0; c < k; c++)
                {
                    lambda[r, c] = (r == c ? probs[(i * k) + r] : 0.0) - (probs[(i * k) + r] * probs[(i * k) + c]);
                }
            }

            for (int r = 0; r < p; r++)
            {
                for (int c = 0; c < p; c++)
                {
                    double s = 0.0;
                    for (int u = 0; u < k; u++)
                    {
                        for (int v = 0; v < k; v++)
                        {
                            s += j[u, r] * lambda[u, v] * j[v, c];
                        }
                    }

                    h[r, c] += s;
                }
            }
        }

        return h;
    }

    /// <summary>Data NLL sum_i [logsumexp(theta a_i) - (theta a_i)_{y_i}] at a class-major flattened theta.</summary>
    private static double DataNll(double[] theta, double[] phi, int d, int k, int[] y)
    {
        int n = phi.Length / d, e = d + 1;
        var w = new double[k * d];
        var b = new double[k];
        for (int c = 0; c < k; c++)
        {
            Array.Copy(theta, c * e, w, c * d, d);
            b[c] = theta[(c * e) + d];
        }

        var z = MapLogits(phi, d, w, b);
        double total = 0.0;
        var lp = new double[k];
        for (int i = 0; i < n; i++)
        {
            Softmax.LogCompute(z.AsSpan(i * k, k), lp);
            total -= lp[y[i]];
        }

        return total;
    }

    private static double[,] Inverse(double[,] m)
    {
        int n = m.GetLength(0);
        var a = (double[,])m.Clone();
        var inv = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            inv[i, i] = 1.0;
        }

        for (int c = 0; c < n; c++)
        {
            int pivot = c;
            for (int r = c + 1; r < n; r++)
            {
                if (Math.Abs(a[r, c]) > Math.Abs(a[pivot, c]))
                {
                    pivot = r;
                }
            }

            for (int j = 0; j < n; j++)
            {
                (a[c, j], a[pivot, j]) = (a[pivot, j], a[c, j]);
                (inv[c, j], inv[pivot, j]) = (inv[pivot, j], inv[c, j]);
            }

            double diag = a[c, c];
            for (int j = 0; j < n; j++)
            {
                a[c, j] /= diag;
                inv[c, j] /= diag;
            }

            for (int r = 0; r < n; r++)
            {
                if (r != c)
                {
                    double f = a[r, c];
                    for (int j = 0; j < n; j++)
                    {
                        a[r, j] -= f * a[c, j];
                        inv[r, j] -= f * inv[c, j];
                    }
                }
            }
        }

        return inv;
    }

    /// <summary>Logit variances S_kk = (J Sigma J^T)_kk with J = I_K (x) [phi, 1]^T, computed naively.</summary>
    private static double[] NaiveVariances(double[,] sigma, ReadOnlySpan<double> phi, int k)
    {
        int d = phi.Length, e = d + 1;
        var result = new double[k];
        for (int c = 0; c < k; c++)
        {
            double s = 0.0;
            for (int f = 0; f < e; f++)
            {
                for (int g = 0; g < e; g++)
                {
                    double af = f < d ? phi[f] : 1.0, ag = g < d ? phi[g] : 1.0;
                    s += af * sigma[(c * e) + f, (c * e) + g] * ag;
                }
            }

            result[c] = s;
        }

        return result;
    }

    [Fact]
    public void Ggn_equals_the_finite_difference_hessian_of_the_nll()
    {
        // The last layer is linear in theta, so the GGN is the exact Hessian of the data NLL (for any labels).
        const int d = 2, k = 3;
        var (phi, w, b, y) = Problem(25, d, k, 101);
        var theta = new double[k * (d + 1)];
        for (int c = 0; c < k; c++)
        {
            Array.Copy(w, c * d, theta, c * (d + 1), d);
            theta[(c * (d + 1)) + d] = b[c];
        }

        var diagonal = (DiagonalLaplacePosterior)LastLayerLaplace.FitWithPriorPrecision(LastLayerLaplaceKind.Diagonal, phi, d, w, b, 1.0).Posterior;
        var full = (FullLaplacePosterior)LastLayerLaplace.FitWithPriorPrecision(LastLayerLaplaceKind.Full, phi, d, w, b, 1.0).Posterior;
        int p = theta.Length;
        const double h = 1e-4;
        for (int r = 0; r < p; r++)
        {
            for (int c = 0; c < p; c++)
            {
                double F(double dr, double dc)
                {
                    var t = (double[])theta.Clone();
                    t[r] += dr;
                    t[c] += dc;
                    return DataNll(t, phi, d, k, y);
                }

                double fd = (F(h, h) - F(h, -h) - F(-h, h) + F(-h, -h)) / (4 * h * h);
                Assert.Equal(fd, full.Hessian[(r * p) + c], 4);
                if (r == c)
                {
                    Assert.Equal(fd, diagonal.HessianDiagonal[r], 4);
                    Assert.Equal(full.Hessian[(r * p) + c], diagonal.HessianDiagonal[r], 12);
                }
            }
        }
    }

    [Fact]
    public void Full_and_diagonal_match_an_explicit_jacobian_construction()
    {
        const int d = 3, k = 3;
        var (phi, w, b, _) = Problem(30, d, k, 202);
        var h = ExplicitGgn(phi, d, w, b);
        int p = k * (d + 1);
        const double delta = 0.7;
        var fullLaplace = LastLayerLaplace.FitWithPriorPrecision(LastLayerLaplaceKind.Full, phi, d, w, b, delta);
        var diagLaplace = LastLayerLaplace.FitWithPriorPrecision(LastLayerLaplaceKind.Diagonal, phi, d, w, b, delta);
        var precision = (double[,])h.Clone();
        var diagSigma = new double[p, p];
        for (int r = 0; r < p; r++)
        {
            precision[r, r] += delta;
            diagSigma[r, r] = 1.0 / (h[r, r] + delta);
        }

        var sigma = Inverse(precision);
        var mean = new double[k];
        var variance = new double[k];
        for (int i = 0; i < 5; i++)
        {
            var x = phi.AsSpan(i * d, d);
            fullLaplace.LogitMoments(x, mean, variance);
            var expected = NaiveVariances(sigma, x, k);
            for (int c = 0; c < k; c++)
            {
                Assert.Equal(expected[c], variance[c], 10);
            }

            diagLaplace.LogitMoments(x, mean, variance);
            expected = NaiveVariances(diagSigma, x, k);
            for (int c = 0; c < k; c++)
            {
                Assert.Equal(expected[c], variance[c], 12);
            }
        }
    }

    [Fact]
    public void Kfac_with_two_classes_and_two_features_matches_a_hand_built_kronecker_product()
    {
        const int d = 2, k = 2, e = 3, p = 6;
        var (phi, w, b, _) = Problem(12, d, k, 303);
        int n = 12;
        var probs = BaselineData.SoftmaxRows(MapLogits(phi, d, w, b), k);
        var a = new double[e, e];
        var g = new double[k, k];
        for (int i = 0; i < n; i++)
        {
            double[] ai = [phi[i * d], phi[(i * d) + 1], 1.0];
            for (int r = 0; r < e; r++)
            {
                for (int c = 0; c < e; c++)
                {
                    a[r, c] += ai[r] * ai[c];
                }
            }

            double p0 = probs[i * k], p1 = probs[(i * k) + 1];
            g[0, 0] += p0 * (1 - p0) / n;
            g[1, 1] += p1 * (1 - p1) / n;
            g[0, 1] -= p0 * p1 / n;
            g[1, 0] -= p0 * p1 / n;
        }

        const double delta = 0.3;
        var laplace = LastLayerLaplace.FitWithPriorPrecision(LastLayerLaplaceKind.KroneckerFactored, phi, d, w, b, delta);
        var posterior = (KroneckerLaplacePosterior)laplace.Posterior;
        for (int r = 0; r < e; r++)
        {
            for (int c = 0; c < e; c++)
            {
                Assert.Equal(a[r, c], posterior.InputFactor[(r * e) + c], 12);
            }
        }

        for (int r = 0; r < k; r++)
        {
            for (int c = 0; c < k; c++)
            {
                Assert.Equal(g[r, c], posterior.OutputFactor[(r * k) + c], 12);
            }
        }

        // G (x) A + delta I, parameter (class, input) -> class * e + input.
        var precision = new double[p, p];
        for (int r = 0; r < p; r++)
        {
            for (int c = 0; c < p; c++)
            {
                precision[r, c] = (g[r / e, c / e] * a[r % e, c % e]) + (r == c ? delta : 0.0);
            }
        }

        var sigma = Inverse(precision);
        var mean = new double[k];
        var variance = new double[k];
        var predicted = laplace.Predict(phi);
        for (int i = 0; i < n; i++)
        {
            var x = phi.AsSpan(i * d, d);
            laplace.LogitMoments(x, mean, variance);
            var expected = NaiveVariances(sigma, x, k);
            Assert.Equal(expected[0], variance[0], 10);
            Assert.Equal(expected[1], variance[1], 10);

            var z = MapLogits(x.ToArray(), d, w, b);
            double s0 = z[0] / Math.Sqrt(1 + (Math.PI / 8 * expected[0]));
            double s1 = z[1] / Math.Sqrt(1 + (Math.PI / 8 * expected[1]));
            Assert.Equal(1.0 / (1.0 + Math.Exp(s1 - s0)), predicted[i][0], 10);
        }
    }

    [Fact]
    public void Probit_softmax_hand_example()
    {
        var p = new double[2];
        LastLayerLaplace.ProbitSoftmax([1.0, 0.0], [8.0 / Math.PI, 0.0], p);
        double s = 1.0 / Math.Sqrt(2.0); // 1 / sqrt(1 + pi/8 * 8/pi)
        Assert.Equal(Math.Exp(s) / (Math.Exp(s) + 1.0), p[0], 14);
        Assert.Equal(1.0 / (Math.Exp(s) + 1.0), p[1], 14);

        var q = new double[3];
        LastLayerLaplace.ProbitSoftmax([2.0, -1.0, 0.5], [0.0, 0.0, 0.0], q);
        var expected = new double[3];
        Softmax.Compute([2.0, -1.0, 0.5], expected);
        Assert.Equal(expected, q);

        Assert.Equal("variance", Assert.Throws<ArgumentException>(() => LastLayerLaplace.ProbitSoftmax([1.0, 0.0], [-1.0, 0.0], p)).ParamName);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Huge_prior_precision_gives_the_map_softmax(LastLayerLaplaceKind kind)
    {
        const int d = 4, k = 3;
        var (phi, w, b, _) = Problem(40, d, k, 404);
        var laplace = LastLayerLaplace.FitWithPriorPrecision(kind, phi, d, w, b, 1e12);
        var predicted = laplace.Predict(phi);
        var map = BaselineData.SoftmaxRows(MapLogits(phi, d, w, b), k);
        for (int j = 0; j < map.Length; j++)
        {
            Assert.Equal(map[j], predicted.Data[j], 1e-6);
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Small_prior_precision_is_less_confident_than_the_map(LastLayerLaplaceKind kind)
    {
        const int d = 4, k = 3;
        var (phi, w, b, _) = Problem(40, d, k, 505);
        var laplace = LastLayerLaplace.FitWithPriorPrecision(kind, phi, d, w, b, 1e-2);
        var predicted = laplace.Predict(phi);
        var map = BaselineData.SoftmaxRows(MapLogits(phi, d, w, b), k);
        double laplaceConfidence = BaselineData.MeanConfidence(predicted.Data, k);
        double mapConfidence = BaselineData.MeanConfidence(map, k);
        Assert.True(laplaceConfidence < mapConfidence - 0.01, $"Laplace {laplaceConfidence} vs MAP {mapConfidence}");

        // Every logit variance is positive and shrinks as delta grows.
        var tight = LastLayerLaplace.FitWithPriorPrecision(kind, phi, d, w, b, 10.0);
        var mean = new double[k];
        var loose = new double[k];
        var narrow = new double[k];
        for (int i = 0; i < 40; i++)
        {
            laplace.LogitMoments(phi.AsSpan(i * d, d), mean, loose);
            tight.LogitMoments(phi.AsSpan(i * d, d), mean, narrow);
            for (int c = 0; c < k; c++)
            {
                Assert.True(loose[c] > narrow[c] && narrow[c] > 0.0);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Prior_tuning_picks_the_grid_point_with_the_lowest_nll(LastLayerLaplaceKind kind)
    {
        const int d = 3, k = 3;
        var (phi, w, b, y) = Problem(200, d, k, 606);
        var tuned = LastLayerLaplace.Fit(kind, phi, d, w, b, y);
        Assert.Equal(kind, tuned.Kind);
        Assert.Equal(LastLayerLaplace.GridSize, tuned.TuningNegativeLogLikelihoods.Count);
        int best = -1;
        double bestNll = double.PositiveInfinity;
        for (int j = 0; j < LastLayerLaplace.GridSize; j++)
        {
            double delta = LastLayerLaplace.PriorPrecisionGrid[j];
            var fixedPrior = LastLayerLaplace.FitWithPriorPrecision(kind, phi, d, w, b, delta);
            double nll = NegativeLogLikelihood.Compute(fixedPrior.Predict(phi), y);
            Assert.Equal(nll, tuned.TuningNegativeLogLikelihoods[j], 12);
            if (nll < bestNll)
            {
                bestNll = nll;
                best = j;
            }
        }

        Assert.Equal(LastLayerLaplace.PriorPrecisionGrid[best], tuned.PriorPrecision);
        // Labels come from a softer model than the MAP, so a non-trivial posterior must help: not the largest delta.
        Assert.True(best < LastLayerLaplace.GridSize - 1, $"picked delta = {tuned.PriorPrecision}");
        Assert.True(bestNll < NegativeLogLikelihood.Compute(ProbabilityMatrix.FromLogits(MapLogits(phi, d, w, b), k), y));
    }

    [Fact]
    public void Separate_tuning_set_is_used_for_the_nll()
    {
        const int d = 3, k = 3;
        var (phi, w, b, _) = Problem(100, d, k, 707);
        var (tunePhi, _, _, _) = Problem(80, d, k, 708);
        var tuneY = BaselineData.SampleLabels(MapLogits(tunePhi, d, w, b), k, 3.0, 709);
        var tuned = LastLayerLaplace.Fit(LastLayerLaplaceKind.KroneckerFactored, phi, d, w, b, tunePhi, tuneY);
        int j = Array.IndexOf(LastLayerLaplace.PriorPrecisionGrid.ToArray(), tuned.PriorPrecision);
        var check = LastLayerLaplace.FitWithPriorPrecision(LastLayerLaplaceKind.KroneckerFactored, phi, d, w, b, tuned.PriorPrecision);
        Assert.Equal(NegativeLogLikelihood.Compute(check.Predict(tunePhi), tuneY), tuned.TuningNegativeLogLikelihoods[j], 12);
    }

    [Fact]
    public void Grid_is_33_log_spaced_points_from_1e_minus_4_to_1e4()
    {
        var grid = LastLayerLaplace.PriorPrecisionGrid;
        Assert.Equal(33, grid.Count);
        Assert.Equal(1e-4, grid[0], 1e-18);
        Assert.Equal(1.0, grid[16]);
        Assert.Equal(1e4, grid[32], 1e-9);
        for (int j = 1; j < grid.Count; j++)
        {
            Assert.Equal(0.25, Math.Log10(grid[j] / grid[j - 1]), 12);
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Row_predict_matches_batch_predict(LastLayerLaplaceKind kind)
    {
        const int d = 4, k = 3;
        var (phi, w, b, _) = Problem(10, d, k, 808);
        var laplace = LastLayerLaplace.FitWithPriorPrecision(kind, phi, d, w, b, 0.5);
        var batch = laplace.Predict(phi);
        var row = new double[k];
        for (int i = 0; i < 10; i++)
        {
            laplace.Predict(phi.AsSpan(i * d, d), row);
            for (int c = 0; c < k; c++)
            {
                Assert.Equal(batch[i][c], row[c], 14);
            }
        }
    }

    [Fact]
    public void Invalid_inputs_name_argument_and_row()
    {
        const int d = 2, k = 3;
        var (phi, w, b, y) = Problem(5, d, k, 909);
        Assert.Equal("weights", Assert.Throws<ArgumentException>(() => LastLayerLaplace.Fit(LastLayerLaplaceKind.Diagonal, phi, d, w.AsSpan(1).ToArray(), b, y)).ParamName);
        Assert.Equal("bias", Assert.Throws<ArgumentOutOfRangeException>(() => LastLayerLaplace.Fit(LastLayerLaplaceKind.Diagonal, phi, d, w.AsSpan(0, 2).ToArray(), [0.0], y)).ParamName);
        Assert.Equal("features", Assert.Throws<ArgumentException>(() => LastLayerLaplace.Fit(LastLayerLaplaceKind.Diagonal, phi.AsSpan(1).ToArray(), d, w, b, y)).ParamName);
        Assert.Equal("features", Assert.Throws<ArgumentException>(() => LastLayerLaplace.FitWithPriorPrecision(LastLayerLaplaceKind.Diagonal, [], d, w, b, 1.0)).ParamName);
        var bad = (double[])phi.Clone();
        bad[5] = double.NaN;
        var nan = Assert.Throws<ArgumentException>(() => LastLayerLaplace.Fit(LastLayerLaplaceKind.Diagonal, bad, d, w, b, y));
        Assert.Equal("features", nan.ParamName);
        Assert.Contains("row 2", nan.Message);
        var labels = Assert.Throws<ArgumentException>(() => LastLayerLaplace.Fit(LastLayerLaplaceKind.Diagonal, phi, d, w, b, [0, 1, 2, 3, 0]));
        Assert.Equal("tuningLabels", labels.ParamName);
        Assert.Contains("row 3", labels.Message);
        Assert.Equal("tuningLabels", Assert.Throws<ArgumentException>(() => LastLayerLaplace.Fit(LastLayerLaplaceKind.Diagonal, phi, d, w, b, [0, 1])).ParamName);
        Assert.Equal("priorPrecision", Assert.Throws<ArgumentOutOfRangeException>(() => LastLayerLaplace.FitWithPriorPrecision(LastLayerLaplaceKind.Diagonal, phi, d, w, b, 0.0)).ParamName);
        Assert.Equal("kind", Assert.Throws<ArgumentOutOfRangeException>(() => LastLayerLaplace.FitWithPriorPrecision((LastLayerLaplaceKind)7, phi, d, w, b, 1.0)).ParamName);

        var bigW = new double[10 * 300];
        var bigPhi = new double[300];
        Assert.Equal("kind", Assert.Throws<ArgumentException>(() => LastLayerLaplace.FitWithPriorPrecision(LastLayerLaplaceKind.Full, bigPhi, 300, bigW, new double[10], 1.0)).ParamName);

        var laplace = LastLayerLaplace.FitWithPriorPrecision(LastLayerLaplaceKind.Diagonal, phi, d, w, b, 1.0);
        Assert.Equal("feature", Assert.Throws<ArgumentException>(() => laplace.Predict([1.0, 2.0, 3.0], new double[k])).ParamName);
        Assert.Equal("features", Assert.Throws<ArgumentException>(() => laplace.Predict([1.0, 2.0, 3.0])).ParamName);
    }
}
