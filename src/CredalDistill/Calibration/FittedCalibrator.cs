using CredalDistill.Conformal;
using CredalDistill.Credal;
using CredalDistill.IO;
using CredalDistill.Validation;

namespace CredalDistill.Calibration;

/// <summary>
/// A fitted calibration method. Every serialisable method has the same shape: temper the edge, <c>c = softmax(z / T)</c>
/// (<c>T = 1</c> and no tempering for CD-CI), then, for set-valued methods, the credal set <c>{ q : D(q || c) &lt;= gamma }</c>
/// from which the point output is extracted. The row API is allocation-free; the batch API runs rows in parallel and takes a
/// <see cref="CancellationToken"/> and an <see cref="IProgress{T}"/> (completed fraction). Row and batch results are equal
/// (row <c>i</c> of a batch uses Monte Carlo stream <c>i</c>, as the row API with <c>row = i</c>).
/// </summary>
public abstract class FittedCalibrator
{
    /// <summary>The stable method name (see <see cref="CalibratorNames"/>).</summary>
    public abstract string Name { get; }

    /// <summary>Number of classes <c>K</c>.</summary>
    public abstract int Classes { get; }

    /// <summary>Number of calibration rows behind the conformal threshold (set-valued methods; the second half for
    /// <c>distilled-ts+cdci</c>) or behind the fit (point-only methods): the artifact's <c>n</c>.</summary>
    public abstract int N { get; }

    /// <summary>Settings and fitted values for display (temperature, divergence, epsilon, gamma, ...).</summary>
    public abstract IReadOnlyList<CalibratorParameter> Parameters { get; }

    /// <summary>The point output of <see cref="Calibrate(EdgeRow, Span{double}, int)"/>.</summary>
    public abstract CalibratedOutput Output { get; }

    /// <summary>The temperature <c>T</c>; 1 when the method does not temper.</summary>
    public double Temperature => TemperatureFit?.Value ?? 1.0;

    /// <summary>The fitted temperature, or null when the method does not temper.</summary>
    public virtual TemperatureFit? TemperatureFit => null;

    /// <summary>
    /// The conformal threshold as fitted in this process; null for point-only methods (<c>ts</c>, <c>distilled-ts</c>) and for a
    /// calibrator restored from an artifact (which keeps gamma, eps and the divergence: see <see cref="Predictor"/> and
    /// <see cref="Epsilon"/>). With a <see cref="RowThreshold"/> it is the marginal threshold of all calibration scores, for
    /// reference only: rows use their own threshold.
    /// </summary>
    public virtual ConformalThreshold? Threshold => null;

    /// <summary>The credal predictor around the tempered edge (radius gamma, or each row's own); null for point-only methods.</summary>
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

    /// <summary>The centre of the credal sets: the tempered edge <c>softmax(z / T)</c> (log-probabilities kept), or <paramref name="edge"/> itself when the method does not temper.</summary>
    public virtual ProbabilityMatrix Temper(ProbabilityMatrix edge)
    {
        CheckEdge(edge);
        return TemperatureFit is { } t ? TemperedEdge.Apply(TemperedEdge.Logits(edge), Classes, t.Value) : edge;
    }

    /// <summary>
    /// Bounds, intersection probability and label set of every row's credal set around the tempered edge
    /// (<see cref="CredalPredictor.Describe"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">The method is point-only (no threshold).</exception>
    public CredalRows Describe(ProbabilityMatrix edge, LabelSetRule rule = LabelSetRule.IntervalDominance, CancellationToken cancellationToken = default, IProgress<double>? progress = null)
    {
        var predictor = Predictor ?? throw new InvalidOperationException($"{Name} is a point calibration: it has no conformal threshold, so no bounds or label sets.");
        return predictor.Describe(Temper(edge), rule, cancellationToken, progress);
    }

    /// <summary>The calibration artifact (version 2) that restores this calibrator (<see cref="CalibrationArtifact.ToCalibrator"/>).</summary>
    /// <exception cref="NotSupportedException">The method cannot be saved (Laplace reads features, not edge outputs).</exception>
    public abstract CalibrationArtifact ToArtifact();

    /// <inheritdoc />
    public override string ToString() => Name + "(" + string.Join(", ", Parameters.Select(p => p.Name + " = " + p.Value)) + ")";

    /// <summary>Checks that <paramref name="edge"/> has <see cref="Classes"/> columns.</summary>
    protected void CheckEdge(ProbabilityMatrix edge)
    {
        ArgumentNullException.ThrowIfNull(edge);
        Check.SameClasses(Classes, edge.Classes, nameof(edge));
    }
}
