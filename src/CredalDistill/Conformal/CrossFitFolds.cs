using CredalDistill.Numerics;

namespace CredalDistill.Conformal;

/// <summary>
/// The seeded folds of every label-free cross-fitted selection: a SplitMix64 permutation of <c>0..n-1</c> cut into
/// <c>F</c> contiguous blocks; block <c>f</c> (positions <c>[f n / F, (f + 1) n / F)</c>) is held out and the other positions
/// are fitted on. The folds depend only on <c>n</c>, <c>F</c> and the seed, so scores of different candidates are paired.
/// </summary>
internal static class CrossFitFolds
{
    /// <summary>The <paramref name="folds"/> (fit, held-out) index pairs; <paramref name="folds"/> must lie in <c>[2, n/2]</c>.</summary>
    public static (int[] Fit, int[] Held)[] Make(int n, int folds, ulong seed)
    {
        if (folds < 2 || folds > n / 2)
        {
            throw new ArgumentOutOfRangeException(nameof(folds), folds, $"folds must be in [2, n/2] for n = {n}.");
        }

        var order = new int[n];
        new SplitMix64(seed).Permutation(order);
        var result = new (int[] Fit, int[] Held)[folds];
        for (int f = 0; f < folds; f++)
        {
            int start = f * n / folds;
            int end = (f + 1) * n / folds;
            result[f] = ([.. order.AsSpan(0, start), .. order.AsSpan(end)], order.AsSpan(start, end - start).ToArray());
        }

        return result;
    }
}
