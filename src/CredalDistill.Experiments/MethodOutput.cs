namespace CredalDistill.Experiments;

/// <summary>What a credal row reports: an extracted point distribution, or (maximality) label sets only.</summary>
public enum MethodOutput
{
    /// <summary>Intersection probability (IP).</summary>
    Intersection,

    /// <summary>The maximum-entropy member.</summary>
    MaximumEntropy,

    /// <summary>The centroid.</summary>
    Centroid,

    /// <summary>Label sets by maximality (no point output).</summary>
    Maximality,
}
