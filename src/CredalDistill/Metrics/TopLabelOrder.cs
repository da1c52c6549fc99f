namespace CredalDistill.Metrics;

/// <summary>
/// Rows sorted by top-1 confidence ascending, ties in row order (a stable sort): the sorted confidences and
/// correctness, and <see cref="Order"/>, the row behind each sorted position (internal; shared by the sorted metrics
/// and the bootstrap).
/// </summary>
internal sealed class TopLabelOrder
{
    private TopLabelOrder(double[] confidence, bool[] correct, int[] order)
    {
        Confidence = confidence;
        Correct = correct;
        Order = order;
    }

    /// <summary>Sorted confidences <c>c_(1) &lt;= ... &lt;= c_(n)</c>.</summary>
    public double[] Confidence { get; }

    /// <summary>Correctness of the row at each sorted position.</summary>
    public bool[] Correct { get; }

    /// <summary>Row index at each sorted position.</summary>
    public int[] Order { get; }

    /// <summary>Sorts rows given by their confidence and correctness.</summary>
    public static TopLabelOrder Of(ReadOnlySpan<double> confidence, ReadOnlySpan<bool> correct)
    {
        var order = Binning.StableOrder(confidence, out var keys);
        var sortedCorrect = new bool[order.Length];
        for (int j = 0; j < order.Length; j++)
        {
            sortedCorrect[j] = correct[order[j]];
        }

        return new TopLabelOrder(keys, sortedCorrect, order);
    }
}
