namespace CredalDistill.Metrics;

/// <summary>
/// What a <see cref="MetricAccumulator"/> keeps of each row it is given. Accuracy, NLL, Brier score and equal-width ECE
/// are sums and need nothing kept; the debiased ECE and the KS calibration error sort the rows by confidence, and the
/// bootstrap resamples rows, so those need per-row values and their memory grows with the number of rows.
/// </summary>
public enum RowRetention
{
    /// <summary>Nothing: constant memory; <see cref="MetricAccumulator.EceDebiased"/> and <see cref="MetricAccumulator.KsError"/> are unavailable.</summary>
    None = 0,

    /// <summary>Each row's top-1 confidence and correctness, 9 bytes a row (plus 4 bytes a row while sorting): enough for every metric.</summary>
    Confidence = 1,

    /// <summary>Also each row's NLL and Brier terms, 25 bytes a row: what <see cref="CalibrationBootstrap"/> resamples.</summary>
    Bootstrap = 2,
}
