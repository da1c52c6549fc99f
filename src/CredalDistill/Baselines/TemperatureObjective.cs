namespace CredalDistill.Baselines;

/// <summary>What a <see cref="TemperatureScaling"/> temperature was chosen to minimise.</summary>
public enum TemperatureObjective
{
    /// <summary>Given directly by the caller (nothing was fitted).</summary>
    Given = 0,

    /// <summary>
    /// The paper's grid search: <c>T in {i / 10 : i = 1..40}</c> minimising the 15-bin top-1 ECE
    /// <c>sum_b (n_b / n) |acc_b - conf_b|</c>; ties go to the smallest <c>T</c>.
    /// </summary>
    ExpectedCalibrationError = 1,

    /// <summary>
    /// The NLL-optimal temperature, <c>argmin_T (1/n) sum_i [logsumexp(z_i / T) - z_{i,y_i} / T]</c> over
    /// <c>T in [0.01, 100]</c>, found exactly (convex in <c>u = 1/T</c>).
    /// </summary>
    NegativeLogLikelihood = 2,
}
