using CredalDistill.Conformal;
using CredalDistill.Divergences;
using CredalDistill.Validation;

namespace CredalDistill.Credal;

/// <summary>
/// Run-time CD-CI: for each edge output <c>p</c>, the credal set <c>{ q : D(q || p) &lt;= gamma }</c> and what is derived
/// from it. Per-row methods take and write spans and allocate nothing (centroid above 64 classes aside); batch methods
/// take a <see cref="ProbabilityMatrix"/> and run rows in parallel (deterministic: per-row Monte Carlo streams).
/// </summary>
public sealed class CredalPredictor
{
    /// <summary>Creates a predictor for radius <paramref name="gamma"/> (nats) under <paramref name="divergence"/>.</summary>
    public CredalPredictor(IDivergence divergence, double gamma, CredalPredictorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(divergence);
        Check.Gamma(gamma, nameof(gamma));
        Divergence = divergence;
        Gamma = gamma;
        Options = options ?? new CredalPredictorOptions();
        Options.MonteCarlo.Validate();
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

    /// <summary>The divergence.</summary>
    public IDivergence Divergence { get; }

    /// <summary>The radius in nats (may be +infinity).</summary>
    public double Gamma { get; }

    /// <summary>Batch settings.</summary>
    public CredalPredictorOptions Options { get; }

    /// <summary>The credal set of one edge output, as an object.</summary>
    public DivergenceBall CredalSet(ReadOnlySpan<double> p) => new(Divergence, p, Gamma, Options.MonteCarlo);

    /// <summary>Writes one row's lower/upper probabilities. Allocation-free.</summary>
    public void Bounds(ReadOnlySpan<double> p, Span<double> lower, Span<double> upper) => CredalBounds.Compute(Divergence, p, Gamma, lower, upper);

    /// <summary>Writes one row's extracted distribution. Allocation-free up to 64 classes; <paramref name="row"/> selects the Monte Carlo stream.</summary>
    public void Predict(ReadOnlySpan<double> p, CredalOutput output, Span<double> destination, int row = 0)
    {
        Check.Distribution(p, nameof(p));
        Check.SameLength(p.Length, destination.Length, nameof(destination));
        PredictUnchecked(p, output, destination, row);
    }

    /// <summary>Writes one row's label set (membership flags) under <paramref name="rule"/>. Allocation-free up to 256 classes.</summary>
    public void LabelSet(ReadOnlySpan<double> p, LabelSetRule rule, Span<bool> members)
    {
        Check.Distribution(p, nameof(p));
        Check.SameLength(p.Length, members.Length, nameof(members));
        LabelSetUnchecked(p, rule, members);
    }

    /// <summary>Bounds of every row.</summary>
    public IntervalMatrix Bounds(ProbabilityMatrix edge)
    {
        ArgumentNullException.ThrowIfNull(edge);
        int k = edge.Classes;
        var lower = new double[edge.Rows * k];
        var upper = new double[edge.Rows * k];
        ForEachRow(edge.Rows, i => CredalBounds.ComputeUnchecked(Divergence, edge.Row(i), Gamma, lower.AsSpan(i * k, k), upper.AsSpan(i * k, k)));
        return new IntervalMatrix(lower, upper, edge.Rows, k);
    }

    /// <summary>The extracted distribution of every row.</summary>
    public ProbabilityMatrix Predict(ProbabilityMatrix edge, CredalOutput output = CredalOutput.Intersection)
    {
        ArgumentNullException.ThrowIfNull(edge);
        int k = edge.Classes;
        var result = new double[edge.Rows * k];
        ForEachRow(edge.Rows, i => PredictUnchecked(edge.Row(i), output, result.AsSpan(i * k, k), i));
        return ProbabilityMatrix.Wrap(result, k);
    }

    /// <summary>Label sets of every row, row-major <c>n x K</c> membership flags.</summary>
    public bool[] LabelSets(ProbabilityMatrix edge, LabelSetRule rule = LabelSetRule.IntervalDominance)
    {
        ArgumentNullException.ThrowIfNull(edge);
        int k = edge.Classes;
        var result = new bool[edge.Rows * k];
        ForEachRow(edge.Rows, i => LabelSetUnchecked(edge.Row(i), rule, result.AsSpan(i * k, k)));
        return result;
    }

    /// <summary>Volume fraction (inefficiency) of every row's credal set.</summary>
    public Estimate[] VolumeFractions(ProbabilityMatrix edge)
    {
        ArgumentNullException.ThrowIfNull(edge);
        var result = new Estimate[edge.Rows];
        ForEachRow(edge.Rows, i => result[i] = VolumeFraction.ComputeUnchecked(Divergence, edge.Row(i), Gamma, Options.MonteCarlo with { Stream = (ulong)i }));
        return result;
    }

    private void LabelSetUnchecked(ReadOnlySpan<double> p, LabelSetRule rule, Span<bool> members)
    {
        if (rule == LabelSetRule.Maximality)
        {
            Credal.LabelSets.MaximalityUnchecked(Divergence, p, Gamma, members);
            return;
        }

        int k = p.Length;
        Span<double> lower = k <= 256 ? stackalloc double[k] : new double[k];
        Span<double> upper = k <= 256 ? stackalloc double[k] : new double[k];
        CredalBounds.ComputeUnchecked(Divergence, p, Gamma, lower, upper);
        Credal.LabelSets.IntervalDominance(lower, upper, members);
    }

    private void PredictUnchecked(ReadOnlySpan<double> p, CredalOutput output, Span<double> destination, int row)
    {
        int k = p.Length;
        switch (output)
        {
            case CredalOutput.Intersection:
            {
                Span<double> lower = k <= 256 ? stackalloc double[k] : new double[k];
                Span<double> upper = k <= 256 ? stackalloc double[k] : new double[k];
                CredalBounds.ComputeUnchecked(Divergence, p, Gamma, lower, upper);
                IntersectionProbability.ComputeUnchecked(lower, upper, p, destination);
                return;
            }

            case CredalOutput.MaximumEntropy:
                MaximumEntropy.ComputeUnchecked(Divergence, p, Gamma, destination);
                return;
            case CredalOutput.Centroid:
            {
                Span<double> se = k <= 256 ? stackalloc double[k] : new double[k];
                Centroid.ComputeUnchecked(Divergence, p, Gamma, destination, se, Options.MonteCarlo with { Stream = (ulong)row });
                return;
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(output), output, "Unknown credal output.");
        }
    }

    private void ForEachRow(int rows, Action<int> body)
    {
        if (Options.MaxDegreeOfParallelism == 1 || rows < 64)
        {
            for (int i = 0; i < rows; i++)
            {
                body(i);
            }

            return;
        }

        Parallel.For(0, rows, new ParallelOptions { MaxDegreeOfParallelism = Options.MaxDegreeOfParallelism }, body);
    }
}
