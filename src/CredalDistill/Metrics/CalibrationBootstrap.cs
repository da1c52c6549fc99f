using CredalDistill.Numerics;
using CredalDistill.Validation;

namespace CredalDistill.Metrics;

/// <summary>
/// Paired nonparametric bootstrap of the labelled metrics (<see cref="CalibrationMetric"/>) of several methods evaluated
/// on the same test rows. Replicate <c>r</c> draws <c>n</c> rows uniformly with replacement (one SplitMix64 stream started
/// at a hash of <c>(Seed, r)</c>, so the draws do not depend on the thread count or schedule) and computes every metric of every
/// method on those same rows; percentile intervals (<see cref="BootstrapInterval"/>) summarise each metric, and
/// replicate-wise differences <c>method - baseline</c> summarise paired comparisons.
/// </summary>
/// <remarks>
/// <para>
/// A replicate is a multiset of rows, held as a multiplicity per row, never as copied rows. The resampled data set is
/// those rows listed in row order with their multiplicities, so after the stable sort by confidence a row's duplicates
/// are adjacent and ties between rows follow the row index, as in the point estimates. Each method's rows are sorted by
/// confidence once; a replicate walks that order with the multiplicities as weights, so equal-mass bins follow the
/// definition exactly: bin <c>b</c> holds positions <c>floor(b n / B) .. floor((b + 1) n / B) - 1</c> of the resampled
/// sorted list, a run of duplicates being split between bins where it crosses a boundary.
/// </para>
/// <para>
/// Cost per replicate: <c>n</c> random draws, then for each method one pass over its rows in confidence order (the
/// equal-width bins are runs of that order too), about 30 bytes read a row: <c>O(n)</c> per method and no sort.
/// Replicates run in parallel.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// var a = new MetricAccumulator(k, retention: RowRetention.Bootstrap); a.Add(methodA, labels);
/// var b = new MetricAccumulator(k, retention: RowRetention.Bootstrap); b.Add(methodB, labels);
/// var result = new CalibrationBootstrap { Replicates = 2000, Seed = 1 }.Run([a, b]);
/// var diff = result.DifferenceInterval(baseline: 0, method: 1, CalibrationMetric.EceDebiased); // B minus A
/// bool distinguishable = diff.ExcludesZero;
/// </code>
/// </example>
public sealed class CalibrationBootstrap
{
    private readonly int _replicates = 2000;

    /// <summary>Number of resamples <c>B &gt;= 1</c> (default 2,000).</summary>
    public int Replicates
    {
        get => _replicates;
        init
        {
            Check.Positive(value, nameof(Replicates));
            _replicates = value;
        }
    }

    /// <summary>Seed of the resamples; the same seed, rows and replicate count give the same result on any machine.</summary>
    public ulong Seed { get; init; }

    /// <summary>Parallelism over replicates: -1 for every core (default), 1 for the calling thread.</summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;

    /// <summary>Resamples the rows of <paramref name="methods"/> (same rows, same order, <see cref="RowRetention.Bootstrap"/>).</summary>
    /// <param name="methods">One accumulator per method, all with the same number of rows, classes and bins.</param>
    /// <param name="progress">Receives the completed fraction of the replicates.</param>
    /// <param name="cancellationToken">Interrupts the replicates.</param>
    /// <exception cref="ArgumentException">No method, different row or bin counts, or an accumulator that did not keep its rows.</exception>
    public BootstrapResult Run(IReadOnlyList<MetricAccumulator> methods, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(methods);
        Check.NotEmpty(methods.Count, nameof(methods), "methods");
        var first = methods[0] ?? throw new ArgumentException("methods contains null.", nameof(methods));
        long rows = first.Rows;
        Check.NotEmpty(rows > 0 ? 1 : 0, nameof(methods));
        int bins = first.BinCount;
        var prepared = new Prepared[methods.Count];
        for (int m = 0; m < methods.Count; m++)
        {
            var method = methods[m] ?? throw new ArgumentException("methods contains null.", nameof(methods));
            if (method.Retention != RowRetention.Bootstrap)
            {
                throw new ArgumentException($"method {m} keeps {method.Retention} rows; the bootstrap needs RowRetention.Bootstrap.", nameof(methods));
            }

            if (method.Rows != rows || method.BinCount != bins)
            {
                throw new ArgumentException($"method {m} has {method.Rows} rows and {method.BinCount} bins; method 0 has {rows} and {bins} (the methods must be evaluated on the same rows).", nameof(methods));
            }

            prepared[m] = new Prepared(method);
        }

        int n = checked((int)rows);
        int replicates = Replicates;
        var values = new double[methods.Count * Metrics * replicates];
        var binAccuracy = new double[methods.Count * bins * replicates];
        int done = 0;
        int step = Math.Max(1, replicates / 200);
        var options = new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = MaxDegreeOfParallelism };
        Parallel.For(
            0,
            replicates,
            options,
            () => new Workspace(n, bins),
            (r, _, work) =>
            {
                ResampleCounts(Seed, r, work.Counts);
                for (int m = 0; m < prepared.Length; m++)
                {
                    prepared[m].Replicate(work, n, bins, values.AsSpan(((m * Metrics) * replicates) + r), replicates, binAccuracy.AsSpan((m * bins * replicates) + r), cancellationToken);
                }

                int finished = Interlocked.Increment(ref done);
                if (finished % step == 0 || finished == replicates)
                {
                    progress?.Report((double)finished / replicates);
                }

                return work;
            },
            _ => { });
        var estimates = new double[methods.Count * Metrics];
        for (int m = 0; m < methods.Count; m++)
        {
            var a = methods[m];
            estimates[(m * Metrics) + (int)CalibrationMetric.Accuracy] = a.Accuracy;
            estimates[(m * Metrics) + (int)CalibrationMetric.Ece] = a.Ece;
            estimates[(m * Metrics) + (int)CalibrationMetric.EceDebiased] = a.EceDebiased;
            estimates[(m * Metrics) + (int)CalibrationMetric.KsError] = a.KsError;
            estimates[(m * Metrics) + (int)CalibrationMetric.Nll] = a.Nll;
            estimates[(m * Metrics) + (int)CalibrationMetric.Brier] = a.Brier;
        }

        return new BootstrapResult(methods.Count, replicates, bins, estimates, values, binAccuracy);
    }

    /// <summary>Number of <see cref="CalibrationMetric"/> values.</summary>
    internal const int Metrics = 6;

    /// <summary>
    /// The resample of replicate <paramref name="replicate"/>: <paramref name="counts"/>[i] is how many of the
    /// <c>n = counts.Length</c> draws picked row i. Draw t of the replicate is <c>floor(n u_t / 2^64)</c> for the t-th
    /// 64-bit output <c>u_t</c> of the replicate's own SplitMix64 stream (<see cref="SplitMix64.Hashed"/>: replicates must not
    /// share shifted copies of one sequence, or their resamples would nearly coincide).
    /// </summary>
    internal static void ResampleCounts(ulong seed, int replicate, Span<int> counts)
    {
        counts.Clear();
        var rng = SplitMix64.Hashed(seed, (ulong)replicate);
        ulong n = (ulong)counts.Length;
        for (int t = 0; t < counts.Length; t++)
        {
            counts[(int)Math.BigMul(rng.NextUInt64(), n, out _)]++;
        }
    }

    /// <summary>Per-thread buffers: the row multiplicities and the equal-width bin sums.</summary>
    private sealed class Workspace(int n, int bins)
    {
        public int[] Counts { get; } = new int[n];

        public long[] BinCount { get; } = new long[bins];

        public double[] BinConfidence { get; } = new double[bins];

        public double[] BinHits { get; } = new double[bins];
    }

    /// <summary>One method's rows in confidence order with their NLL and Brier terms, and where each equal-width bin starts, computed once.</summary>
    private sealed class Prepared
    {
        private readonly TopLabelOrder _sorted;
        private readonly double[] _nll;
        private readonly double[] _brier;
        private readonly int[] _widthStart;

        public Prepared(MetricAccumulator method)
        {
            _sorted = method.Sorted();
            var order = _sorted.Order;
            var nll = method.RowNll;
            var brier = method.RowBrier;
            int n = order.Length;
            _nll = new double[n];
            _brier = new double[n];
            for (int j = 0; j < n; j++)
            {
                _nll[j] = nll[order[j]];
                _brier[j] = brier[order[j]];
            }

            // The equal-width bin index is non-decreasing in the confidence, so each bin is a run of sorted positions.
            int bins = method.BinCount;
            _widthStart = new int[bins + 1];
            int position = 0;
            for (int b = 0; b < bins; b++)
            {
                _widthStart[b] = position;
                while (position < n && Binning.EqualWidthIndex(_sorted.Confidence[position], bins) == b)
                {
                    position++;
                }
            }

            _widthStart[bins] = n;
        }

        /// <summary>Writes the metrics of one replicate to <paramref name="values"/>[metric * stride] and the per-bin accuracy (NaN when empty) to <paramref name="binAccuracy"/>[bin * stride].</summary>
        public void Replicate(Workspace work, int n, int bins, Span<double> values, int stride, Span<double> binAccuracy, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var binCount = work.BinCount;
            var binConfidence = work.BinConfidence;
            var binHits = work.BinHits;
            var sums = TopLabelWalk.Run(_sorted, work.Counts, n, bins, _nll, _brier, _widthStart, binCount, binConfidence, binHits);
            double ece = 0.0;
            for (int b = 0; b < bins; b++)
            {
                if (binCount[b] == 0)
                {
                    binAccuracy[b * stride] = double.NaN;
                    continue;
                }

                double accuracy = binHits[b] / binCount[b];
                binAccuracy[b * stride] = accuracy;
                ece += (double)binCount[b] / n * Math.Abs(accuracy - (binConfidence[b] / binCount[b]));
            }

            values[(int)CalibrationMetric.Accuracy * stride] = (double)sums.Hits / n;
            values[(int)CalibrationMetric.Ece * stride] = ece;
            values[(int)CalibrationMetric.EceDebiased * stride] = sums.EceDebiased;
            values[(int)CalibrationMetric.KsError * stride] = sums.KsError;
            values[(int)CalibrationMetric.Nll * stride] = sums.Nll / n;
            values[(int)CalibrationMetric.Brier * stride] = sums.Brier / n;
        }
    }
}
