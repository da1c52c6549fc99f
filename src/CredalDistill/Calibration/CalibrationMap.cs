using System.Globalization;
using CredalDistill.Numerics;
using CredalDistill.Validation;

namespace CredalDistill.Calibration;

/// <summary>
/// A fitted point calibration of the edge: a log-linear map of its log-probabilities <c>l = log p_edge</c>,
/// <c>q = softmax(A l + b)</c>, with <c>A</c> and <c>b</c> of one of four shapes (<see cref="MapShape"/>):
/// <list type="bullet">
/// <item><see cref="MapShape.Identity"/>: <c>q = p</c> (CD-CI around the raw edge).</item>
/// <item><see cref="MapShape.Temperature"/>: <c>q = softmax(l / T)</c> (temperature scaling, with labels or distilled from the cloud).</item>
/// <item><see cref="MapShape.Vector"/>: <c>q_k ∝ exp(w_k l_k + b_k)</c> (vector scaling).</item>
/// <item><see cref="MapShape.Matrix"/>: <c>q ∝ exp(W l + b)</c> (matrix scaling of log-probabilities, i.e. Dirichlet calibration).</item>
/// </list>
/// The map reads log-probabilities, so an edge given as logits and the same edge given as probabilities are calibrated
/// identically (the temperature map is also invariant to a constant added to <c>l</c>, so raw logits serve as well). It
/// works in the log domain end to end: <see cref="Apply(EdgeRow, Span{double})"/> writes <c>log q</c>, which the credal
/// kernels read directly. A probability of exactly 0 has <c>l_k = -inf</c>: the temperature map keeps it at 0; the vector
/// and matrix maps are undefined there (<c>0 * -inf</c>, <c>-inf + inf</c>) and refuse such a row, naming it.
/// </summary>
public sealed class CalibrationMap
{
    private readonly double[] _weights;
    private readonly double[] _bias;

    private CalibrationMap(MapShape shape, int classes, double temperature, double[] weights, double[] bias, MapObjective? objective, int fitRows, double? regularization)
    {
        Shape = shape;
        Classes = classes;
        Temperature = temperature;
        _weights = weights;
        _bias = bias;
        Objective = objective;
        FitRows = fitRows;
        Regularization = regularization;
    }

    /// <summary>The structure of <c>A</c> and <c>b</c>.</summary>
    public MapShape Shape { get; }

    /// <summary>Number of classes <c>K</c>.</summary>
    public int Classes { get; }

    /// <summary>The temperature <c>T</c> of a <see cref="MapShape.Temperature"/> map; 1 for the other shapes.</summary>
    public double Temperature { get; }

    /// <summary>The weights: <c>w</c> (<c>K</c> values) of a vector map, <c>W</c> (<c>K x K</c>, row-major) of a matrix map; empty otherwise.</summary>
    public ReadOnlySpan<double> Weights => _weights;

    /// <summary>The bias <c>b</c> (<c>K</c> values) of a vector or matrix map; empty otherwise.</summary>
    public ReadOnlySpan<double> Bias => _bias;

    /// <summary>What the map was fitted to minimise; null for the identity and for a map built from given parameters.</summary>
    public MapObjective? Objective { get; }

    /// <summary>Number of calibration rows the map was fitted on (0 for the identity).</summary>
    public int FitRows { get; }

    /// <summary>The L2 penalty weight used in the fit (matrix and vector maps), or null.</summary>
    public double? Regularization { get; }

    /// <summary>True for the identity map (the edge itself).</summary>
    public bool IsIdentity => Shape == MapShape.Identity;

    /// <summary>The identity map on <paramref name="classes"/> classes.</summary>
    public static CalibrationMap Identity(int classes)
    {
        Check.Classes(classes, nameof(classes));
        return new CalibrationMap(MapShape.Identity, classes, 1.0, [], [], null, 0, null);
    }

    /// <summary>The temperature map <c>q = softmax(l / T)</c>.</summary>
    /// <param name="temperature">Finite <c>T &gt; 0</c>.</param>
    /// <param name="classes">Number of classes <c>K &gt;= 2</c>.</param>
    /// <param name="objective">What <c>T</c> minimised, or null for a given temperature.</param>
    /// <param name="fitRows">Rows the fit used (at least 1 when <paramref name="objective"/> is set).</param>
    public static CalibrationMap FromTemperature(double temperature, int classes, MapObjective? objective = null, int fitRows = 0)
    {
        Check.PositiveFinite(temperature, nameof(temperature));
        Check.Classes(classes, nameof(classes));
        CheckFit(objective, fitRows);
        return new CalibrationMap(MapShape.Temperature, classes, temperature, [], [], objective, fitRows, null);
    }

    /// <summary>The vector-scaling map <c>q_k ∝ exp(w_k l_k + b_k)</c>.</summary>
    /// <param name="weights">Finite <c>w</c>, one per class.</param>
    /// <param name="bias">Finite <c>b</c>, one per class.</param>
    /// <param name="objective">What the parameters minimised, or null when given.</param>
    /// <param name="fitRows">Rows the fit used.</param>
    /// <param name="regularization">The penalty weight of the fit, or null.</param>
    public static CalibrationMap FromVector(ReadOnlySpan<double> weights, ReadOnlySpan<double> bias, MapObjective? objective = null, int fitRows = 0, double? regularization = null)
    {
        Check.Classes(weights.Length, nameof(weights));
        return Affine(MapShape.Vector, weights.Length, weights, bias, objective, fitRows, regularization);
    }

    /// <summary>The matrix-scaling map <c>q ∝ exp(W l + b)</c>.</summary>
    /// <param name="weights">Finite <c>W</c>, <c>K x K</c> row-major (row <c>j</c> gives output class <c>j</c>).</param>
    /// <param name="bias">Finite <c>b</c>, one per class.</param>
    /// <param name="objective">What the parameters minimised, or null when given.</param>
    /// <param name="fitRows">Rows the fit used.</param>
    /// <param name="regularization">The penalty weight of the fit, or null.</param>
    public static CalibrationMap FromMatrix(ReadOnlySpan<double> weights, ReadOnlySpan<double> bias, MapObjective? objective = null, int fitRows = 0, double? regularization = null)
    {
        Check.Classes(bias.Length, nameof(bias));
        Check.SameLength(bias.Length * bias.Length, weights.Length, nameof(weights));
        return Affine(MapShape.Matrix, bias.Length, weights, bias, objective, fitRows, regularization);
    }

    /// <summary>
    /// Writes <c>log q</c> for one edge output. Allocation-free. <paramref name="logQ"/> may contain -inf (a class with
    /// probability 0), never NaN.
    /// </summary>
    /// <param name="edge">The edge output (probabilities or logits), <see cref="Classes"/> entries.</param>
    /// <param name="logQ">Receives <c>log q</c>, <see cref="Classes"/> entries.</param>
    /// <exception cref="ArgumentException">A vector or matrix map and an edge probability of exactly 0.</exception>
    public void Apply(EdgeRow edge, Span<double> logQ)
    {
        Check.SameClasses(Classes, edge.Classes, nameof(edge));
        Check.DestinationLength(Classes, logQ.Length, nameof(logQ));
        ApplyCore(edge, logQ, -1);
    }

    /// <summary>The calibrated distribution <c>q</c> of every row; the result keeps <c>log q</c> for the exact kernels.</summary>
    /// <param name="edge">Edge outputs, <c>n x K</c>.</param>
    /// <exception cref="ArgumentException">A vector or matrix map and an edge probability of exactly 0 (the row is named).</exception>
    public ProbabilityMatrix Apply(ProbabilityMatrix edge)
    {
        ArgumentNullException.ThrowIfNull(edge);
        Check.SameClasses(Classes, edge.Classes, nameof(edge));
        if (IsIdentity)
        {
            return edge;
        }

        var log = new double[edge.Rows * Classes];
        for (int i = 0; i < edge.Rows; i++)
        {
            ApplyCore(edge.AsEdgeRow(i), log.AsSpan(i * Classes, Classes), i);
        }

        return ProbabilityMatrix.WrapLogProbabilities(log, Classes);
    }

    /// <summary>
    /// The map as one dense affine form on log-probabilities, <c>q = softmax(M l + c)</c>: <c>M = I / T</c> for a temperature,
    /// <c>diag(w)</c> for a vector map, <c>W</c> for a matrix map, <c>I</c> for the identity (the form an exporter writes).
    /// </summary>
    /// <param name="matrix">Receives <c>M</c>, <c>K x K</c> row-major.</param>
    /// <param name="offset">Receives <c>c</c>, <c>K</c> values.</param>
    public void AffineForm(Span<double> matrix, Span<double> offset)
    {
        int k = Classes;
        Check.DestinationLength(k * k, matrix.Length, nameof(matrix));
        Check.DestinationLength(k, offset.Length, nameof(offset));
        matrix.Clear();
        offset.Clear();
        switch (Shape)
        {
            case MapShape.Matrix:
                _weights.CopyTo(matrix);
                _bias.CopyTo(offset);
                break;
            case MapShape.Vector:
                for (int j = 0; j < k; j++)
                {
                    matrix[(j * k) + j] = _weights[j];
                }

                _bias.CopyTo(offset);
                break;
            default:
                for (int j = 0; j < k; j++)
                {
                    matrix[(j * k) + j] = 1.0 / Temperature;
                }

                break;
        }
    }

    /// <inheritdoc />
    public override string ToString() => Shape switch
    {
        MapShape.Identity => "identity",
        MapShape.Temperature => "temperature " + Temperature.ToString("R", CultureInfo.InvariantCulture),
        _ => $"{MapShapes.Name(Shape)} ({Classes} classes)",
    };

    /// <summary>The map of one row (<paramref name="row"/> names it in errors; -1 for a single row).</summary>
    internal void ApplyCore(EdgeRow edge, Span<double> logQ, int row)
    {
        int k = Classes;
        switch (Shape)
        {
            case MapShape.Identity:
                edge.LogProbabilities(logQ);
                return;
            case MapShape.Temperature:
                // Raw logits or log-probabilities: the temperature map is invariant to the row's constant.
                if (edge.IsLogits)
                {
                    edge.Values.CopyTo(logQ);
                }
                else
                {
                    edge.LogProbabilities(logQ);
                }

                for (int j = 0; j < k; j++)
                {
                    logQ[j] /= Temperature;
                }

                break;
            default:
                using (var lease = new ScratchLease())
                {
                    Span<double> l = k <= ScratchLease.StackDoubles ? stackalloc double[k] : lease.Rent(k);
                    edge.LogProbabilities(l);
                    for (int j = 0; j < k; j++)
                    {
                        if (double.IsNegativeInfinity(l[j]))
                        {
                            throw new ArgumentException($"{(row >= 0 ? $"edge row {row}" : "edge row")}, class {j}: probability 0 (log-probability -inf); the {MapShapes.Name(Shape)} map is defined on log-probabilities > -inf. Give the edge as logits, or probabilities without exact zeros.", nameof(edge));
                        }
                    }

                    if (Shape == MapShape.Vector)
                    {
                        for (int j = 0; j < k; j++)
                        {
                            logQ[j] = (_weights[j] * l[j]) + _bias[j];
                        }
                    }
                    else
                    {
                        for (int j = 0; j < k; j++)
                        {
                            var w = _weights.AsSpan(j * k, k);
                            double s = _bias[j];
                            for (int m = 0; m < k; m++)
                            {
                                s += w[m] * l[m];
                            }

                            logQ[j] = s;
                        }
                    }
                }

                break;
        }

        double lse = LogMath.LogSumExp(logQ);
        for (int j = 0; j < k; j++)
        {
            logQ[j] -= lse;
        }
    }

    private static CalibrationMap Affine(MapShape shape, int classes, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias, MapObjective? objective, int fitRows, double? regularization)
    {
        Check.SameLength(classes, bias.Length, nameof(bias));
        Check.Finite(weights, nameof(weights));
        Check.Finite(bias, nameof(bias));
        CheckFit(objective, fitRows);
        if (regularization is double r && !(r >= 0.0 && double.IsFinite(r)))
        {
            throw new ArgumentOutOfRangeException(nameof(regularization), r, "the regularization must be a finite number >= 0.");
        }

        return new CalibrationMap(shape, classes, 1.0, weights.ToArray(), bias.ToArray(), objective, fitRows, regularization);
    }

    private static void CheckFit(MapObjective? objective, int fitRows)
    {
        if (objective is not null ? fitRows < 1 : fitRows != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(fitRows), fitRows, objective is null ? "a map with given parameters has no fit rows (0)." : "a fitted map needs the number of rows it was fitted on (at least 1).");
        }
    }
}
