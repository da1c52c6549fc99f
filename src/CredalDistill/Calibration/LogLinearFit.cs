using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using CredalDistill.Conformal;
using CredalDistill.Numerics;
using CredalDistill.Validation;

namespace CredalDistill.Calibration;

/// <summary>
/// Fits the vector and matrix maps of log-probabilities (METHOD.md-style definitions in docs/METHOD.md) to targets: the
/// cloud's probabilities (distilled) or one-hot labels. With <c>l_i</c> the edge's exact log-probabilities, <c>c_i</c> the
/// targets and <c>z_i = A l_i + b</c> (vector: <c>A = diag(w)</c>; matrix: <c>A = W</c>), the objective is the mean
/// cross-entropy, equal up to the constant <c>(1/n) sum_ik c_ik log c_ik</c> to the mean <c>KL(c_i || softmax(z_i))</c>, plus
/// the off-diagonal-and-intercept (ODIR) penalty, the diagonal not penalised:
/// <c>F = (1/n) sum_i [logsumexp(z_i) - sum_k c_ik z_ik] + lam (sum_{j != k} W_jk^2 / (K (K - 1)) + sum_k b_k^2 / K)</c>
/// (vector scaling: <c>lam sum_k b_k^2 / K</c>). It is convex, and exactly flat along the shifts the softmax ignores once the
/// penalty is taken at its best shift (<see cref="Canonical"/>); the gradient is <c>(1/n) sum_i (q_i - c_i) l_i^T</c> (the
/// diagonal of it for vector scaling) and <c>(1/n) sum_i (q_i - c_i)</c> plus the penalty's, and it is minimised from the
/// identity (<c>w = 1</c> or <c>W = I</c>, <c>b = 0</c>) to a gradient norm of 1e-10: by Newton's method with the exact Hessian
/// up to 512 parameters (a matrix map up to K = 22, a vector map up to K = 256), by L-BFGS above. Rows are summed in fixed
/// blocks in a fixed order, so the fit is the same on any number of threads. <c>lam</c> is given or chosen by K-fold
/// cross-fitting over a log grid (the held-out mean KL to the cloud, or NLL for labels; ties: the smallest <c>lam</c>).
/// </summary>
internal static class LogLinearFit
{
    /// <summary>The gradient norm every fit is driven to.</summary>
    public const double GradientTolerance = 1e-10;

    /// <summary>The grid of the label-free choice of <c>lam</c>: <c>1e-4 .. 1e1</c>, one per decade.</summary>
    public static IReadOnlyList<double> RegularizationGrid { get; } = [1e-4, 1e-3, 1e-2, 1e-1, 1.0, 10.0];

    /// <summary>Folds of the cross-fitted choice of <c>lam</c>.</summary>
    public const int Folds = 5;

    /// <summary>Rows are summed in this many fixed blocks (deterministic whatever the thread count).</summary>
    private const int Blocks = 8;

    /// <summary>
    /// The map of <paramref name="shape"/> fitted to the targets of <paramref name="data"/> (the cloud when
    /// <paramref name="labels"/> is false), with <paramref name="regularization"/> or, when null, the cross-fitted choice.
    /// </summary>
    public static CalibrationMap Fit(CalibrationData data, MapShape shape, bool labels, double? regularization, ulong seed, CancellationToken cancellationToken)
    {
        if (labels && !data.HasLabels)
        {
            throw new ArgumentException($"{MapShapes.Name(shape)} scaling with labels needs the true labels of the calibration rows; none were given.", nameof(data));
        }

        if (regularization is double given && !(given >= 0.0 && double.IsFinite(given)))
        {
            throw new ArgumentOutOfRangeException(nameof(regularization), given, "the regularization must be a finite number >= 0.");
        }

        int k = data.Classes;
        var l = LogProbabilities(data.Edge);
        var c = Targets(data, labels);
        double lam = regularization ?? Choose(l, c, k, shape, seed, cancellationToken);
        var theta = Identity(shape, k);
        Solve(l, c, k, shape, lam, theta, cancellationToken);
        var objective = labels ? MapObjective.NegativeLogLikelihood : MapObjective.DistilledKullbackLeibler;
        return shape == MapShape.Vector
            ? CalibrationMap.FromVector(theta.AsSpan(0, k), theta.AsSpan(k, k), objective, data.Rows, lam)
            : CalibrationMap.FromMatrix(theta.AsSpan(0, k * k), theta.AsSpan(k * k, k), objective, data.Rows, lam);
    }

    /// <summary>The objective's value (mean cross-entropy + penalty, without the targets' entropy) and gradient at <paramref name="theta"/>.</summary>
    internal static double Evaluate(double[] l, double[] c, int k, MapShape shape, double lam, ReadOnlySpan<double> theta, Span<double> gradient)
    {
        int n = l.Length / k;
        int p = theta.Length;
        var parts = new double[Blocks][];
        var values = new double[Blocks];
        var thetaArray = theta.ToArray();

        // Blocks run in parallel only when there is enough work to pay for it; either way they are summed in the same order.
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = (long)n * p >= 1_000_000 ? -1 : 1 };
        Parallel.For(0, Blocks, parallel, block =>
        {
            var g = parts[block] = new double[p];
            var z = new double[k];
            int start = (int)((long)n * block / Blocks), end = (int)((long)n * (block + 1) / Blocks);
            double sum = 0.0;
            for (int i = start; i < end; i++)
            {
                var li = l.AsSpan(i * k, k);
                var ci = c.AsSpan(i * k, k);
                Forward(thetaArray, li, k, shape, z);
                double lse = LogMath.LogSumExp(z);
                double dot = 0.0;
                for (int j = 0; j < k; j++)
                {
                    dot += ci[j] * z[j];
                    z[j] = Math.Exp(z[j] - lse) - ci[j]; // r = q - c
                }

                sum += lse - dot;
                if (shape == MapShape.Vector)
                {
                    for (int j = 0; j < k; j++)
                    {
                        g[j] += z[j] * li[j];
                        g[k + j] += z[j];
                    }
                }
                else
                {
                    for (int j = 0; j < k; j++)
                    {
                        Axpy(z[j], li, g.AsSpan(j * k, k));
                        g[(k * k) + j] += z[j];
                    }
                }
            }

            values[block] = sum;
        });

        gradient.Clear();
        double value = 0.0;
        for (int block = 0; block < Blocks; block++)
        {
            value += values[block];
            var g = parts[block];
            for (int j = 0; j < p; j++)
            {
                gradient[j] += g[j];
            }
        }

        value /= n;
        for (int j = 0; j < p; j++)
        {
            gradient[j] /= n;
        }

        // The penalty, at the member of the parameters' invariance class that minimises it (see Canonical); its gradient there
        // has no component along the invariant directions, so the objective is exactly flat along them.
        var shifted = theta.ToArray();
        Canonical(shifted, k, shape);
        int biasStart = shape == MapShape.Vector ? k : k * k;
        for (int j = 0; j < k; j++)
        {
            double bj = shifted[biasStart + j];
            value += lam * bj * bj / k;
            gradient[biasStart + j] += 2.0 * lam * bj / k;
        }

        if (shape == MapShape.Matrix && k > 1)
        {
            double scale = 1.0 / (k * (k - 1.0));
            for (int j = 0; j < k; j++)
            {
                for (int m = 0; m < k; m++)
                {
                    if (m != j)
                    {
                        double w = shifted[(j * k) + m];
                        value += lam * scale * w * w;
                        gradient[(j * k) + m] += 2.0 * lam * scale * w;
                    }
                }
            }
        }

        return value;
    }

    /// <summary>
    /// The softmax ignores a shift common to every class, so the likelihood is unchanged by <c>b -&gt; b + d 1</c> and, for a
    /// matrix, <c>W -&gt; W + 1 v^T</c> (every output row gains <c>v . l</c>). Among those equivalent parameters this moves
    /// <paramref name="theta"/> to the one with the smallest penalty: <c>d = -mean(b)</c> and <c>v_m = -mean_{j != m} W_jm</c>.
    /// The penalised minimiser is such a member, and fitting the likelihood up to the shift (then shifting) removes the
    /// penalty's weak curvature along those directions, which would otherwise slow the solver at small <c>lam</c>.
    /// </summary>
    internal static void Canonical(Span<double> theta, int k, MapShape shape)
    {
        int biasStart = shape == MapShape.Vector ? k : k * k;
        double mean = 0.0;
        for (int j = 0; j < k; j++)
        {
            mean += theta[biasStart + j];
        }

        mean /= k;
        for (int j = 0; j < k; j++)
        {
            theta[biasStart + j] -= mean;
        }

        if (shape != MapShape.Matrix)
        {
            return;
        }

        for (int m = 0; m < k; m++)
        {
            double column = 0.0;
            for (int j = 0; j < k; j++)
            {
                column += j != m ? theta[(j * k) + m] : 0.0;
            }

            double v = -column / (k - 1);
            for (int j = 0; j < k; j++)
            {
                theta[(j * k) + m] += v;
            }
        }
    }

    /// <summary>The mean cross-entropy of the map on held-out rows (no penalty).</summary>
    internal static double CrossEntropy(double[] l, double[] c, int k, MapShape shape, double[] theta)
    {
        int n = l.Length / k;
        var z = new double[k];
        double sum = 0.0;
        for (int i = 0; i < n; i++)
        {
            var ci = c.AsSpan(i * k, k);
            Forward(theta, l.AsSpan(i * k, k), k, shape, z);
            double lse = LogMath.LogSumExp(z);
            for (int j = 0; j < k; j++)
            {
                if (ci[j] > 0.0)
                {
                    sum += ci[j] * (lse - z[j]);
                }
            }
        }

        return sum / n;
    }

    /// <summary>Up to this many parameters the fit uses Newton's method (exact Hessian); above it, L-BFGS.</summary>
    internal const int NewtonParameters = 512;

    /// <summary>Minimises the objective from <paramref name="theta"/> (overwritten); throws when the gradient tolerance is not reached.</summary>
    internal static (double GradientNorm, int Iterations) Solve(double[] l, double[] c, int k, MapShape shape, double lam, double[] theta, CancellationToken cancellationToken)
    {
        var (converged, norm, iterations) = TrySolve(l, c, k, shape, lam, theta, cancellationToken);
        if (!converged)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"the {MapShapes.Name(shape)} map did not converge (gradient norm {norm:G3} after {iterations} iterations, regularization {lam:G3}): the targets may be separable by the edge (with labels); raise --regularization."), "data");
        }

        return (norm, iterations);
    }

    /// <summary>
    /// Minimises the objective from <paramref name="theta"/>: Newton's method with a backtracking line search and the exact
    /// Hessian for up to <see cref="NewtonParameters"/> parameters (quadratic convergence, robust to the ill-conditioning of
    /// small penalties), L-BFGS above. Ends at the canonical member of the invariance class (<see cref="Canonical"/>).
    /// </summary>
    internal static (bool Converged, double GradientNorm, int Iterations) TrySolve(double[] l, double[] c, int k, MapShape shape, double lam, double[] theta, CancellationToken cancellationToken)
    {
        (bool, double, int) result;
        if (theta.Length <= NewtonParameters)
        {
            result = Newton(l, c, k, shape, lam, theta, cancellationToken);
        }
        else
        {
            var r = Lbfgs.Minimise((x, g) => Evaluate(l, c, k, shape, lam, x, g), theta, GradientTolerance, cancellationToken: cancellationToken);
            result = (r.Converged, r.GradientNorm, r.Iterations);
        }

        Canonical(theta, k, shape);
        return result;
    }

    /// <summary>
    /// Newton on the objective: the Hessian is <c>(1/n) sum_i J_i^T (diag q_i - q_i q_i^T) J_i</c> plus the penalty's, with a
    /// relative ridge of 1e-12 on its diagonal for the exactly flat shift directions; the step is halved until the objective
    /// does not increase beyond its rounding, and the loop stops at the gradient tolerance.
    /// </summary>
    private static (bool Converged, double GradientNorm, int Iterations) Newton(double[] l, double[] c, int k, MapShape shape, double lam, double[] theta, CancellationToken cancellationToken)
    {
        int p = theta.Length;
        var g = new double[p];
        var trialGradient = new double[p];
        var h = new double[p * p];
        double value = Evaluate(l, c, k, shape, lam, theta, g);
        double norm = Norm(g);
        int iteration = 0;
        for (; iteration < 200 && norm > GradientTolerance; iteration++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Hessian(l, k, shape, lam, theta, h);
            var step = SolveSymmetric(h, g, p);
            var trial = new double[p];
            double t = 1.0;
            double next = double.PositiveInfinity;
            for (int halving = 0; halving < 60; halving++, t /= 2)
            {
                for (int j = 0; j < p; j++)
                {
                    trial[j] = theta[j] - (t * step[j]);
                }

                next = Evaluate(l, c, k, shape, lam, trial, trialGradient);
                if (next <= value + (1e-12 * (1.0 + Math.Abs(value))) && Norm(trialGradient) < norm * (1.0 + 1e-9) + (next < value ? double.PositiveInfinity : 0.0))
                {
                    break;
                }
            }

            if (!(next <= value + (1e-12 * (1.0 + Math.Abs(value)))))
            {
                break; // no step improves: at the resolution of the objective
            }

            trial.CopyTo(theta, 0);
            trialGradient.CopyTo(g, 0);
            value = next;
            double previous = norm;
            norm = Norm(g);
            if (norm >= previous && norm > GradientTolerance && t < 1e-12)
            {
                break;
            }
        }

        return (norm <= GradientTolerance, norm, iteration);
    }

    /// <summary>The objective's Hessian at <paramref name="theta"/> (row-major <c>p x p</c>).</summary>
    private static void Hessian(double[] l, int k, MapShape shape, double lam, ReadOnlySpan<double> theta, double[] h)
    {
        int n = l.Length / k;
        int p = theta.Length;
        Array.Clear(h);
        var z = new double[k];
        var thetaArray = theta.ToArray();
        int bias = shape == MapShape.Vector ? k : k * k;

        // Per row, with J the Jacobian of the logits z (K x p) and q = softmax z: J^T (diag q - q q^T) J
        // = sum_j q_j J_j^T J_j - u u^T, u = J^T q. Row j of J is x = (l, 1) on the parameters of z_j (the row W_j. and b_j
        // for a matrix map; w_j and b_j for a vector map), so the first term adds q_j x x^T on those; the second is a
        // rank-1 update, accumulated on the upper triangle and mirrored at the end.
        var u = new double[p];
        for (int i = 0; i < n; i++)
        {
            var li = l.AsSpan(i * k, k);
            Forward(thetaArray, li, k, shape, z);
            double lse = LogMath.LogSumExp(z);
            for (int j = 0; j < k; j++)
            {
                z[j] = Math.Exp(z[j] - lse); // q
            }

            for (int j = 0; j < k; j++)
            {
                double a = z[j] / n;
                if (shape == MapShape.Vector)
                {
                    // z_j = w_j l_j + b_j: parameters w_j (index j) and b_j (index k + j).
                    u[j] = z[j] * li[j];
                    u[k + j] = z[j];
                    h[(j * p) + j] += a * li[j] * li[j];
                    h[(j * p) + k + j] += a * li[j];
                    h[((k + j) * p) + k + j] += a;
                }
                else
                {
                    // z_j = sum_m W_jm l_m + b_j: parameters W_jm (index j k + m) and b_j (index k k + j).
                    for (int m = 0; m < k; m++)
                    {
                        u[(j * k) + m] = z[j] * li[m];
                        double am = a * li[m];
                        Axpy(am, li[m..], h.AsSpan((((j * k) + m) * p) + (j * k) + m, k - m));
                        h[(((j * k) + m) * p) + bias + j] += am;
                    }

                    u[bias + j] = z[j];
                    h[((bias + j) * p) + bias + j] += a;
                }
            }

            for (int a = 0; a < p; a++)
            {
                if (u[a] != 0.0)
                {
                    Axpy(-u[a] / n, u.AsSpan(a), h.AsSpan((a * p) + a, p - a));
                }
            }
        }

        for (int a = 0; a < p; a++)
        {
            for (int b = a + 1; b < p; b++)
            {
                h[(b * p) + a] = h[(a * p) + b];
            }
        }

        // The penalty at the canonical shift is a quadratic in theta's projection; its Hessian is that of the projected form.
        // The shift directions are exactly flat, so a relative ridge of 1e-12 keeps the system solvable without moving them.
        var e = new double[p];
        var ge = new double[p];
        var g0 = new double[p];
        PenaltyGradient(new double[p], k, shape, lam, g0);
        for (int a = 0; a < p; a++)
        {
            Array.Clear(e);
            e[a] = 1.0;
            PenaltyGradient(e, k, shape, lam, ge);
            for (int b = 0; b < p; b++)
            {
                h[(b * p) + a] += ge[b] - g0[b];
            }
        }

        double trace = 0.0;
        for (int a = 0; a < p; a++)
        {
            trace += h[(a * p) + a];
        }

        double ridge = 1e-12 * Math.Max(trace / p, 1e-300);
        for (int a = 0; a < p; a++)
        {
            h[(a * p) + a] += ridge;
        }
    }

    /// <summary>The penalty's gradient at <paramref name="theta"/> (taken at its canonical shift, as in <see cref="Evaluate"/>).</summary>
    private static void PenaltyGradient(double[] theta, int k, MapShape shape, double lam, double[] gradient)
    {
        Array.Clear(gradient);
        var shifted = (double[])theta.Clone();
        Canonical(shifted, k, shape);
        int bias = shape == MapShape.Vector ? k : k * k;
        for (int j = 0; j < k; j++)
        {
            gradient[bias + j] += 2.0 * lam * shifted[bias + j] / k;
            for (int m = 0; shape == MapShape.Matrix && m < k; m++)
            {
                if (m != j)
                {
                    gradient[(j * k) + m] += 2.0 * lam * shifted[(j * k) + m] / (k * (k - 1.0));
                }
            }
        }
    }

    /// <summary>Solves <c>H x = g</c> for a symmetric positive (semi)definite <c>H</c> by Cholesky, with a growing ridge if it fails.</summary>
    private static double[] SolveSymmetric(double[] h, double[] g, int p)
    {
        var factor = new double[p * p];
        double ridge = 0.0;
        for (int attempt = 0; attempt < 40; attempt++)
        {
            Array.Copy(h, factor, h.Length);
            for (int a = 0; a < p && ridge > 0.0; a++)
            {
                factor[(a * p) + a] += ridge;
            }

            if (Cholesky(factor, p))
            {
                var x = (double[])g.Clone();
                for (int a = 0; a < p; a++)
                {
                    double sum = x[a];
                    for (int b = 0; b < a; b++)
                    {
                        sum -= factor[(a * p) + b] * x[b];
                    }

                    x[a] = sum / factor[(a * p) + a];
                }

                for (int a = p - 1; a >= 0; a--)
                {
                    double sum = x[a];
                    for (int b = a + 1; b < p; b++)
                    {
                        sum -= factor[(b * p) + a] * x[b];
                    }

                    x[a] = sum / factor[(a * p) + a];
                }

                return x;
            }

            double scale = 0.0;
            for (int a = 0; a < p; a++)
            {
                scale = Math.Max(scale, Math.Abs(h[(a * p) + a]));
            }

            ridge = ridge == 0.0 ? 1e-10 * Math.Max(scale, 1e-300) : ridge * 10.0;
        }

        return (double[])g.Clone(); // steepest descent as a last resort
    }

    /// <summary>In-place lower Cholesky factor of a row-major symmetric matrix; false when it is not positive definite.</summary>
    private static bool Cholesky(double[] a, int p)
    {
        for (int j = 0; j < p; j++)
        {
            double d = a[(j * p) + j];
            for (int m = 0; m < j; m++)
            {
                d -= a[(j * p) + m] * a[(j * p) + m];
            }

            if (!(d > 0.0))
            {
                return false;
            }

            d = Math.Sqrt(d);
            a[(j * p) + j] = d;
            for (int i = j + 1; i < p; i++)
            {
                double sum = a[(i * p) + j];
                for (int m = 0; m < j; m++)
                {
                    sum -= a[(i * p) + m] * a[(j * p) + m];
                }

                a[(i * p) + j] = sum / d;
            }
        }

        return true;
    }

    private static double Norm(ReadOnlySpan<double> g)
    {
        double sum = 0.0;
        foreach (double v in g)
        {
            sum += v * v;
        }

        return Math.Sqrt(sum);
    }

    /// <summary><c>lam</c> of the grid with the lowest cross-fitted held-out cross-entropy (ties: the smallest).</summary>
    private static double Choose(double[] l, double[] c, int k, MapShape shape, ulong seed, CancellationToken cancellationToken)
    {
        int n = l.Length / k;
        int folds = Math.Min(Folds, n / 2);
        if (folds < 2)
        {
            throw new ArgumentException($"choosing the regularization needs at least 4 calibration rows (cross-fitting); got {n}; give --regularization.", "data");
        }

        var loss = new double[RegularizationGrid.Count];
        foreach (var (fit, held) in CrossFitFolds.Make(n, folds, seed))
        {
            var lFit = Rows(l, k, fit);
            var cFit = Rows(c, k, fit);
            var lHeld = Rows(l, k, held);
            var cHeld = Rows(c, k, held);
            var theta = Identity(shape, k);

            // From the largest penalty down, each fit warm-started at the previous one.
            // A value whose fit does not converge on a fold (targets nearly separable at a small penalty) is not chosen.
            for (int g = RegularizationGrid.Count - 1; g >= 0; g--)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var start = (double[])theta.Clone();
                var (converged, _, _) = TrySolve(lFit, cFit, k, shape, RegularizationGrid[g], theta, cancellationToken);
                loss[g] += converged ? CrossEntropy(lHeld, cHeld, k, shape, theta) / folds : double.PositiveInfinity;
                if (!converged)
                {
                    start.CopyTo(theta, 0);
                }
            }
        }

        int best = 0;
        for (int g = 1; g < loss.Length; g++)
        {
            if (loss[g] < loss[best])
            {
                best = g;
            }
        }

        if (double.IsPositiveInfinity(loss[best]))
        {
            throw new ArgumentException($"the {MapShapes.Name(shape)} map did not converge at any regularization of the grid (1e-4 .. 10): the targets may be separable by the edge; give a larger --regularization.", "data");
        }

        return RegularizationGrid[best];
    }

    /// <summary>The identity map's parameters: <c>w = 1</c> (or <c>W = I</c>), <c>b = 0</c>.</summary>
    private static double[] Identity(MapShape shape, int k)
    {
        var theta = new double[shape == MapShape.Vector ? 2 * k : (k * k) + k];
        for (int j = 0; j < k; j++)
        {
            theta[shape == MapShape.Vector ? j : (j * k) + j] = 1.0;
        }

        return theta;
    }

    /// <summary><c>z = A l + b</c>.</summary>
    private static void Forward(double[] theta, ReadOnlySpan<double> l, int k, MapShape shape, Span<double> z)
    {
        if (shape == MapShape.Vector)
        {
            for (int j = 0; j < k; j++)
            {
                z[j] = (theta[j] * l[j]) + theta[k + j];
            }

            return;
        }

        for (int j = 0; j < k; j++)
        {
            z[j] = Dot(theta.AsSpan(j * k, k), l) + theta[(k * k) + j];
        }
    }

    /// <summary>The exact log-probabilities of the edge; an exact zero is refused (the maps are undefined at <c>-inf</c>).</summary>
    private static double[] LogProbabilities(ProbabilityMatrix edge)
    {
        var l = TemperatureFits.LogProbabilities(edge);
        int k = edge.Classes;
        for (int j = 0; j < l.Length; j++)
        {
            if (double.IsNegativeInfinity(l[j]))
            {
                throw new ArgumentException($"edge row {j / k}, class {j % k}: probability 0 (log-probability -inf); the vector and matrix maps are defined on log-probabilities > -inf. Give the edge as logits, or probabilities without exact zeros.", "data");
            }
        }

        return l;
    }

    /// <summary>The targets: the cloud's probabilities, or one-hot labels.</summary>
    private static double[] Targets(CalibrationData data, bool labels)
    {
        int k = data.Classes;
        if (!labels)
        {
            return data.Cloud.Data.ToArray();
        }

        var c = new double[data.Rows * k];
        var y = data.Labels.Span;
        for (int i = 0; i < data.Rows; i++)
        {
            c[(i * k) + y[i]] = 1.0;
        }

        return c;
    }

    private static double[] Rows(double[] data, int k, int[] rows)
    {
        var result = new double[rows.Length * k];
        for (int i = 0; i < rows.Length; i++)
        {
            Array.Copy(data, rows[i] * k, result, i * k, k);
        }

        return result;
    }

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        int j = 0;
        double sum = 0.0;
        if (Vector256.IsHardwareAccelerated && a.Length >= 8)
        {
            var acc = Vector256<double>.Zero;
            var va = MemoryMarshal.Cast<double, Vector256<double>>(a);
            var vb = MemoryMarshal.Cast<double, Vector256<double>>(b);
            for (int v = 0; v < va.Length; v++)
            {
                acc = Vector256.FusedMultiplyAdd(va[v], vb[v], acc);
            }

            sum = Vector256.Sum(acc);
            j = va.Length * 4;
        }

        for (; j < a.Length; j++)
        {
            sum += a[j] * b[j];
        }

        return sum;
    }

    private static void Axpy(double a, ReadOnlySpan<double> x, Span<double> y)
    {
        int j = 0;
        if (Vector256.IsHardwareAccelerated && x.Length >= 8)
        {
            var va = Vector256.Create(a);
            for (; j + 4 <= x.Length; j += 4)
            {
                var vy = Vector256.Create(y.Slice(j, 4));
                Vector256.FusedMultiplyAdd(va, Vector256.Create(x.Slice(j, 4)), vy).CopyTo(y.Slice(j, 4));
            }
        }

        for (; j < x.Length; j++)
        {
            y[j] += a * x[j];
        }
    }
}
