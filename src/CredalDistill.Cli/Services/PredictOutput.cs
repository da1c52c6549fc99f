namespace CredalDistill.Cli.Services;

/// <summary>What <c>credal predict --output</c> writes.</summary>
public enum PredictOutput
{
    /// <summary><c>tempered</c>: the tempered edge <c>softmax(z / T)</c>, columns <c>p_k</c> (the edge itself when the artifact does not temper).</summary>
    Tempered,

    /// <summary><c>intersection</c>: the intersection probability, columns <c>p_0..p_{K-1}</c>.</summary>
    Intersection,

    /// <summary><c>maxent</c>: the maximum-entropy member, columns <c>p_k</c>.</summary>
    MaximumEntropy,

    /// <summary><c>centroid</c>: the centroid (credal average), columns <c>p_k</c>.</summary>
    Centroid,

    /// <summary><c>bounds</c>: columns <c>lower_0..lower_{K-1}</c> then <c>upper_0..upper_{K-1}</c>.</summary>
    Bounds,

    /// <summary><c>labels</c>: one text column <c>set</c>, labels joined by <c>|</c> (CSV only).</summary>
    Labels,

    /// <summary><c>all</c>: <c>lower_k</c>, <c>upper_k</c>, <c>ip_k</c>, <c>maxent_k</c> and <c>set</c> (CSV only).</summary>
    All,
}
