namespace CredalDistill.Credal;

/// <summary>Settings of <see cref="CredalPredictor"/>'s batch methods.</summary>
public sealed record CredalPredictorOptions
{
    /// <summary>Rows processed in parallel; -1 (default) uses every core, 1 runs on the calling thread only.</summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;

    /// <summary>Monte Carlo settings for centroid and volume above three classes; each row uses its index as the stream.</summary>
    public MonteCarloOptions MonteCarlo { get; init; } = MonteCarloOptions.Default;
}
