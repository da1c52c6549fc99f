using CredalDistill.Validation;

namespace CredalDistill.Calibration;

/// <summary>
/// The edge's penultimate-layer features on the calibration inputs and its last (linear) layer, <c>z = W f + b</c>: what
/// <see cref="LaplaceCalibrator"/> needs.
/// </summary>
public sealed class LastLayerFeatures
{
    /// <summary>Creates the features; checked here (finite, whole rows, <c>W</c> is <c>K x d</c>, <c>b</c> has <c>K</c> entries).</summary>
    /// <param name="values">Row-major features, <c>n x d</c>.</param>
    /// <param name="dimension">Feature dimension <c>d &gt;= 1</c>.</param>
    /// <param name="weights">Row-major last-layer weights, <c>K x d</c>.</param>
    /// <param name="bias">Last-layer bias, <c>K</c> entries.</param>
    public LastLayerFeatures(ReadOnlyMemory<double> values, int dimension, ReadOnlyMemory<double> weights, ReadOnlyMemory<double> bias)
    {
        Check.Positive(dimension, nameof(dimension));
        Rows = Check.MatrixRows(values.Length, dimension, nameof(values), "dimension");
        Check.FiniteRows(values.Span, dimension, nameof(values));
        Check.Classes(bias.Length, nameof(bias));
        Check.SameLength(bias.Length * dimension, weights.Length, nameof(weights));
        Check.Finite(weights.Span, nameof(weights));
        Check.Finite(bias.Span, nameof(bias));
        Values = values;
        Dimension = dimension;
        Weights = weights;
        Bias = bias;
    }

    /// <summary>Row-major features, <c>n x d</c>.</summary>
    public ReadOnlyMemory<double> Values { get; }

    /// <summary>Feature dimension <c>d</c>.</summary>
    public int Dimension { get; }

    /// <summary>Number of rows <c>n</c>.</summary>
    public int Rows { get; }

    /// <summary>Row-major last-layer weights, <c>K x d</c>.</summary>
    public ReadOnlyMemory<double> Weights { get; }

    /// <summary>Last-layer bias, <c>K</c> entries.</summary>
    public ReadOnlyMemory<double> Bias { get; }

    /// <summary>Number of classes <c>K</c> of the last layer.</summary>
    public int Classes => Bias.Length;
}
