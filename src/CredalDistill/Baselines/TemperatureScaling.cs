using CredalDistill.Metrics;
using CredalDistill.Numerics;
using CredalDistill.Validation;

namespace CredalDistill.Baselines;

/// <summary>
/// Temperature scaling with labels (Guo et al. 2017): <c>p_i = softmax(z_i / T)</c> with one scalar <c>T &gt; 0</c>
/// fitted on a labeled calibration set, either by the paper's ECE grid search (<see cref="FitEce(ReadOnlySpan{double}, int, ReadOnlySpan{int})"/>)
/// or to minimise the NLL (<see cref="FitNll(ReadOnlySpan{double}, int, ReadOnlySpan{int})"/>).
/// Probabilities can be used in place of logits via <c>z = log max(p, 1e-12)</c>, so that
/// <c>softmax(z / T)_k = p_k^(1/T) / sum_j p_j^(1/T)</c> (e.g. a cloud ensemble whose logits are log mean probabilities).
/// </summary>
public sealed class TemperatureScaling : TemperatureCalibrator
{
    /// <summary>Number of temperatures in the paper's grid, 40: <c>T_i = i / 10</c>, <c>i = 1..40</c>.</summary>
    public const int GridSize = 40;

    /// <summary>Smallest temperature the NLL fit searches, 0.01.</summary>
    public const double MinimumTemperature = TemperatureSolver.MinimumTemperature;

    /// <summary>Largest temperature the NLL fit searches, 100.</summary>
    public const double MaximumTemperature = TemperatureSolver.MaximumTemperature;

    /// <summary>Creates a calibrator with a given temperature (<see cref="Objective"/> = <see cref="TemperatureObjective.Given"/>).</summary>
    /// <param name="temperature">Finite <c>T &gt; 0</c>.</param>
    public TemperatureScaling(double temperature)
        : this(temperature, TemperatureObjective.Given, double.NaN)
    {
        Check.PositiveFinite(temperature, nameof(temperature));
    }

    private TemperatureScaling(double temperature, TemperatureObjective objective, double objectiveValue)
    {
        Temperature = temperature;
        Objective = objective;
        ObjectiveValue = objectiveValue;
    }

    /// <summary>The fitted (or given) temperature <c>T</c>.</summary>
    public override double Temperature { get; }

    /// <summary>What <see cref="Temperature"/> minimises.</summary>
    public TemperatureObjective Objective { get; }

    /// <summary>
    /// The objective at <see cref="Temperature"/> on the fit set: the ECE as a fraction (15 bins) for
    /// <see cref="TemperatureObjective.ExpectedCalibrationError"/>, the mean NLL in nats
    /// <c>(1/n) sum_i [logsumexp(z_i / T) - z_{i,y_i} / T]</c> for <see cref="TemperatureObjective.NegativeLogLikelihood"/>;
    /// NaN when the temperature was given.
    /// </summary>
    public double ObjectiveValue { get; }

    /// <summary>The <paramref name="index"/>-th grid temperature <c>T = index / 10</c>, computed as a quotient (no drift).</summary>
    /// <param name="index">Grid index in [1, 40].</param>
    public static double GridTemperature(int index)
    {
        if (index < 1 || index > GridSize)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"index must lie in [1, {GridSize}]; got {index}.");
        }

        return index / 10.0;
    }

    /// <summary>
    /// The paper's fit: <c>T* = argmin_{T in {0.1, 0.2, ..., 4.0}} ECE_15(softmax(z / T), y)</c> with equal-width bins
    /// (<see cref="ExpectedCalibrationError.Compute(ProbabilityMatrix, ReadOnlySpan{int}, int)"/>); ties go to the smallest <c>T</c>.
    /// </summary>
    /// <param name="logits">Row-major finite logits, <c>n x K</c>, <c>n &gt;= 1</c>.</param>
    /// <param name="classes">Number of classes <c>K &gt;= 2</c>.</param>
    /// <param name="labels">True labels in [0, K), one per row.</param>
    public static TemperatureScaling FitEce(ReadOnlySpan<double> logits, int classes, ReadOnlySpan<int> labels)
    {
        int rows = LogitInput.Validate(logits, classes, nameof(logits));
        LogitInput.Labels(labels, rows, classes, nameof(labels));
        var buffer = new double[logits.Length];
        var matrix = ProbabilityMatrix.Wrap(buffer, classes);
        double bestT = double.NaN;
        double bestEce = double.PositiveInfinity;
        for (int index = 1; index <= GridSize; index++)
        {
            double t = index / 10.0;
            for (int i = 0; i < rows; i++)
            {
                Softmax.Compute(logits.Slice(i * classes, classes), buffer.AsSpan(i * classes, classes), t);
            }

            double ece = ExpectedCalibrationError.Compute(matrix, labels);
            if (ece < bestEce)
            {
                bestEce = ece;
                bestT = t;
            }
        }

        return new TemperatureScaling(bestT, TemperatureObjective.ExpectedCalibrationError, bestEce);
    }

    /// <summary>
    /// <see cref="FitEce(ReadOnlySpan{double}, int, ReadOnlySpan{int})"/> on probabilities, using <c>z = log max(p, 1e-12)</c> as logits.
    /// </summary>
    /// <param name="probabilities">Validated probabilities, <c>n x K</c>, <c>n &gt;= 1</c>.</param>
    /// <param name="labels">True labels in [0, K), one per row.</param>
    public static TemperatureScaling FitEce(ProbabilityMatrix probabilities, ReadOnlySpan<int> labels)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        Check.NotEmpty(probabilities.Rows, nameof(probabilities));
        return FitEce(LogitInput.FromProbabilities(probabilities), probabilities.Classes, labels);
    }

    /// <summary>
    /// The NLL-optimal temperature <c>T* = argmin_{T in [0.01, 100]} (1/n) sum_i [logsumexp(z_i / T) - z_{i,y_i} / T]</c>.
    /// The objective is convex in <c>u = 1/T</c> (derivative <c>(1/n) sum_i (E_{softmax(u z_i)}[z_i] - z_{i,y_i})</c>,
    /// second derivative the mean variance of <c>z_i</c> under <c>softmax(u z_i)</c>), and is minimised to machine
    /// precision by safeguarded Newton on <c>u</c>. A minimum outside the bracket returns the nearer end
    /// (e.g. separable data drives <c>T</c> to 0.01); if every row has equal logits any <c>T</c> is optimal and 1 is returned.
    /// </summary>
    /// <param name="logits">Row-major finite logits, <c>n x K</c>, <c>n &gt;= 1</c>.</param>
    /// <param name="classes">Number of classes <c>K &gt;= 2</c>.</param>
    /// <param name="labels">True labels in [0, K), one per row.</param>
    public static TemperatureScaling FitNll(ReadOnlySpan<double> logits, int classes, ReadOnlySpan<int> labels)
    {
        int rows = LogitInput.Validate(logits, classes, nameof(logits));
        LogitInput.Labels(labels, rows, classes, nameof(labels));
        var targets = new double[rows];
        for (int i = 0; i < rows; i++)
        {
            targets[i] = logits[(i * classes) + labels[i]];
        }

        double t = TemperatureSolver.Minimise(logits, classes, targets);
        TemperatureSolver.Evaluate(logits, classes, targets, 1.0 / t, out double nll, out _, out _);
        return new TemperatureScaling(t, TemperatureObjective.NegativeLogLikelihood, nll);
    }

    /// <summary>
    /// <see cref="FitNll(ReadOnlySpan{double}, int, ReadOnlySpan{int})"/> on probabilities, using <c>z = log max(p, 1e-12)</c> as logits.
    /// </summary>
    /// <param name="probabilities">Validated probabilities, <c>n x K</c>, <c>n &gt;= 1</c>.</param>
    /// <param name="labels">True labels in [0, K), one per row.</param>
    public static TemperatureScaling FitNll(ProbabilityMatrix probabilities, ReadOnlySpan<int> labels)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        Check.NotEmpty(probabilities.Rows, nameof(probabilities));
        return FitNll(LogitInput.FromProbabilities(probabilities), probabilities.Classes, labels);
    }

    /// <summary><c>z_ik = log max(p_ik, 1e-12)</c>: the logits used when probabilities are calibrated.</summary>
    /// <param name="probabilities">Validated probabilities.</param>
    public static double[] LogitsFromProbabilities(ProbabilityMatrix probabilities)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        return LogitInput.FromProbabilities(probabilities);
    }
}
