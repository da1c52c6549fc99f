namespace CredalDistill.Calibration;

/// <summary>The point distribution a fitted calibrator returns for each edge output.</summary>
public enum CalibratedOutput
{
    /// <summary><c>tempered</c>: the tempered edge <c>softmax(z / T)</c> itself (temperature scaling).</summary>
    Tempered,

    /// <summary><c>intersection</c>: the intersection probability of the credal set's bounds.</summary>
    Intersection,

    /// <summary><c>maxent</c>: the maximum-entropy member of the credal set.</summary>
    MaximumEntropy,

    /// <summary><c>centroid</c>: the centroid of the credal set.</summary>
    Centroid,
}
