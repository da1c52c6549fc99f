namespace CredalDistill.Numerics;

/// <summary>
/// SplitMix64 pseudo-random generator (Steele, Lea and Flood 2014): a value type, so seeded Monte Carlo in hot paths
/// allocates nothing and is reproducible across platforms and thread schedules.
/// </summary>
internal struct SplitMix64
{
    private ulong _state;
    private double _spare;
    private bool _hasSpare;

    /// <summary>Creates a generator from a seed and a stream index (e.g. the row), mixed so nearby seeds decorrelate.</summary>
    public SplitMix64(ulong seed, ulong stream = 0)
    {
        _state = seed ^ (0x9E3779B97F4A7C15UL * (stream + 1));
        _spare = 0.0;
        _hasSpare = false;
        NextUInt64();
    }

    /// <summary>
    /// A generator for stream <paramref name="stream"/> of <paramref name="seed"/> that starts at a hashed state. The
    /// constructor's streams start at <c>seed ^ (G (stream + 1))</c> and step by <c>G</c>, so two streams can be the same
    /// sequence shifted by a few draws (always for seed 0); these start at unrelated points of the 2^64 cycle, which
    /// matters when many long streams are drawn with the same modulus (bootstrap replicates).
    /// </summary>
    public static SplitMix64 Hashed(ulong seed, ulong stream) => new(Mix(Mix(seed ^ 0x5851F42D4C957F2DUL) + (stream * 0x9E3779B97F4A7C15UL)));

    /// <summary>Next 64 random bits.</summary>
    public ulong NextUInt64() => Mix(_state += 0x9E3779B97F4A7C15UL);

    /// <summary>The SplitMix64 output function (a bijection of 64-bit words with full avalanche).</summary>
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / 9007199254740992.0);

    /// <summary>Uniform double in (0, 1].</summary>
    public double NextOpenDouble() => ((NextUInt64() >> 11) + 1.0) * (1.0 / 9007199254740992.0);

    /// <summary>Standard normal deviate (Box-Muller, pairs cached).</summary>
    public double NextGaussian()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return _spare;
        }

        double r = Math.Sqrt(-2.0 * Math.Log(NextOpenDouble()));
        double theta = 2.0 * Math.PI * NextDouble();
        _spare = r * Math.Sin(theta);
        _hasSpare = true;
        return r * Math.Cos(theta);
    }

    /// <summary>Fills <paramref name="destination"/> with a uniformly random permutation of <c>0..n-1</c> (Fisher-Yates).</summary>
    public void Permutation(Span<int> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = i;
        }

        for (int i = destination.Length - 1; i > 0; i--)
        {
            int j = (int)(NextUInt64() % (ulong)(i + 1));
            (destination[i], destination[j]) = (destination[j], destination[i]);
        }
    }

    /// <summary>Standard exponential deviate.</summary>
    public double NextExponential() => -Math.Log(NextOpenDouble());
}
