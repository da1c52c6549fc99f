namespace CredalDistill.Credal;

/// <summary>Settings of the seeded Monte Carlo estimators used for <c>K &gt; 3</c> (centroid and volume fraction).</summary>
/// <param name="Samples">Number of retained samples (hit-and-run steps, or uniform simplex draws for the volume).</param>
/// <param name="BurnIn">Hit-and-run steps discarded before sampling starts.</param>
/// <param name="Seed">Seed; combined with <c>Stream</c> (e.g. the row index) so results are reproducible per input.</param>
/// <param name="Stream">Stream index mixed into the seed.</param>
public readonly record struct MonteCarloOptions(int Samples = 2000, int BurnIn = 200, ulong Seed = 20250110, ulong Stream = 0)
{
    /// <summary>Defaults: 2,000 samples, 200 burn-in steps, seed 20250110.</summary>
    public static MonteCarloOptions Default => new(2000, 200, 20250110, 0);

    internal void Validate()
    {
        if (Samples < 20)
        {
            throw new ArgumentOutOfRangeException(nameof(Samples), Samples, "Monte Carlo needs at least 20 samples (standard errors use 20 batch means).");
        }

        if (BurnIn < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(BurnIn), BurnIn, "BurnIn must be >= 0.");
        }
    }
}
