using CredalDistill.Numerics;
using CredalDistill.Validation;

namespace CredalDistill.Shift;

/// <summary>
/// Density ratio <c>w(x) = p_deploy(x) / p_cal(x)</c> for covariate-shift CD-CI, estimated by a probabilistic classifier
/// (Tibshirani et al. 2019): logistic regression of "deployment" (1) against "calibration" (0) on the edge outputs'
/// standardised log-probabilities <c>phi(x)</c> (each clipped below at <see cref="LogFloor"/>), with an L2 penalty
/// <c>lambda/2 |beta|^2</c> on the slopes. Then <c>w(x) = (n_cal / n_deploy) exp(b + beta . phi(x))</c>.
/// </summary>
/// <remarks>
/// Fitted by Newton's method with a backtracking line search on the penalised log-loss (convex, so the solution is
/// unique); each step solves the <c>(K + 1) x (K + 1)</c> Hessian system, so the cost is O(n K^2 + K^3) per iteration.
/// Only unlabeled outputs are needed, so the weights can be built from deployment logs before any label exists.
/// </remarks>
public sealed class LogisticDensityRatio
{
    /// <summary>Log-probabilities are clipped below at this value before standardising (an underflowed class is not an outlier).</summary>
    public const double LogFloor = -30.0;

    /// <summary>Default L2 penalty on the slopes.</summary>
    public const double DefaultRidge = 1e-2;

    private const int MaxIterations = 100;

    private readonly double[] _mean;
    private readonly double[] _scale;
    private readonly double[] _coefficients; // [intercept, slopes...]

    private LogisticDensityRatio(double[] mean, double[] scale, double[] coefficients, double logPriorRatio, int iterations)
    {
        _mean = mean;
        _scale = scale;
        _coefficients = coefficients;
        LogPriorRatio = logPriorRatio;
        Iterations = iterations;
    }

    /// <summary>Number of classes <c>K</c> of the edge outputs.</summary>
    public int Classes => _mean.Length;

    /// <summary>Mean of each clipped log-probability feature over the pooled rows (the standardisation's centre).</summary>
    public IReadOnlyList<double> FeatureMean => _mean;

    /// <summary>Standard deviation of each feature over the pooled rows (1 for a constant feature).</summary>
    public IReadOnlyList<double> FeatureScale => _scale;

    /// <summary>The fitted coefficients <c>(b, beta_1..beta_K)</c> on the standardised features.</summary>
    public IReadOnlyList<double> Coefficients => _coefficients;

    /// <summary><c>log(n_cal / n_deploy)</c>, the correction from classifier odds to a density ratio.</summary>
    public double LogPriorRatio { get; }

    /// <summary>Newton iterations used (0 for a ratio restored by <see cref="FromParameters"/>).</summary>
    public int Iterations { get; }

    /// <summary>A density ratio from stored parameters (a calibration artifact); validates shapes and values.</summary>
    /// <param name="mean">Feature means, <c>K</c> values.</param>
    /// <param name="scale">Feature scales, <c>K</c> positive values.</param>
    /// <param name="coefficients">Intercept then <c>K</c> slopes.</param>
    /// <param name="logPriorRatio"><c>log(n_cal / n_deploy)</c>.</param>
    public static LogisticDensityRatio FromParameters(ReadOnlySpan<double> mean, ReadOnlySpan<double> scale, ReadOnlySpan<double> coefficients, double logPriorRatio)
    {
        Check.Classes(mean.Length, nameof(mean));
        Check.SameLength(mean.Length, scale.Length, nameof(scale));
        Check.SameLength(mean.Length + 1, coefficients.Length, nameof(coefficients));
        for (int j = 0; j < mean.Length; j++)
        {
            if (!double.IsFinite(mean[j]) || !(scale[j] > 0.0) || !double.IsFinite(scale[j]))
            {
                throw new ArgumentException($"feature {j}: mean {Check.Format(mean[j])} and scale {Check.Format(scale[j])} must be finite, the scale positive.", nameof(scale));
            }
        }

        foreach (double c in coefficients)
        {
            if (!double.IsFinite(c))
            {
                throw new ArgumentException("every coefficient must be finite.", nameof(coefficients));
            }
        }

        if (!double.IsFinite(logPriorRatio))
        {
            throw new ArgumentException("the log prior ratio must be finite.", nameof(logPriorRatio));
        }

        return new LogisticDensityRatio(mean.ToArray(), scale.ToArray(), coefficients.ToArray(), logPriorRatio, 0);
    }

    /// <summary>Fits the classifier on calibration (label 0) and deployment (label 1) edge outputs.</summary>
    /// <param name="calibration">Edge outputs on the calibration inputs.</param>
    /// <param name="deployment">Edge outputs on unlabeled deployment inputs, same classes.</param>
    /// <param name="ridge">L2 penalty <c>lambda &gt; 0</c> on the slopes.</param>
    public static LogisticDensityRatio Fit(ProbabilityMatrix calibration, ProbabilityMatrix deployment, double ridge = DefaultRidge)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        ArgumentNullException.ThrowIfNull(deployment);
        Check.SameClasses(calibration.Classes, deployment.Classes, nameof(deployment));
        Check.NotEmpty(calibration.Rows, nameof(calibration), "calibration outputs");
        Check.NotEmpty(deployment.Rows, nameof(deployment), "deployment outputs");
        Check.PositiveFinite(ridge, nameof(ridge));
        int k = calibration.Classes, d = k + 1, n = calibration.Rows + deployment.Rows;

        // Standardised design matrix with an intercept column.
        var x = new double[n * d];
        var y = new double[n];
        var logP = new double[k];
        for (int i = 0; i < n; i++)
        {
            bool deploy = i >= calibration.Rows;
            var row = deploy ? deployment.AsEdgeRow(i - calibration.Rows) : calibration.AsEdgeRow(i);
            Features(row, logP);
            x[i * d] = 1.0;
            logP.CopyTo(x.AsSpan((i * d) + 1, k));
            y[i] = deploy ? 1.0 : 0.0;
        }

        var mean = new double[k];
        var scale = new double[k];
        for (int j = 0; j < k; j++)
        {
            double sum = 0.0;
            for (int i = 0; i < n; i++)
            {
                sum += x[(i * d) + 1 + j];
            }

            mean[j] = sum / n;
            double squares = 0.0;
            for (int i = 0; i < n; i++)
            {
                double c = x[(i * d) + 1 + j] - mean[j];
                squares += c * c;
            }

            scale[j] = squares > 0.0 ? Math.Sqrt(squares / n) : 1.0;
            for (int i = 0; i < n; i++)
            {
                x[(i * d) + 1 + j] = (x[(i * d) + 1 + j] - mean[j]) / scale[j];
            }
        }

        var theta = new double[d];
        var gradient = new double[d];
        var hessian = new double[d * d];
        var step = new double[d];
        var trial = new double[d];
        var eigenvalues = new double[d];
        var eigenvectors = new double[d * d];
        double loss = Loss(x, y, theta, d, ridge);
        int iterations = 0;
        while (iterations < MaxIterations)
        {
            iterations++;
            GradientAndHessian(x, y, theta, d, ridge, gradient, hessian);
            if (MaxAbs(gradient) <= 1e-10 * n)
            {
                break;
            }

            // Newton direction H^-1 g through the eigendecomposition of the (positive definite) Hessian.
            SymmetricEigen.Decompose(hessian, d, eigenvalues, eigenvectors);
            Array.Clear(step);
            for (int m = 0; m < d; m++)
            {
                double dot = 0.0;
                for (int j = 0; j < d; j++)
                {
                    dot += eigenvectors[(j * d) + m] * gradient[j];
                }

                double coefficient = dot / Math.Max(eigenvalues[m], 1e-300);
                for (int j = 0; j < d; j++)
                {
                    step[j] += coefficient * eigenvectors[(j * d) + m];
                }
            }

            double t = 1.0;
            double slope = 0.0;
            for (int j = 0; j < d; j++)
            {
                slope += gradient[j] * step[j];
            }

            double next;
            while (true)
            {
                for (int j = 0; j < d; j++)
                {
                    trial[j] = theta[j] - (t * step[j]);
                }

                next = Loss(x, y, trial, d, ridge);
                if (next <= loss - (1e-4 * t * slope) || t < 1e-12)
                {
                    break;
                }

                t *= 0.5;
            }

            if (!(next < loss))
            {
                break; // no further decrease in floating point: converged
            }

            trial.CopyTo(theta, 0);
            loss = next;
        }

        return new LogisticDensityRatio(mean, scale, theta, Math.Log((double)calibration.Rows / deployment.Rows), iterations);
    }

    /// <summary><c>log w(x) = log(n_cal / n_deploy) + b + beta . phi(x)</c> for one edge output.</summary>
    public double LogWeight(EdgeRow edge)
    {
        if (edge.Classes != Classes)
        {
            throw new ArgumentException($"the edge row has {edge.Classes} classes; the density ratio was fitted with {Classes}.", nameof(edge));
        }

        using var lease = new ScratchLease();
        Span<double> logP = Classes <= ScratchLease.StackDoubles ? stackalloc double[Classes] : lease.Rent(Classes);
        Features(edge, logP);
        double z = LogPriorRatio + _coefficients[0];
        for (int j = 0; j < Classes; j++)
        {
            z += _coefficients[j + 1] * (logP[j] - _mean[j]) / _scale[j];
        }

        return z;
    }

    /// <summary>The weight <c>w(x) = exp(</c><see cref="LogWeight"/><c>)</c> (+infinity if it overflows).</summary>
    public double Weight(EdgeRow edge) => Math.Exp(LogWeight(edge));

    /// <summary>Weights of every row of <paramref name="edge"/>.</summary>
    public double[] Weights(ProbabilityMatrix edge)
    {
        ArgumentNullException.ThrowIfNull(edge);
        var weights = new double[edge.Rows];
        for (int i = 0; i < edge.Rows; i++)
        {
            weights[i] = Weight(edge.AsEdgeRow(i));
        }

        return weights;
    }

    private static void Features(EdgeRow row, Span<double> logP)
    {
        row.LogProbabilities(logP);
        for (int j = 0; j < logP.Length; j++)
        {
            logP[j] = Math.Max(logP[j], LogFloor);
        }
    }

    /// <summary>Penalised mean-free log-loss <c>sum_i log(1 + e^{z_i}) - y_i z_i + lambda/2 |beta|^2</c>.</summary>
    private static double Loss(double[] x, double[] y, double[] theta, int d, double ridge)
    {
        double loss = 0.0;
        int n = y.Length;
        for (int i = 0; i < n; i++)
        {
            double z = Dot(x.AsSpan(i * d, d), theta);
            loss += Softplus(z) - (y[i] * z);
        }

        for (int j = 1; j < d; j++)
        {
            loss += 0.5 * ridge * theta[j] * theta[j];
        }

        return loss;
    }

    private static void GradientAndHessian(double[] x, double[] y, double[] theta, int d, double ridge, double[] gradient, double[] hessian)
    {
        Array.Clear(gradient);
        Array.Clear(hessian);
        for (int i = 0; i < y.Length; i++)
        {
            var xi = x.AsSpan(i * d, d);
            double mu = Sigmoid(Dot(xi, theta));
            double r = mu - y[i];
            double v = mu * (1.0 - mu);
            for (int a = 0; a < d; a++)
            {
                gradient[a] += r * xi[a];
                double va = v * xi[a];
                for (int b = 0; b <= a; b++)
                {
                    hessian[(a * d) + b] += va * xi[b];
                }
            }
        }

        for (int a = 0; a < d; a++)
        {
            for (int b = 0; b < a; b++)
            {
                hessian[(b * d) + a] = hessian[(a * d) + b];
            }

            if (a > 0)
            {
                gradient[a] += ridge * theta[a];
                hessian[(a * d) + a] += ridge;
            }
        }
    }

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s = 0.0;
        for (int j = 0; j < a.Length; j++)
        {
            s += a[j] * b[j];
        }

        return s;
    }

    private static double MaxAbs(double[] values)
    {
        double m = 0.0;
        foreach (double v in values)
        {
            m = Math.Max(m, Math.Abs(v));
        }

        return m;
    }

    private static double Softplus(double z) => z > 0 ? z + LogMath.Log1P(Math.Exp(-z)) : LogMath.Log1P(Math.Exp(z));

    private static double Sigmoid(double z) => z >= 0 ? 1.0 / (1.0 + Math.Exp(-z)) : Math.Exp(z) / (1.0 + Math.Exp(z));
}
