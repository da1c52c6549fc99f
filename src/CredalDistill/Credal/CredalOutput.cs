namespace CredalDistill.Credal;

/// <summary>The single distribution extracted from each credal set (METHOD.md section 3.2).</summary>
public enum CredalOutput
{
    /// <summary>Cuzzolin's intersection probability of the exact bounds (the paper's headline choice).</summary>
    Intersection,

    /// <summary>The maximum-entropy member.</summary>
    MaximumEntropy,

    /// <summary>The centroid under the uniform measure (the paper's "credal average").</summary>
    Centroid,
}
