namespace CredalDistill.Credal;

/// <summary>
/// What <see cref="CredalPredictor.Describe"/> computes for every row in one pass: the exact bounds, the intersection
/// probability derived from them, and the label set.
/// </summary>
public sealed class CredalRows
{
    internal CredalRows(IntervalMatrix bounds, ProbabilityMatrix intersection, bool[] labelSets, LabelSetRule rule)
    {
        Bounds = bounds;
        Intersection = intersection;
        LabelSets = labelSets;
        Rule = rule;
    }

    /// <summary>Lower and upper probabilities, <c>n x K</c>.</summary>
    public IntervalMatrix Bounds { get; }

    /// <summary>The intersection probability of each row's bounds.</summary>
    public ProbabilityMatrix Intersection { get; }

    /// <summary>Row-major <c>n x K</c> label-set membership flags.</summary>
    public bool[] LabelSets { get; }

    /// <summary>The label-set rule used.</summary>
    public LabelSetRule Rule { get; }

    /// <summary>Number of labels in row <paramref name="i"/>'s set.</summary>
    public int SetSize(int i)
    {
        int k = Bounds.Classes;
        return LabelSets.AsSpan(i * k, k).Count(true);
    }

    /// <summary>True when row <paramref name="i"/>'s set contains <paramref name="label"/>.</summary>
    public bool Contains(int i, int label) => LabelSets[(i * Bounds.Classes) + label];
}
