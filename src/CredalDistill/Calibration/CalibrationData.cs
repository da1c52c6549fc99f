using CredalDistill.Validation;

namespace CredalDistill.Calibration;

/// <summary>
/// The calibration set every <see cref="Calibrator"/> fits on: the cloud's and the edge's outputs on the same <c>n</c> inputs,
/// optionally their labels and the edge's last-layer features. Checked once, here, for every calibrator: same rows and classes,
/// labels one per row in <c>[0, K)</c>, features one row per input with a last layer of <c>K</c> outputs.
/// </summary>
public sealed class CalibrationData
{
    /// <summary>Creates the calibration set (see the class remarks for the checks).</summary>
    /// <param name="cloud">Cloud outputs <c>p*(.|x_i)</c>, <c>n x K</c>, <c>n &gt;= 1</c>.</param>
    /// <param name="edge">Edge outputs on the same inputs; built from logits it keeps the log-probabilities (<see cref="ProbabilityMatrix.FromLogits(ReadOnlySpan{double}, int, string, double)"/>).</param>
    /// <param name="labels">True labels, one per row, or empty for none.</param>
    /// <param name="features">Last-layer features (for Laplace), or null.</param>
    public CalibrationData(ProbabilityMatrix cloud, ProbabilityMatrix edge, ReadOnlyMemory<int> labels = default, LastLayerFeatures? features = null)
    {
        ArgumentNullException.ThrowIfNull(cloud);
        ArgumentNullException.ThrowIfNull(edge);
        Check.NotEmpty(edge.Rows, nameof(edge), "calibration rows");
        Check.SameRows(cloud.Rows, edge.Rows, nameof(edge));
        Check.SameClasses(cloud.Classes, edge.Classes, nameof(edge));
        if (!labels.IsEmpty)
        {
            Check.SameRows(edge.Rows, labels.Length, nameof(labels));
            Check.Labels(labels.Span, edge.Classes, nameof(labels));
        }

        if (features is not null)
        {
            Check.SameRows(edge.Rows, features.Rows, nameof(features));
            Check.SameClasses(edge.Classes, features.Classes, nameof(features));
        }

        Cloud = cloud;
        Edge = edge;
        Labels = labels;
        Features = features;
    }

    /// <summary>Cloud outputs on the calibration inputs.</summary>
    public ProbabilityMatrix Cloud { get; }

    /// <summary>Edge outputs on the same inputs.</summary>
    public ProbabilityMatrix Edge { get; }

    /// <summary>True labels, or empty.</summary>
    public ReadOnlyMemory<int> Labels { get; }

    /// <summary>True when labels were given.</summary>
    public bool HasLabels => !Labels.IsEmpty;

    /// <summary>Last-layer features, or null.</summary>
    public LastLayerFeatures? Features { get; }

    /// <summary>Number of calibration rows <c>n</c>.</summary>
    public int Rows => Edge.Rows;

    /// <summary>Number of classes <c>K</c>.</summary>
    public int Classes => Edge.Classes;

    /// <summary>The rows <paramref name="rows"/> of every part (cloud, edge, labels, features), in that order.</summary>
    internal CalibrationData Select(ReadOnlySpan<int> rows)
    {
        var labels = Labels.IsEmpty ? null : new int[rows.Length];
        double[]? features = Features is null ? null : new double[rows.Length * Features.Dimension];
        for (int i = 0; i < rows.Length; i++)
        {
            if (labels is not null)
            {
                labels[i] = Labels.Span[rows[i]];
            }

            if (features is not null)
            {
                int d = Features!.Dimension;
                Features.Values.Span.Slice(rows[i] * d, d).CopyTo(features.AsSpan(i * d, d));
            }
        }

        var selected = Features is null ? null : new LastLayerFeatures(features, Features.Dimension, Features.Weights, Features.Bias);
        return new CalibrationData(Cloud.Select(rows), Edge.Select(rows), labels, selected);
    }

    /// <summary>Throws when the set has fewer than <paramref name="minimum"/> rows, naming the calibrator.</summary>
    internal void RequireRows(int minimum, string calibrator, string why)
    {
        if (Rows < minimum)
        {
            throw new ArgumentException($"{calibrator} needs at least {minimum} calibration rows ({why}); got {Rows}.", "data");
        }
    }
}
