using CredalDistill.Validation;

namespace CredalDistill.Conformal;

/// <summary>
/// Exact k-th smallest score of a stream that can be read more than once (files, shards, a database scan), in memory
/// independent of n: the CD-CI threshold <c>gamma = s_(k)</c>, <c>k = ceil((n + 1)(1 - eps))</c>, for calibration
/// sets too large to hold (10^9 scores are 8 GB). Radix selection on the order-preserving 64-bit key of each
/// double: a histogram pass over the next 16 key bits finds the bucket holding rank k and the number of scores
/// below it; once the bucket holds at most <c>maxCandidates</c> scores, a last pass collects and sorts them.
/// Usually two passes (histogram, then the exact pass inside one bucket); at most five. The result equals
/// <see cref="SplitConformal.Threshold"/> on the concatenated scores.
/// </summary>
/// <example>
/// <code>
/// // Each call of the delegate starts a new pass over all shards, chunk by chunk.
/// double gamma = ScoreSelection.Threshold(() => shards.SelectMany(ReadScoreChunks), epsilon: 0.1);
/// </code>
/// </example>
public static class ScoreSelection
{
    /// <summary>Default number of scores the final exact pass may hold (2^20 = 8 MB).</summary>
    public const int DefaultMaxCandidates = 1 << 20;

    private const int DigitBits = 16;

    /// <summary>
    /// The conformal threshold of the streamed scores: <c>s_(k)</c> with <c>k = ceil((n + 1)(1 - eps))</c>, or
    /// +infinity when <c>k &gt; n</c>.
    /// </summary>
    /// <param name="readPass">Starts a new pass: every score once, in chunks, in any order (it is called 2 to 5 times).</param>
    /// <param name="epsilon">Miscoverage in (0, 1).</param>
    /// <param name="maxCandidates">Scores the final exact pass may hold.</param>
    /// <exception cref="ArgumentException">No scores, NaN or -infinity.</exception>
    public static double Threshold(Func<IEnumerable<ReadOnlyMemory<double>>> readPass, double epsilon, int maxCandidates = DefaultMaxCandidates)
    {
        Check.Epsilon(epsilon, nameof(epsilon));
        return Select(readPass, n => SplitConformal.RankCore(n, epsilon), maxCandidates);
    }

    /// <summary>The k-th smallest (1-based) of the streamed scores, or +infinity when <c>k</c> exceeds their number.</summary>
    /// <param name="readPass">Starts a new pass over every score, in chunks.</param>
    /// <param name="k">The rank, at least 1.</param>
    /// <param name="maxCandidates">Scores the final exact pass may hold.</param>
    public static double KthSmallest(Func<IEnumerable<ReadOnlyMemory<double>>> readPass, long k, int maxCandidates = DefaultMaxCandidates)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        return Select(readPass, _ => k, maxCandidates);
    }

    /// <summary>Order-preserving key: <c>a &lt; b</c> as doubles iff <c>Key(a) &lt; Key(b)</c> (-0 and +0 share a key).</summary>
    internal static ulong Key(double value)
    {
        ulong bits = (ulong)BitConverter.DoubleToInt64Bits(value == 0.0 ? 0.0 : value);
        return (bits & 0x8000_0000_0000_0000UL) != 0 ? ~bits : bits | 0x8000_0000_0000_0000UL;
    }

    private static double Select(Func<IEnumerable<ReadOnlyMemory<double>>> readPass, Func<long, long> rank, int maxCandidates)
    {
        ArgumentNullException.ThrowIfNull(readPass);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCandidates);
        var counts = new long[1 << DigitBits];
        int known = 0;
        ulong prefix = 0;
        long below = 0;
        long k = 0;
        long inBucket = 0;
        bool first = true;
        while (known < 64 && (first || inBucket > maxCandidates))
        {
            Array.Clear(counts);
            int shift = 64 - known - DigitBits;
            long n = 0;
            foreach (var chunk in readPass())
            {
                foreach (double s in chunk.Span)
                {
                    if (first)
                    {
                        if (double.IsNaN(s) || double.IsNegativeInfinity(s))
                        {
                            throw new ArgumentException($"score {n + 1}: {s} is not allowed (NaN and -infinity are rejected; +infinity is allowed).", nameof(readPass));
                        }

                        n++;
                    }

                    ulong key = Key(s);
                    if (known == 0 || key >> (64 - known) == prefix)
                    {
                        counts[(int)((key >> shift) & 0xFFFF)]++;
                    }
                }
            }

            if (first)
            {
                if (n == 0)
                {
                    throw new ArgumentException("the score stream is empty.", nameof(readPass));
                }

                k = rank(n);
                if (k > n)
                {
                    return double.PositiveInfinity;
                }

                first = false;
            }

            int digit = 0;
            while (below + counts[digit] < k)
            {
                below += counts[digit];
                digit++;
            }

            prefix = (prefix << DigitBits) | (uint)digit;
            known += DigitBits;
            inBucket = counts[digit];
        }

        if (known == 64)
        {
            return FromKey(prefix);
        }

        var candidates = new List<double>((int)inBucket);
        foreach (var chunk in readPass())
        {
            foreach (double s in chunk.Span)
            {
                if (Key(s) >> (64 - known) == prefix)
                {
                    candidates.Add(s);
                }
            }
        }

        if (candidates.Count != inBucket)
        {
            throw new InvalidOperationException($"the score stream changed between passes ({candidates.Count} scores in the selected bucket, {inBucket} before).");
        }

        candidates.Sort();
        return candidates[(int)(k - below - 1)];
    }

    private static double FromKey(ulong key)
    {
        ulong bits = (key & 0x8000_0000_0000_0000UL) != 0 ? key & 0x7FFF_FFFF_FFFF_FFFFUL : ~key;
        return BitConverter.Int64BitsToDouble((long)bits);
    }
}
