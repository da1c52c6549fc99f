namespace CredalDistill.Calibration;

/// <summary>
/// What a fitted calibration writes for each edge output: the map's point distribution, a distribution extracted from the
/// credal set, the set's bounds or its label set. The one output kind of the library, the CLI (<c>predict --output</c>),
/// the artifact (<c>output</c>) and the ONNX export; names and properties in <see cref="CalibratedOutputNames"/>.
/// </summary>
public enum CalibratedOutput
{
    /// <summary><c>calibrated</c> (alias <c>tempered</c>): the calibration map's output <c>q = softmax(A log p + b)</c>, the centre of the credal set; the edge itself when there is no map.</summary>
    Calibrated,

    /// <summary><c>intersection</c>: Cuzzolin's intersection probability of the credal set's exact bounds (the paper's headline choice).</summary>
    Intersection,

    /// <summary><c>maxent</c>: the maximum-entropy member of the credal set.</summary>
    MaximumEntropy,

    /// <summary><c>centroid</c>: the centroid of the credal set under the uniform measure (the paper's "credal average").</summary>
    Centroid,

    /// <summary><c>bounds</c>: the lower and upper probability of every class.</summary>
    Bounds,

    /// <summary><c>labels</c>: the label set (interval dominance or maximality).</summary>
    LabelSet,

    /// <summary><c>all</c>: bounds, intersection probability, maximum-entropy member and label set together (text tables only).</summary>
    All,
}
