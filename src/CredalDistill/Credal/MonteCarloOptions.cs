namespace CredalDistill.Credal;

/// <summary>
/// Settings of the seeded Monte Carlo estimators used for <c>K &gt; 3</c> (centroid and volume fraction).
/// <c>new MonteCarloOptions()</c> is <see cref="Default"/>; set only what differs, e.g.
/// <c>new MonteCarloOptions { Samples = 20_000 }</c>. Every property is checked when it is set.
/// </summary>
public sealed record MonteCarloOptions
{
    /// <summary>The defaults: 2,000 samples, 200 burn-in steps, seed 20250110, stream 0.</summary>
    public static MonteCarloOptions Default { get; } = new();

    /// <summary>Number of retained samples (hit-and-run steps, or uniform simplex draws for the volume); at least 20
    /// (standard errors come from 10 batch means). Default 2,000.</summary>
    public int Samples
    {
        get;
        init => field = value >= 20
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Samples), value, "Monte Carlo needs at least 20 samples (standard errors come from batch means).");
    } = 2000;

    /// <summary>Hit-and-run steps discarded before sampling starts; at least 0. Default 200.</summary>
    public int BurnIn
    {
        get;
        init => field = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(BurnIn), value, "BurnIn must be >= 0.");
    } = 200;

    /// <summary>Seed; combined with <see cref="Stream"/> (e.g. the row index) so results are reproducible per input. Default 20250110.</summary>
    public ulong Seed { get; init; } = 20250110;

    /// <summary>Stream index mixed into the seed. Default 0.</summary>
    public ulong Stream { get; init; }
}
