namespace CredalDistill.Credal;

/// <summary>
/// A closed convex set of distributions over <c>K</c> classes (a credal set) and the summaries CD-CI derives from it.
/// Implementations: <see cref="DivergenceBall"/> (exact, O(K)) and <see cref="GridCredalSet"/> (the paper's grid
/// enumeration, three classes, for reference and comparison).
/// </summary>
public interface ICredalSet
{
    /// <summary>Number of classes <c>K</c>.</summary>
    int Classes { get; }

    /// <summary>True when <paramref name="q"/> belongs to the set (within the implementation's documented tolerance).</summary>
    bool Contains(ReadOnlySpan<double> q);

    /// <summary>Per-class lower and upper probabilities <c>min_q q_k</c>, <c>max_q q_k</c>.</summary>
    void Bounds(Span<double> lower, Span<double> upper);

    /// <summary>The intersection probability of the bounds (<see cref="Credal.IntersectionProbability"/>).</summary>
    void IntersectionProbability(Span<double> destination);

    /// <summary>The member of largest Shannon entropy.</summary>
    void MaximumEntropy(Span<double> destination);

    /// <summary>The centroid under the uniform measure; returns the largest component standard error (0 when exact).</summary>
    double Centroid(Span<double> destination, Span<double> standardError);

    /// <summary>The fraction of the simplex's volume inside the set.</summary>
    Estimate VolumeFraction();

    /// <summary>Labels kept by interval dominance: <c>upper_k &gt;= max_j lower_j</c>.</summary>
    void IntervalDominance(Span<bool> members);

    /// <summary>Labels not dominated by another: no <c>j</c> with <c>min_q (q_j - q_k) &gt; 0</c>.</summary>
    void Maximality(Span<bool> members);
}
