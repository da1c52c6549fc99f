using System.Buffers;
using CredalDistill.Metrics;
using CredalDistill.Validation;

namespace CredalDistill.Baselines;

/// <summary>
/// Last-layer Laplace approximation of a softmax classifier (the paper's Bayesian baseline). The network's
/// penultimate features <c>phi</c> (<c>D</c>-dimensional) are fixed; the last layer <c>theta = (W, b)</c>
/// (<c>W</c>: <c>K x D</c>, <c>b</c>: <c>K</c>; <c>P = K (D + 1)</c> parameters) gets the Gaussian posterior
/// <c>N(theta_MAP, (H + delta I)^-1)</c>, where <c>H = sum_i J_i^T Lambda_i J_i</c> is the generalised Gauss-Newton
/// (GGN) Hessian of the data NLL at the MAP, <c>Lambda_i = diag(p_i) - p_i p_i^T</c>, <c>p_i = softmax(W phi_i + b)</c>,
/// <c>J_i = I_K (x) a_i^T</c>, <c>a_i = [phi_i, 1]</c>, in the structure of <see cref="LastLayerLaplaceKind"/>.
/// The predictive is the GLM linearisation with the probit approximation:
/// <c>mu = W phi + b</c>, <c>S = J Sigma J^T</c>, <c>p_k = softmax_k(mu_k / sqrt(1 + (pi/8) S_kk))</c>.
/// <para>
/// Protocol: the GGN is evaluated on the "fit" features, which in the textbook are the training data; the training
/// set is not part of our inputs, so we use the labeled calibration set (the GGN uses no labels). The prior precision
/// <c>delta</c> is chosen on a log grid (<see cref="PriorPrecisionGrid"/>) to minimise the predictive NLL
/// <c>-(1/m) sum_i log max(p_{i,y_i}, 1e-12)</c> on a labeled tuning set - by default the same calibration set.
/// </para>
/// </summary>
internal sealed class LastLayerLaplace
{
    /// <summary>
    /// Largest <c>P = K (D + 1)</c> accepted for <see cref="LastLayerLaplaceKind.Full"/>, 2048. The dense O(P^3)
    /// eigendecomposition of the GGN takes about 5 s at P = 1000 (Release build) and roughly 8 times that at P = 2000.
    /// </summary>
    public const int MaximumFullParameters = 2048;

    /// <summary>Number of points in <see cref="PriorPrecisionGrid"/>, 33.</summary>
    public const int GridSize = 33;

    private static readonly double[] Grid = BuildGrid();

    private readonly double[] _weights;
    private readonly double[] _bias;
    private readonly LaplacePosterior _posterior;
    private readonly double[] _tuning;

    private LastLayerLaplace(LastLayerLaplaceKind kind, int dimension, double[] weights, double[] bias, LaplacePosterior posterior, double priorPrecision, double[] tuning)
    {
        Kind = kind;
        Dimension = dimension;
        _weights = weights;
        _bias = bias;
        _posterior = posterior;
        PriorPrecision = priorPrecision;
        _tuning = tuning;
    }

    /// <summary>
    /// The prior-precision grid <c>delta_j = 10^((j - 16) / 4)</c>, <c>j = 0..32</c>: 33 log-spaced values from
    /// 1e-4 to 1e4 (four per decade).
    /// </summary>
    public static IReadOnlyList<double> PriorPrecisionGrid => Grid;

    /// <summary>The Hessian structure.</summary>
    public LastLayerLaplaceKind Kind { get; }

    /// <summary>Feature dimension <c>D</c>.</summary>
    public int Dimension { get; }

    /// <summary>Number of classes <c>K</c>.</summary>
    public int Classes => _bias.Length;

    /// <summary>The posterior structure (for tests and diagnostics).</summary>
    internal LaplacePosterior Posterior => _posterior;

    /// <summary>Number of last-layer parameters <c>P = K (D + 1)</c>.</summary>
    public int ParameterCount => Classes * (Dimension + 1);

    /// <summary>The prior precision <c>delta</c> in the posterior precision <c>H + delta I</c>.</summary>
    public double PriorPrecision { get; }

    /// <summary>
    /// The tuning-set NLL <c>-(1/m) sum_i log p_{i,y_i}</c> (log domain, no floor) of the predictive at each
    /// <see cref="PriorPrecisionGrid"/> point (same order); empty when the prior precision was given.
    /// </summary>
    public IReadOnlyList<double> TuningNegativeLogLikelihoods => _tuning;

    /// <summary>
    /// Builds the GGN on (<paramref name="features"/>) and tunes <c>delta</c> on the same features with
    /// <paramref name="labels"/>: <c>delta* = argmin_{delta in grid} -(1/n) sum_i log p_{i,y_i}(delta)</c> (log domain, no floor),
    /// ties to the smallest <c>delta</c>.
    /// </summary>
    /// <param name="kind">Hessian structure.</param>
    /// <param name="features">Row-major finite features <c>phi</c>, <c>n x D</c>, <c>n &gt;= 1</c>.</param>
    /// <param name="dimension">Feature dimension <c>D &gt;= 1</c>.</param>
    /// <param name="weights">MAP last-layer weights <c>W</c>, row-major <c>K x D</c>.</param>
    /// <param name="bias">MAP bias <c>b</c>, length <c>K &gt;= 2</c>.</param>
    /// <param name="labels">Labels in [0, K), one per feature row (used only for tuning).</param>
    /// <param name="cancellationToken">Checked once per tuning row.</param>
    public static LastLayerLaplace Fit(LastLayerLaplaceKind kind, ReadOnlySpan<double> features, int dimension, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias, ReadOnlySpan<int> labels, CancellationToken cancellationToken = default)
        => Fit(kind, features, dimension, weights, bias, features, labels, cancellationToken);

    /// <summary>
    /// Builds the GGN on <paramref name="features"/> (no labels needed) and tunes <c>delta</c> on a separate labeled
    /// set: <c>delta* = argmin_{delta in grid} -(1/m) sum_i log p_{i,y_i}(delta)</c> (log domain, no floor), ties to the smallest <c>delta</c>.
    /// </summary>
    /// <param name="kind">Hessian structure.</param>
    /// <param name="features">Row-major finite features <c>phi</c> for the GGN, <c>n x D</c>, <c>n &gt;= 1</c>.</param>
    /// <param name="dimension">Feature dimension <c>D &gt;= 1</c>.</param>
    /// <param name="weights">MAP last-layer weights <c>W</c>, row-major <c>K x D</c>.</param>
    /// <param name="bias">MAP bias <c>b</c>, length <c>K &gt;= 2</c>.</param>
    /// <param name="tuningFeatures">Row-major finite features of the tuning set, <c>m x D</c>, <c>m &gt;= 1</c>.</param>
    /// <param name="tuningLabels">Labels in [0, K), one per tuning row.</param>
    /// <param name="cancellationToken">Checked once per tuning row.</param>
    public static LastLayerLaplace Fit(LastLayerLaplaceKind kind, ReadOnlySpan<double> features, int dimension, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias, ReadOnlySpan<double> tuningFeatures, ReadOnlySpan<int> tuningLabels, CancellationToken cancellationToken = default)
    {
        var (w, b, posterior) = Build(kind, features, dimension, weights, bias);
        int classes = b.Length;
        int rows = Check.MatrixRows(tuningFeatures.Length, dimension, nameof(tuningFeatures), nameof(dimension));
        Check.NotEmpty(rows, nameof(tuningFeatures));
        Check.FiniteRows(tuningFeatures, dimension, nameof(tuningFeatures));
        Check.SameRows(rows, tuningLabels.Length, nameof(tuningLabels));
        Check.Labels(tuningLabels, classes, nameof(tuningLabels));

        var nll = new double[GridSize];
        var scratch = new Scratch(posterior);
        for (int i = 0; i < rows; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            scratch.Prepare(w, b, tuningFeatures.Slice(i * dimension, dimension));
            for (int j = 0; j < GridSize; j++)
            {
                nll[j] += scratch.NegativeLogProbability(Grid[j], tuningLabels[i]);
            }
        }

        int best = 0;
        for (int j = 0; j < GridSize; j++)
        {
            nll[j] /= rows;
            if (nll[j] < nll[best])
            {
                best = j;
            }
        }

        return new LastLayerLaplace(kind, dimension, w, b, posterior, Grid[best], nll);
    }

    /// <summary>Builds the GGN on <paramref name="features"/> and uses the given prior precision (no labels, no tuning).</summary>
    /// <param name="kind">Hessian structure.</param>
    /// <param name="features">Row-major finite features <c>phi</c>, <c>n x D</c>, <c>n &gt;= 1</c>.</param>
    /// <param name="dimension">Feature dimension <c>D &gt;= 1</c>.</param>
    /// <param name="weights">MAP last-layer weights <c>W</c>, row-major <c>K x D</c>.</param>
    /// <param name="bias">MAP bias <c>b</c>, length <c>K &gt;= 2</c>.</param>
    /// <param name="priorPrecision">Finite <c>delta &gt; 0</c>.</param>
    public static LastLayerLaplace FitWithPriorPrecision(LastLayerLaplaceKind kind, ReadOnlySpan<double> features, int dimension, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias, double priorPrecision)
    {
        Check.PositiveFinite(priorPrecision, nameof(priorPrecision));
        var (w, b, posterior) = Build(kind, features, dimension, weights, bias);
        return new LastLayerLaplace(kind, dimension, w, b, posterior, priorPrecision, []);
    }

    /// <summary>
    /// Probit-approximated softmax of a Gaussian logit: <c>p_k = softmax_k(mu_k / sqrt(1 + (pi/8) var_k))</c>
    /// (computed stably). Allocation-free.
    /// </summary>
    /// <param name="mean">Logit means <c>mu</c> (finite), length <c>K &gt;= 2</c>.</param>
    /// <param name="variance">Logit variances <c>var_k &gt;= 0</c>, length <c>K</c>.</param>
    /// <param name="probabilities">Receives <c>p</c>, length <c>K</c>.</param>
    public static void ProbitSoftmax(ReadOnlySpan<double> mean, ReadOnlySpan<double> variance, Span<double> probabilities)
    {
        Check.Classes(mean.Length, nameof(mean));
        Check.SameLength(mean.Length, variance.Length, nameof(variance));
        Check.SameLength(mean.Length, probabilities.Length, nameof(probabilities));
        Check.Finite(mean, nameof(mean));
        for (int k = 0; k < variance.Length; k++)
        {
            if (!(variance[k] >= 0.0) || double.IsPositiveInfinity(variance[k]))
            {
                throw new ArgumentException($"{nameof(variance)} entry {k}: value {Check.Format(variance[k])} is not a finite number >= 0.", nameof(variance));
            }
        }

        ProbitCore(mean, variance, probabilities);
    }

    /// <summary>
    /// Predictive probabilities <c>p_ik = softmax_k(mu_ik / sqrt(1 + (pi/8) S_i,kk))</c> for every row of
    /// <paramref name="features"/> (<c>n = features.Length / D</c> rows).
    /// </summary>
    /// <param name="features">Row-major finite features, <c>n x D</c>.</param>
    /// <param name="cancellationToken">Checked once per row.</param>
    public ProbabilityMatrix Predict(ReadOnlySpan<double> features, CancellationToken cancellationToken = default)
    {
        int rows = Check.MatrixRows(features.Length, Dimension, nameof(features), "dimension");
        Check.FiniteRows(features, Dimension, nameof(features));
        var result = new double[rows * Classes];
        var scratch = new Scratch(_posterior);
        for (int i = 0; i < rows; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            scratch.Prepare(_weights, _bias, features.Slice(i * Dimension, Dimension));
            scratch.Predict(PriorPrecision);
            scratch.Probabilities.CopyTo(result.AsSpan(i * Classes, Classes));
        }

        return ProbabilityMatrix.Wrap(result, Classes);
    }

    /// <summary>
    /// Predictive probabilities of one input, <c>p_k = softmax_k(mu_k / sqrt(1 + (pi/8) S_kk))</c>. Uses pooled scratch
    /// buffers (no steady-state allocation).
    /// </summary>
    /// <param name="feature">Finite features <c>phi</c>, length <c>D</c>.</param>
    /// <param name="probabilities">Receives <c>p</c>, length <c>K</c>.</param>
    public void Predict(ReadOnlySpan<double> feature, Span<double> probabilities)
    {
        Check.SameLength(Dimension, feature.Length, nameof(feature));
        Check.SameLength(Classes, probabilities.Length, nameof(probabilities));
        Check.Finite(feature, nameof(feature));
        var buffer = ArrayPool<double>.Shared.Rent(Classes);
        try
        {
            var mean = probabilities;
            var variance = buffer.AsSpan(0, Classes);
            Moments(feature, mean, variance);
            ProbitCore(mean, variance, probabilities);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// The linearised logit moments of one input: <c>mu = W phi + b</c> and <c>S_kk = (J Sigma J^T)_kk</c>,
    /// <c>J = I_K (x) [phi, 1]^T</c>, <c>Sigma</c> the posterior covariance at <see cref="PriorPrecision"/>.
    /// </summary>
    /// <param name="feature">Finite features <c>phi</c>, length <c>D</c>.</param>
    /// <param name="mean">Receives <c>mu</c>, length <c>K</c>.</param>
    /// <param name="variance">Receives the diagonal of <c>S</c>, length <c>K</c>.</param>
    public void LogitMoments(ReadOnlySpan<double> feature, Span<double> mean, Span<double> variance)
    {
        Check.SameLength(Dimension, feature.Length, nameof(feature));
        Check.SameLength(Classes, mean.Length, nameof(mean));
        Check.SameLength(Classes, variance.Length, nameof(variance));
        Check.Finite(feature, nameof(feature));
        Moments(feature, mean, variance);
    }

    private void Moments(ReadOnlySpan<double> feature, Span<double> mean, Span<double> variance)
    {
        int width = Dimension + 1;
        var buffer = ArrayPool<double>.Shared.Rent(width + _posterior.ProjectionLength);
        try
        {
            var input = buffer.AsSpan(0, width);
            var projection = buffer.AsSpan(width, _posterior.ProjectionLength);
            feature.CopyTo(input);
            input[Dimension] = 1.0;
            LogitMean(_weights, _bias, input, mean);
            _posterior.Project(input, projection);
            _posterior.Variances(projection, PriorPrecision, variance);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(buffer);
        }
    }

    private static (double[] Weights, double[] Bias, LaplacePosterior Posterior) Build(LastLayerLaplaceKind kind, ReadOnlySpan<double> features, int dimension, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias)
    {
        if (kind is not (LastLayerLaplaceKind.Diagonal or LastLayerLaplaceKind.KroneckerFactored or LastLayerLaplaceKind.Full))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, $"{nameof(kind)} must be Diagonal, KroneckerFactored or Full; got {kind}.");
        }

        Check.Positive(dimension, nameof(dimension));
        Check.Classes(bias.Length, nameof(bias));
        Check.Finite(bias, nameof(bias));
        int classes = bias.Length;
        if (weights.Length != classes * dimension)
        {
            throw new ArgumentException($"{nameof(weights)} has length {weights.Length}; expected K x D = {classes} x {dimension} = {classes * dimension} (row-major, one row per class).", nameof(weights));
        }

        Check.FiniteRows(weights, dimension, nameof(weights));
        int width = dimension + 1;
        if (kind == LastLayerLaplaceKind.Full && classes * width > MaximumFullParameters)
        {
            throw new ArgumentException($"{nameof(kind)}: Full needs P = K (D + 1) = {classes * width} <= {MaximumFullParameters} parameters; use Diagonal or KroneckerFactored.", nameof(kind));
        }

        int rows = Check.MatrixRows(features.Length, dimension, nameof(features), nameof(dimension));
        Check.NotEmpty(rows, nameof(features));
        Check.FiniteRows(features, dimension, nameof(features));

        var w = weights.ToArray();
        var b = bias.ToArray();
        var inputs = new double[rows * width];
        var probabilities = new double[rows * classes];
        for (int i = 0; i < rows; i++)
        {
            var a = inputs.AsSpan(i * width, width);
            features.Slice(i * dimension, dimension).CopyTo(a);
            a[dimension] = 1.0;
            var p = probabilities.AsSpan(i * classes, classes);
            LogitMean(w, b, a, p);
            SoftmaxInPlace(p);
        }

        LaplacePosterior posterior = kind switch
        {
            LastLayerLaplaceKind.Diagonal => DiagonalLaplacePosterior.Build(inputs, probabilities, classes, width),
            LastLayerLaplaceKind.KroneckerFactored => KroneckerLaplacePosterior.Build(inputs, probabilities, classes, width),
            _ => FullLaplacePosterior.Build(inputs, probabilities, classes, width),
        };
        return (w, b, posterior);
    }

    /// <summary><c>mu_k = sum_d W_kd a_d + b_k</c> for the augmented input <c>a = [phi, 1]</c>.</summary>
    private static void LogitMean(double[] weights, double[] bias, ReadOnlySpan<double> input, Span<double> mean)
    {
        int classes = bias.Length;
        int dimension = input.Length - 1;
        for (int k = 0; k < classes; k++)
        {
            var wk = weights.AsSpan(k * dimension, dimension);
            double s = bias[k];
            for (int d = 0; d < dimension; d++)
            {
                s += wk[d] * input[d];
            }

            mean[k] = s;
        }
    }

    /// <summary><c>p_k = softmax_k(mu_k / sqrt(1 + (pi/8) var_k))</c>; <paramref name="probabilities"/> may alias <paramref name="mean"/>.</summary>
    private static void ProbitCore(ReadOnlySpan<double> mean, ReadOnlySpan<double> variance, Span<double> probabilities)
    {
        for (int k = 0; k < mean.Length; k++)
        {
            probabilities[k] = mean[k] / Math.Sqrt(1.0 + (Math.PI / 8.0 * variance[k]));
        }

        SoftmaxInPlace(probabilities);
    }

    private static void SoftmaxInPlace(Span<double> values)
    {
        double max = double.NegativeInfinity;
        for (int k = 0; k < values.Length; k++)
        {
            max = Math.Max(max, values[k]);
        }

        double sum = 0.0;
        for (int k = 0; k < values.Length; k++)
        {
            values[k] = Math.Exp(values[k] - max);
            sum += values[k];
        }

        for (int k = 0; k < values.Length; k++)
        {
            values[k] /= sum;
        }
    }

    private static double[] BuildGrid()
    {
        var grid = new double[GridSize];
        for (int j = 0; j < GridSize; j++)
        {
            grid[j] = Math.Pow(10.0, (j - 16) / 4.0);
        }

        return grid;
    }

    /// <summary>Per-row working buffers shared by tuning and batch prediction.</summary>
    private sealed class Scratch
    {
        private readonly LaplacePosterior _posterior;
        private readonly double[] _input;
        private readonly double[] _projection;
        private readonly double[] _projectionWork;
        private readonly double[] _mean;
        private readonly double[] _variance;

        public Scratch(LaplacePosterior posterior)
        {
            _posterior = posterior;
            _input = new double[posterior.Width];
            _projection = new double[posterior.ProjectionLength];
            _projectionWork = new double[posterior.ProjectionLength];
            _mean = new double[posterior.Classes];
            _variance = new double[posterior.Classes];
            Probabilities = new double[posterior.Classes];
        }

        public double[] Probabilities { get; }

        public void Prepare(double[] weights, double[] bias, ReadOnlySpan<double> feature)
        {
            feature.CopyTo(_input);
            _input[^1] = 1.0;
            LogitMean(weights, bias, _input, _mean);
            _posterior.Project(_input, _projection);
        }

        public void Predict(double delta)
        {
            // Variances may use the projection buffer's tail as scratch; work on a copy so Prepare's result survives.
            _projection.CopyTo(_projectionWork, 0);
            _posterior.Variances(_projectionWork, delta, _variance);
            ProbitCore(_mean, _variance, Probabilities);
        }

        /// <summary>
        /// <c>-log p_y</c> of the predictive at <paramref name="delta"/>, in the log domain: <c>logsumexp(s) - s_y</c> with
        /// <c>s_k = mu_k / sqrt(1 + (pi/8) var_k)</c>, exact where <c>p_y</c> itself would underflow.
        /// </summary>
        public double NegativeLogProbability(double delta, int label)
        {
            _projection.CopyTo(_projectionWork, 0);
            _posterior.Variances(_projectionWork, delta, _variance);
            var s = Probabilities.AsSpan();
            for (int k = 0; k < s.Length; k++)
            {
                s[k] = _mean[k] / Math.Sqrt(1.0 + (Math.PI / 8.0 * _variance[k]));
            }

            return Numerics.LogMath.LogSumExp(s) - s[label];
        }
    }
}
