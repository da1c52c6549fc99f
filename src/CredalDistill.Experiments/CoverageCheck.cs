namespace CredalDistill.Experiments;

/// <summary>
/// The guarantee-at-scale result of one (task, divergence, eps) cell of <see cref="GuaranteeAtScale"/>.
/// </summary>
/// <param name="Task">Task name.</param>
/// <param name="Divergence">Score divergence.</param>
/// <param name="Epsilon">Miscoverage eps.</param>
/// <param name="Splits">Number of random calibration/test splits.</param>
/// <param name="CalibrationSize">Calibration size n.</param>
/// <param name="TestSize">Test size m (the rest of the pool).</param>
/// <param name="Rank">Conformal rank <c>k = ceil((n + 1)(1 - eps))</c>.</param>
/// <param name="MeanCoverage">Mean over splits of the test coverage <c>#{D(cloud || edge) &lt;= gamma} / m</c>.</param>
/// <param name="StdCoverage">Standard deviation of the coverage over splits.</param>
/// <param name="ExpectedStd">Standard deviation of the exact reference distribution.</param>
/// <param name="BetaStd">Standard deviation of Beta(k, n + 1 - k), the infinite-test-set law.</param>
/// <param name="MeanWithinBand">True when the mean lies in <c>[1 - eps, 1 - eps + 1/(n + 1)]</c> widened by 3 Monte Carlo standard errors.</param>
/// <param name="KsStatistic">Kolmogorov-Smirnov distance between the per-split coverages and the reference distribution.</param>
/// <param name="KsPValue">Asymptotic KS p-value (conservative for this discrete reference).</param>
/// <param name="TiedScores">Pool scores equal to another pool score (the reference assumes distinct scores).</param>
public sealed record CoverageCheck(
    string Task,
    string Divergence,
    double Epsilon,
    int Splits,
    int CalibrationSize,
    int TestSize,
    long Rank,
    double MeanCoverage,
    double StdCoverage,
    double ExpectedStd,
    double BetaStd,
    bool MeanWithinBand,
    double KsStatistic,
    double KsPValue,
    int TiedScores)
{
    /// <summary>Monte Carlo standard error of <see cref="MeanCoverage"/>.</summary>
    public double StandardError => StdCoverage / Math.Sqrt(Splits);

    /// <summary>The guarantee band's lower end <c>1 - eps</c>.</summary>
    public double Lower => 1.0 - Epsilon;

    /// <summary>The guarantee band's upper end <c>1 - eps + 1/(n + 1)</c>.</summary>
    public double Upper => 1.0 - Epsilon + (1.0 / (CalibrationSize + 1));
}
