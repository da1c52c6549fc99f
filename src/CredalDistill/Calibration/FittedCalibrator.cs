using CredalDistill.Conformal;
using CredalDistill.Credal;
using CredalDistill.IO;
using CredalDistill.Validation;

namespace CredalDistill.Calibration;

/// <summary>
/// A fitted calibration method. Every method that saves to an artifact has the same shape: a calibration map on the edge's
/// log-probabilities, <c>c = softmax(A log p + b)</c> (<see cref="Map"/>; the identity for CD-CI, a temperature for TS), then,
/// for set-valued methods, the credal set <c>{ q : D(q || c) &lt;= gamma }</c> from which the point output is extracted. The
/// row API is allocation-free; the batch API runs rows in parallel and takes a <see cref="CancellationToken"/> and an
/// <see cref="IProgress{T}"/> (completed fraction). Row and batch results are equal (row <c>i</c> of a batch uses Monte
/// Carlo stream <c>i</c>, as the row API with <c>row = i</c>).
/// </summary>
public abstract class FittedCalibrator
{
    private protected FittedCalibrator()
    {
    }

    /// <summary>The method's registry name (<see cref="CalibrationMethods"/>).</summary>
    public abstract string Name { get; }

    /// <summary>Number of classes <c>K</c>.</summary>
    public abstract int Classes { get; }

    /// <summary>Number of calibration rows behind the conformal threshold (set-valued methods; the second part for
    /// <c>map+cdci</c>) or behind the fit (point-only methods): the artifact's <c>n</c>.</summary>
    public abstract int N { get; }

    /// <summary>Settings and fitted values for display (temperature, divergence, epsilon, gamma, ...).</summary>
    public abstract IReadOnlyList<CalibratorParameter> Parameters { get; }

    /// <summary>The point output of <see cref="Calibrate(EdgeRow, Span{double}, int)"/> (a single distribution).</summary>
    public abstract CalibratedOutput Output { get; }

    /// <summary>The calibration map (the centre of the credal sets); null for a method that does not read edge outputs (Laplace).</summary>
    public virtual CalibrationMap? Map => null;

    /// <summary>
    /// The conformal threshold as fitted in this process (every score, the rank, a warning when unbounded); null for point-only
    /// methods and for a calibrator restored from an artifact (which keeps gamma, eps and the divergence: see
    /// <see cref="Predictor"/> and <see cref="Epsilon"/>). With a <see cref="RowThreshold"/> it is the marginal threshold of all
    /// calibration scores, for reference only: rows use their own threshold.
    /// </summary>
    public virtual ConformalThreshold? Threshold => null;

    /// <summary>The credal predictor around the map's output (radius gamma, or each row's own); null for point-only methods.</summary>
    public virtual CredalPredictor? Predictor => null;

    /// <summary>The per-row threshold (Mondrian by predicted class, covariate shift), or null when one gamma serves every row.</summary>
    public RowThreshold? RowThreshold => Predictor?.RowThreshold;

    /// <summary>
    /// The threshold reported as the artifact's <c>threshold</c>: gamma of a single threshold, or with a
    /// <see cref="RowThreshold"/> the marginal threshold of all calibration scores (reference only); NaN for point methods.
    /// </summary>
    internal virtual double ReportedGamma => Predictor is { RowThreshold: null } p ? p.Gamma : double.NaN;

    /// <summary>The miscoverage <c>eps</c> of the threshold; null for point-only methods.</summary>
    public virtual double? Epsilon => null;

    /// <summary>How the divergence and eps were chosen; null for point-only methods.</summary>
    public virtual ThresholdSelection? Selection => null;

    /// <summary>What <see cref="AutoCalibrator"/> chose and why; null for the other methods.</summary>
    public virtual AutoChoice? Auto => null;

    /// <summary>True when the method gives credal sets (bounds and label sets), i.e. <see cref="Predictor"/> is set.</summary>
    public bool IsSetValued => Predictor is not null;

    /// <summary>True when the method reads last-layer features (Laplace) instead of edge outputs.</summary>
    public virtual bool RequiresFeatures => false;

    /// <summary>The calibrator an artifact describes, ready to apply to edge outputs.</summary>
    /// <param name="artifact">A valid artifact (<see cref="CalibrationArtifact.Problem"/> is null).</param>
    /// <param name="options">Settings of the credal predictor (Monte Carlo samples, parallelism); null for the defaults.</param>
    /// <exception cref="ArgumentException">The artifact is invalid; the message says why.</exception>
    public static FittedCalibrator FromArtifact(CalibrationArtifact artifact, CredalPredictorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(artifact);
        return new MapCalibration(artifact.Validated(), null, options);
    }

    /// <summary>Writes the calibrated distribution of one edge output. Allocation-free.</summary>
    /// <param name="edge">The edge output (probabilities or logits), <see cref="Classes"/> entries.</param>
    /// <param name="destination">Receives <see cref="Classes"/> probabilities.</param>
    /// <param name="row">Selects the Monte Carlo stream of a centroid above three classes (a batch uses the row index).</param>
    public abstract void Calibrate(EdgeRow edge, Span<double> destination, int row = 0);

    /// <summary>Writes the calibrated distribution of one row given its last-layer features; methods that read edge outputs ignore them.</summary>
    public virtual void Calibrate(EdgeRow edge, ReadOnlySpan<double> features, Span<double> destination, int row = 0) => Calibrate(edge, destination, row);

    /// <summary>The calibrated distribution of every row (in parallel).</summary>
    /// <param name="edge">Edge outputs, <c>n x K</c>.</param>
    /// <param name="cancellationToken">Interrupts the computation.</param>
    /// <param name="progress">Receives the completed fraction, or null.</param>
    public abstract ProbabilityMatrix Calibrate(ProbabilityMatrix edge, CancellationToken cancellationToken = default, IProgress<double>? progress = null);

    /// <summary>The calibrated distribution of every row given row-major last-layer features (<c>n x d</c>); methods that read edge outputs ignore them.</summary>
    public virtual ProbabilityMatrix Calibrate(ProbabilityMatrix edge, ReadOnlyMemory<double> features, CancellationToken cancellationToken = default, IProgress<double>? progress = null)
        => Calibrate(edge, cancellationToken, progress);

    /// <summary>The centre of the credal sets, the map's output <c>softmax(A log p + b)</c> (log-probabilities kept); <paramref name="edge"/> itself for the identity map.</summary>
    /// <exception cref="InvalidOperationException">The method does not read edge outputs (Laplace).</exception>
    public ProbabilityMatrix Centre(ProbabilityMatrix edge)
    {
        CheckEdge(edge);
        var map = Map ?? throw new InvalidOperationException($"{Name} applies to last-layer features; it has no calibration map of edge outputs.");
        return map.Apply(edge);
    }

    /// <summary>
    /// Bounds, intersection probability and label set of every row's credal set around the map's output
    /// (<see cref="CredalPredictor.Describe"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">The method is point-only (no threshold).</exception>
    public CredalRows Describe(ProbabilityMatrix edge, LabelSetRule rule = LabelSetRule.IntervalDominance, CancellationToken cancellationToken = default, IProgress<double>? progress = null)
    {
        var predictor = Predictor ?? throw new InvalidOperationException($"{Name} is a point calibration: it has no conformal threshold, so no bounds or label sets.");
        return predictor.Describe(Centre(edge), rule, cancellationToken, progress);
    }

    /// <summary>The calibration artifact (version 2) that restores this calibrator (<see cref="FromArtifact"/>).</summary>
    /// <exception cref="NotSupportedException">The method cannot be saved (Laplace reads features, not edge outputs).</exception>
    public abstract CalibrationArtifact ToArtifact();

    /// <inheritdoc />
    public override string ToString() => Name + "(" + string.Join(", ", Parameters.Select(p => p.Name + " = " + p.Value)) + ")";

    /// <summary>Checks that <paramref name="edge"/> has <see cref="Classes"/> columns.</summary>
    private protected void CheckEdge(ProbabilityMatrix edge)
    {
        ArgumentNullException.ThrowIfNull(edge);
        Check.SameClasses(Classes, edge.Classes, nameof(edge));
    }
}
