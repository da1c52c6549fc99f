using CredalDistill.Validation;

namespace CredalDistill.Metrics;

/// <summary>Validation and per-sample extraction shared by the metrics (internal).</summary>
internal static class MetricInput
{
    /// <summary>Validates a matrix and its labels (non-empty, one label per row, labels in [0, K)).</summary>
    public static void Validate(ProbabilityMatrix probabilities, ReadOnlySpan<int> labels)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        Check.NotEmpty(probabilities.Rows, nameof(probabilities));
        Check.SameRows(probabilities.Rows, labels.Length, nameof(labels));
        Check.Labels(labels, probabilities.Classes, nameof(labels));
    }

    /// <summary>Validates row-major probabilities and their labels; returns the row count.</summary>
    public static int Validate(ReadOnlySpan<double> probabilities, int classes, ReadOnlySpan<int> labels)
    {
        int rows = Check.ProbabilityRows(probabilities, classes, nameof(probabilities));
        Check.NotEmpty(rows, nameof(probabilities));
        Check.SameRows(rows, labels.Length, nameof(labels));
        Check.Labels(labels, classes, nameof(labels));
        return rows;
    }

    /// <summary>Validates top-label inputs: at least one confidence, each finite in [0, 1], one correctness flag per confidence.</summary>
    public static void TopLabel(ReadOnlySpan<double> confidences, ReadOnlySpan<bool> correct)
    {
        Check.NotEmpty(confidences.Length, nameof(confidences));
        Check.SameRows(confidences.Length, correct.Length, nameof(correct));
        for (int i = 0; i < confidences.Length; i++)
        {
            if (!(confidences[i] >= 0.0 && confidences[i] <= 1.0))
            {
                throw new ArgumentOutOfRangeException(nameof(confidences), confidences[i], $"confidence {i} is not in [0, 1].");
            }
        }
    }

    /// <summary>Validates the bin count (positive).</summary>
    public static void Bins(int bins) => Check.Positive(bins, nameof(bins));

    /// <summary>Index of the largest entry (first on ties).</summary>
    public static int ArgMax(ReadOnlySpan<double> row)
    {
        int best = 0;
        for (int k = 1; k < row.Length; k++)
        {
            if (row[k] > row[best])
            {
                best = k;
            }
        }

        return best;
    }

    /// <summary>Top-1 confidence <c>max_k p_ik</c> and correctness <c>1[argmax_k p_ik = y_i]</c> of every row.</summary>
    public static void TopLabel(ReadOnlySpan<double> data, int classes, ReadOnlySpan<int> labels, out double[] confidence, out bool[] correct)
    {
        int rows = labels.Length;
        confidence = new double[rows];
        correct = new bool[rows];
        for (int i = 0; i < rows; i++)
        {
            var row = data.Slice(i * classes, classes);
            int top = ArgMax(row);
            confidence[i] = row[top];
            correct[i] = top == labels[i];
        }
    }

    /// <summary>Top-1 confidence <c>max_k p_ik</c> and correctness <c>1[argmax_k p_ik = y_i]</c> of every row (correctness as 0 or 1).</summary>
    public static void TopOne(ReadOnlySpan<double> data, int classes, ReadOnlySpan<int> labels, out double[] confidence, out double[] correct)
    {
        TopLabel(data, classes, labels, out confidence, out var hits);
        correct = new double[hits.Length];
        for (int i = 0; i < hits.Length; i++)
        {
            correct[i] = hits[i] ? 1.0 : 0.0;
        }
    }
}
