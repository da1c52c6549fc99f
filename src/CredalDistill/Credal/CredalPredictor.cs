using CredalDistill.Calibration;
using CredalDistill.Conformal;
using CredalDistill.Divergences;
using CredalDistill.Numerics;
using CredalDistill.Validation;

namespace CredalDistill.Credal;

/// <summary>
/// Run-time CD-CI: for each edge output <c>p</c>, the credal set <c>{ q : D(q || p) &lt;= gamma }</c> and what is derived
/// from it. Per-row methods take an <see cref="EdgeRow"/> (probabilities or logits) or a probability span, write spans and allocate nothing; batch methods
/// take a <see cref="ProbabilityMatrix"/>, a <see cref="CancellationToken"/> and an <see cref="IProgress{T}"/> (completed fraction) and
/// run rows in parallel (deterministic: per-row Monte Carlo streams). Built on a <see cref="Conformal.RowThreshold"/>
/// (Mondrian, covariate shift), each row uses its own radius <see cref="GammaFor"/>.
/// </summary>
public sealed class CredalPredictor
{
    private readonly FDivergence _f;
    private readonly double _gamma;

    /// <summary>Creates a predictor for radius <paramref name="gamma"/> (nats) under <paramref name="divergence"/>.</summary>
    public CredalPredictor(FDivergence divergence, double gamma, CredalPredictorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(divergence);
        Check.Gamma(gamma, nameof(gamma));
        _f = CredalBounds.Resolve(divergence);
        Divergence = divergence;
        _gamma = gamma;
        Options = options ?? new CredalPredictorOptions();
        ArgumentNullException.ThrowIfNull(Options.MonteCarlo, "options.MonteCarlo");
        if (Options.MaxDegreeOfParallelism == 0 || Options.MaxDegreeOfParallelism < -1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), Options.MaxDegreeOfParallelism, "MaxDegreeOfParallelism must be -1 or positive.");
        }
    }

    /// <summary>Creates a predictor from a calibrated threshold (its divergence and gamma).</summary>
    public CredalPredictor(ConformalThreshold threshold, CredalPredictorOptions? options = null)
        : this((threshold ?? throw new ArgumentNullException(nameof(threshold))).Divergence, threshold.Gamma, options)
    {
    }

    /// <summary>Creates a predictor whose radius depends on the row (<see cref="RowThreshold.GammaFor"/>).</summary>
    public CredalPredictor(RowThreshold threshold, CredalPredictorOptions? options = null)
        : this((threshold ?? throw new ArgumentNullException(nameof(threshold))).Divergence, double.PositiveInfinity, options)
    {
        RowThreshold = threshold;
    }

    /// <summary>The divergence.</summary>
    public FDivergence Divergence { get; }

    /// <summary>The radius in nats (may be +infinity).</summary>
    /// <exception cref="InvalidOperationException">The radius depends on the row (<see cref="RowThreshold"/> is set): use <see cref="GammaFor"/>.</exception>
    public double Gamma => RowThreshold is null ? _gamma : throw new InvalidOperationException("this predictor's radius depends on the row (Mondrian or covariate-shift threshold); use GammaFor(edge).");

    /// <summary>The per-row threshold, or null when every row has the radius <see cref="Gamma"/>.</summary>
    public RowThreshold? RowThreshold { get; }

    /// <summary>The radius of one edge output's credal set: <see cref="Gamma"/>, or the row's own threshold.</summary>
    public double GammaFor(EdgeRow edge) => RowThreshold is { } rows ? rows.GammaFor(edge) : _gamma;

    /// <summary>Batch settings.</summary>
    public CredalPredictorOptions Options { get; }

    /// <summary>The credal set of one edge output, as an object.</summary>
    public DivergenceBall CredalSet(ReadOnlySpan<double> p) => new(Divergence, p, GammaFor(EdgeRow.FromProbabilities(p)), Options.MonteCarlo);

    /// <summary>Writes one row's lower/upper probabilities. Allocation-free.</summary>
    public void Bounds(ReadOnlySpan<double> p, Span<double> lower, Span<double> upper) => Bounds(EdgeRow.FromProbabilities(p), lower, upper);

    /// <summary>Writes the lower/upper probabilities of an edge output given as probabilities or logits. Allocation-free.</summary>
    public void Bounds(EdgeRow edge, Span<double> lower, Span<double> upper)
    {
        Check.SameLength(edge.Classes, lower.Length, nameof(lower));
        Check.SameLength(edge.Classes, upper.Length, nameof(upper));
        int size = CredalBounds.WorkSize(edge.Classes);
        using var lease = new ScratchLease();
        Span<double> work = size <= ScratchLease.StackDoubles ? stackalloc double[size] : lease.Rent(size);
        CredalBounds.ComputeUnchecked(_f, edge, GammaFor(edge), lower, upper, work);
    }

    /// <summary>
    /// Writes one row's bounds and, from them, the intersection probability (the paper's headline output), computed with
    /// the exact complements <c>1 - lower</c> and <c>1 - upper</c>. Allocation-free.
    /// </summary>
    public void BoundsAndIntersection(EdgeRow edge, Span<double> lower, Span<double> upper, Span<double> intersection)
    {
        Check.SameLength(edge.Classes, lower.Length, nameof(lower));
        Check.SameLength(edge.Classes, upper.Length, nameof(upper));
        Check.SameLength(edge.Classes, intersection.Length, nameof(intersection));
        int size = CredalBounds.WorkSize(edge.Classes);
        using var lease = new ScratchLease();
        Span<double> work = size <= ScratchLease.StackDoubles ? stackalloc double[size] : lease.Rent(size);
        BoundsAndIntersectionUnchecked(edge, GammaFor(edge), lower, upper, intersection, work);
    }

    /// <summary>
    /// Writes one row's extracted distribution (<c>calibrated</c> is the centre itself). Allocation-free; <paramref name="row"/>
    /// selects the Monte Carlo stream.
    /// </summary>
    public void Predict(ReadOnlySpan<double> p, CalibratedOutput output, Span<double> destination, int row = 0)
        => Predict(EdgeRow.FromProbabilities(p), output, destination, row);

    /// <summary>Writes the extracted distribution of an edge output given as probabilities or logits. Allocation-free.</summary>
    public void Predict(EdgeRow edge, CalibratedOutput output, Span<double> destination, int row = 0)
    {
        Check.SameLength(edge.Classes, destination.Length, nameof(destination));
        PredictUnchecked(edge, output, destination, row);
    }

    /// <summary>Writes one row's label set (membership flags) under <paramref name="rule"/>. Allocation-free.</summary>
    public void LabelSet(ReadOnlySpan<double> p, LabelSetRule rule, Span<bool> members) => LabelSet(EdgeRow.FromProbabilities(p), rule, members);

    /// <summary>Writes the label set of an edge output given as probabilities or logits. Allocation-free.</summary>
    public void LabelSet(EdgeRow edge, LabelSetRule rule, Span<bool> members)
    {
        Check.SameLength(edge.Classes, members.Length, nameof(members));
        LabelSetUnchecked(edge, rule, members);
    }

    /// <summary>
    /// Writes one row's bounds, the intersection probability computed from them, and its label set under
    /// <paramref name="rule"/> (interval dominance <c>{ k : upper_k &gt;= max_j lower_j }</c> reads the same bounds).
    /// The one implementation of "bounds, then intersection probability, then label set". Allocation-free.
    /// </summary>
    public void BoundsIntersectionAndLabelSet(EdgeRow edge, Span<double> lower, Span<double> upper, Span<double> intersection, LabelSetRule rule, Span<bool> members)
    {
        Check.SameLength(edge.Classes, lower.Length, nameof(lower));
        Check.SameLength(edge.Classes, upper.Length, nameof(upper));
        Check.SameLength(edge.Classes, intersection.Length, nameof(intersection));
        Check.SameLength(edge.Classes, members.Length, nameof(members));
        int size = CredalBounds.WorkSize(edge.Classes) + (2 * edge.Classes);
        using var lease = new ScratchLease();
        Span<double> work = size <= ScratchLease.StackDoubles ? stackalloc double[size] : lease.Rent(size);
        BoundsIntersectionAndLabelSetUnchecked(edge, lower, upper, intersection, rule, members, work);
    }

    /// <summary>Bounds of every row.</summary>
    public IntervalMatrix Bounds(ProbabilityMatrix edge, CancellationToken cancellationToken = default, IProgress<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(edge);
        int k = edge.Classes;
        var lower = new double[edge.Rows * k];
        var upper = new double[edge.Rows * k];
        ForEachRow(edge.Rows, i => Bounds(edge.AsEdgeRow(i), lower.AsSpan(i * k, k), upper.AsSpan(i * k, k)), cancellationToken, progress);
        return new IntervalMatrix(lower, upper, edge.Rows, k);
    }

    /// <summary>
    /// The extracted distribution of every row. <paramref name="firstRow"/> is the index of the first row in a larger
    /// input processed in chunks: Monte Carlo streams are seeded by that index, so chunks reproduce one pass.
    /// </summary>
    public ProbabilityMatrix Predict(ProbabilityMatrix edge, CalibratedOutput output = CalibratedOutput.Intersection, CancellationToken cancellationToken = default, IProgress<double>? progress = null, int firstRow = 0)
    {
        ArgumentNullException.ThrowIfNull(edge);
        ArgumentOutOfRangeException.ThrowIfNegative(firstRow);
        int k = edge.Classes;
        var result = GC.AllocateUninitializedArray<double>(edge.Rows * k); // every row is written below
        ForEachRow(edge.Rows, i => PredictUnchecked(edge.AsEdgeRow(i), output, result.AsSpan(i * k, k), firstRow + i), cancellationToken, progress);
        return ProbabilityMatrix.Wrap(result, k);
    }

    /// <summary>Label sets of every row, row-major <c>n x K</c> membership flags.</summary>
    public bool[] LabelSets(ProbabilityMatrix edge, LabelSetRule rule = LabelSetRule.IntervalDominance, CancellationToken cancellationToken = default, IProgress<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(edge);
        int k = edge.Classes;
        var result = new bool[edge.Rows * k];
        ForEachRow(edge.Rows, i => LabelSetUnchecked(edge.AsEdgeRow(i), rule, result.AsSpan(i * k, k)), cancellationToken, progress);
        return result;
    }

    /// <summary>
    /// Bounds, intersection probability and label set of every row in one pass (see
    /// <see cref="BoundsIntersectionAndLabelSet(EdgeRow, Span{double}, Span{double}, Span{double}, LabelSetRule, Span{bool})"/>).
    /// </summary>
    public CredalRows Describe(ProbabilityMatrix edge, LabelSetRule rule = LabelSetRule.IntervalDominance, CancellationToken cancellationToken = default, IProgress<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(edge);
        int k = edge.Classes;
        var lower = new double[edge.Rows * k];
        var upper = new double[edge.Rows * k];
        var intersection = new double[edge.Rows * k];
        var members = new bool[edge.Rows * k];
        int size = CredalBounds.WorkSize(k) + (2 * k);
        ForEachRow(
            edge.Rows,
            i =>
            {
                using var lease = new ScratchLease();
                Span<double> work = size <= ScratchLease.StackDoubles ? stackalloc double[size] : lease.Rent(size);
                BoundsIntersectionAndLabelSetUnchecked(edge.AsEdgeRow(i), lower.AsSpan(i * k, k), upper.AsSpan(i * k, k), intersection.AsSpan(i * k, k), rule, members.AsSpan(i * k, k), work);
            },
            cancellationToken,
            progress);
        return new CredalRows(new IntervalMatrix(lower, upper, edge.Rows, k), ProbabilityMatrix.Wrap(intersection, k), members, rule);
    }

    /// <summary>Volume fraction (inefficiency) of every row's credal set (Monte Carlo streams seeded by <c>firstRow + i</c>, as in <see cref="Predict(ProbabilityMatrix, CalibratedOutput, CancellationToken, IProgress{double}?, int)"/>).</summary>
    public Estimate[] VolumeFractions(ProbabilityMatrix edge, CancellationToken cancellationToken = default, IProgress<double>? progress = null, int firstRow = 0)
    {
        ArgumentNullException.ThrowIfNull(edge);
        ArgumentOutOfRangeException.ThrowIfNegative(firstRow);
        var result = new Estimate[edge.Rows];
        ForEachRow(edge.Rows, i => result[i] = VolumeFraction.ComputeUnchecked(_f, edge.AsEdgeRow(i), GammaFor(edge.AsEdgeRow(i)), Options.MonteCarlo with { Stream = (ulong)(firstRow + i) }), cancellationToken, progress);
        return result;
    }

    private void BoundsIntersectionAndLabelSetUnchecked(EdgeRow edge, Span<double> lower, Span<double> upper, Span<double> intersection, LabelSetRule rule, Span<bool> members, Span<double> work)
    {
        double gamma = GammaFor(edge);
        BoundsAndIntersectionUnchecked(edge, gamma, lower, upper, intersection, work);
        if (rule == LabelSetRule.Maximality)
        {
            Credal.LabelSets.MaximalityUnchecked(_f, edge, gamma, members, work);
        }
        else
        {
            Credal.LabelSets.IntervalDominance(lower, upper, members);
        }
    }

    private void BoundsAndIntersectionUnchecked(EdgeRow edge, double gamma, Span<double> lower, Span<double> upper, Span<double> intersection, Span<double> work)
    {
        int k = edge.Classes;
        var masses = RowMasses.Of(edge, work, logs: _f is not TotalVariation);
        var lowerComplement = work.Slice(4 * k, k);
        var upperComplement = work.Slice(5 * k, k);
        CredalBounds.ComputeLog(_f, masses, gamma, lower, upper, lowerComplement, upperComplement);
        IntersectionProbability.ComputeExact(lower, upper, lowerComplement, upperComplement, intersection);
    }

    private void LabelSetUnchecked(EdgeRow edge, LabelSetRule rule, Span<bool> members)
    {
        int k = edge.Classes;
        int size = CredalBounds.WorkSize(k) + (2 * k);
        using var lease = new ScratchLease();
        Span<double> work = size <= ScratchLease.StackDoubles ? stackalloc double[size] : lease.Rent(size);
        if (rule == LabelSetRule.Maximality)
        {
            Credal.LabelSets.MaximalityUnchecked(_f, edge, GammaFor(edge), members, work);
            return;
        }

        var lower = work[..k];
        var upper = work.Slice(k, k);
        CredalBounds.ComputeUnchecked(_f, edge, GammaFor(edge), lower, upper, work[(2 * k)..]);
        Credal.LabelSets.IntervalDominance(lower, upper, members);
    }

    private void PredictUnchecked(EdgeRow edge, CalibratedOutput output, Span<double> destination, int row)
    {
        int k = edge.Classes;
        int size = CredalBounds.WorkSize(k) + (2 * k);
        using var lease = new ScratchLease();
        Span<double> work = size <= ScratchLease.StackDoubles ? stackalloc double[size] : lease.Rent(size);
        switch (output)
        {
            case CalibratedOutput.Intersection:
                BoundsAndIntersectionUnchecked(edge, GammaFor(edge), work[..k], work.Slice(k, k), destination, work[(2 * k)..]);
                return;
            case CalibratedOutput.MaximumEntropy:
                MaximumEntropy.ComputeUnchecked(_f, edge, GammaFor(edge), destination, work);
                return;
            case CalibratedOutput.Centroid:
                Centroid.ComputeUnchecked(_f, edge, GammaFor(edge), destination, work[..k], Options.MonteCarlo with { Stream = (ulong)row });
                return;
            case CalibratedOutput.Calibrated:
                edge.Probabilities(destination);
                return;
            default:
                throw new ArgumentOutOfRangeException(nameof(output), output, $"'{CalibratedOutputNames.Name(output)}' is not a single distribution; expected calibrated, intersection, maxent or centroid.");
        }
    }

    private void ForEachRow(int rows, Action<int> body, CancellationToken cancellationToken, IProgress<double>? progress)
        => ParallelRows.For(rows, Options.MaxDegreeOfParallelism, body, cancellationToken, progress);
}
