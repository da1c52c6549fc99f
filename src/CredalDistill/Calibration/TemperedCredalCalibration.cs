using System.Globalization;
using CredalDistill.Conformal;
using CredalDistill.Credal;
using CredalDistill.Divergences;
using CredalDistill.IO;
using CredalDistill.Numerics;
using CredalDistill.Validation;

namespace CredalDistill.Calibration;

/// <summary>
/// The fitted form of every serialisable method: optional temperature <c>T</c>, optional credal set of radius gamma around
/// <c>softmax(z / T)</c>, and the point output. Built by the calibrators and by <see cref="CalibrationArtifact.ToCalibrator"/>.
/// </summary>
internal sealed class TemperedCredalCalibration : FittedCalibrator
{
    private readonly CalibrationArtifact? _restored;
    private readonly ArtifactScoreSummary? _scores;
    private readonly int _thresholdN;
    private readonly double _marginalGamma; // gamma of the single threshold; with a per-row threshold, the marginal one (reference)

    /// <summary>A calibrator fitted in this process.</summary>
    public TemperedCredalCalibration(string name, int classes, CalibratedOutput output, TemperatureFit? temperature, ConformalThreshold? threshold, ThresholdSelection? selection, AutoChoice? auto, CredalPredictorOptions? options)
        : this(name, classes, output, temperature, threshold?.Divergence, threshold?.Gamma, threshold?.Epsilon, threshold is null ? null : ArtifactScoreSummary.From(threshold.Scores), threshold?.N ?? 0, selection, auto, options)
    {
        Threshold = threshold;
        Delta = threshold?.Delta;
    }

    /// <summary>A CD-CI calibrator with a per-row threshold fitted in this process; <paramref name="marginal"/> is kept for reference.</summary>
    public TemperedCredalCalibration(string name, int classes, CalibratedOutput output, ConformalThreshold marginal, RowThreshold rows, ThresholdSelection? selection, CredalPredictorOptions? options)
        : this(name, classes, output, null, marginal.Divergence, marginal.Gamma, marginal.Epsilon, ArtifactScoreSummary.From(marginal.Scores), marginal.N, selection, null, options, rows)
    {
        Threshold = marginal;
        Delta = marginal.Delta;
    }

    /// <summary>A calibrator restored from an artifact.</summary>
    public TemperedCredalCalibration(CalibrationArtifact artifact, CredalPredictorOptions? options)
        : this(artifact.Method, artifact.Classes, artifact.Output, artifact.Temperature, artifact.HasThreshold ? artifact.CreateDivergence() : null, artifact.HasThreshold ? artifact.Threshold : null, artifact.HasThreshold ? artifact.Epsilon : null, artifact.Scores, artifact.N, artifact.Selection, artifact.Auto, options, artifact.RowThreshold)
    {
        _restored = artifact;
        Delta = artifact.Delta;
    }

    private TemperedCredalCalibration(string name, int classes, CalibratedOutput output, TemperatureFit? temperature, IDivergence? divergence, double? gamma, double? epsilon, ArtifactScoreSummary? scores, int thresholdN, ThresholdSelection? selection, AutoChoice? auto, CredalPredictorOptions? options, RowThreshold? rows = null)
    {
        Name = name;
        Classes = classes;
        Output = output;
        TemperatureFit = temperature;
        Predictor = divergence is null ? null : rows is null ? new CredalPredictor(divergence, gamma!.Value, options) : new CredalPredictor(rows, options);
        Epsilon = epsilon;
        Selection = selection;
        Auto = auto;
        _scores = scores;
        _thresholdN = thresholdN;
        _marginalGamma = gamma ?? double.NaN;
        if (Predictor is null && output != CalibratedOutput.Tempered)
        {
            throw new ArgumentException($"{name}: a point calibration can only output the tempered edge.", nameof(output));
        }
    }

    public override string Name { get; }

    public override int Classes { get; }

    /// <summary>The PAC failure probability of the threshold, or null for the marginal rule.</summary>
    public double? Delta { get; }

    /// <summary>Rows behind the threshold (set-valued) or the temperature (point-only): the artifact's <c>n</c>.</summary>
    public override int N => Predictor is null ? TemperatureFit!.N : _thresholdN;

    public override CalibratedOutput Output { get; }

    internal override double ReportedGamma => _marginalGamma;

    public override TemperatureFit? TemperatureFit { get; }

    public override ConformalThreshold? Threshold { get; }

    public override CredalPredictor? Predictor { get; }

    public override double? Epsilon { get; }

    public override ThresholdSelection? Selection { get; }

    public override AutoChoice? Auto { get; }

    public override IReadOnlyList<CalibratorParameter> Parameters
    {
        get
        {
            var list = new List<CalibratorParameter>();
            if (Auto is { } auto)
            {
                list.Add(new("chosen", auto.Winner.Method));
            }

            if (TemperatureFit is { } t)
            {
                list.Add(new("temperature", Format(t.Value)));
                list.Add(new("temperature objective", t.Objective));
            }

            if (Predictor is { } p)
            {
                list.Add(new("divergence", p.Divergence.Name));
                list.Add(new("epsilon", Format(Epsilon!.Value)));
                switch (p.RowThreshold)
                {
                    case MondrianThreshold m:
                        list.Add(new("gamma by predicted class (nats)", string.Join(", ", Enumerable.Range(0, m.Classes).Select(c => string.Create(CultureInfo.InvariantCulture, $"{c}: {Format(m.Gamma(c))} (n = {m.Count(c)})")))));
                        break;
                    case Shift.CovariateShiftThreshold shift:
                        list.Add(new("gamma", string.Create(CultureInfo.InvariantCulture, $"per row: weighted quantile under covariate shift (density ratio from {shift.DeploymentRows} deployment rows, effective calibration size {shift.Scores.EffectiveSize:F1} of {shift.N})")));
                        break;
                }

                list.Add(new(p.RowThreshold is null ? "gamma (nats)" : "marginal gamma, for reference (nats)", Format(_marginalGamma)));
                if (Delta is double delta)
                {
                    list.Add(new("delta (PAC)", Format(delta)));
                }

                list.Add(new("selection", Selection?.Mode ?? ThresholdSelection.Fixed));
            }

            list.Add(new("output", CalibratedOutputNames.Name(Output)));
            return list;
        }
    }

    public override void Calibrate(EdgeRow edge, Span<double> destination, int row = 0)
    {
        Check.SameClasses(Classes, edge.Classes, nameof(edge));
        Check.DestinationLength(Classes, destination.Length, nameof(destination));
        if (TemperatureFit is not { } t)
        {
            Predictor!.Predict(edge, CalibratedOutputNames.ToCredal(Output), destination, row);
            return;
        }

        int k = Classes;
        using var lease = new ScratchLease();
        Span<double> work = 2 * k <= ScratchLease.StackDoubles ? stackalloc double[2 * k] : lease.Rent(2 * k);
        var z = work[..k];
        TemperedEdge.Logits(edge, z);
        if (Output == CalibratedOutput.Tempered)
        {
            Softmax.Compute(z, destination, t.Value);
            return;
        }

        var centre = work[k..];
        Softmax.LogCompute(z, centre, t.Value);
        Predictor!.Predict(EdgeRow.Trusted(centre, true), CalibratedOutputNames.ToCredal(Output), destination, row);
    }

    public override ProbabilityMatrix Calibrate(ProbabilityMatrix edge, CancellationToken cancellationToken = default, IProgress<double>? progress = null)
    {
        var centre = Temper(edge);
        if (Output == CalibratedOutput.Tempered)
        {
            progress?.Report(1.0);
            return centre;
        }

        return Predictor!.Predict(centre, CalibratedOutputNames.ToCredal(Output), cancellationToken, progress);
    }

    public override CalibrationArtifact ToArtifact()
    {
        if (_restored is not null)
        {
            return _restored;
        }

        var p = Predictor;
        return new CalibrationArtifact(Name, Output, N, Classes, p?.Divergence.Name, Epsilon, p is null ? null : _marginalGamma, _scores, TemperatureFit, Selection, Auto) { Delta = Delta, RowThreshold = RowThreshold };
    }

    private static string Format(double value) => double.IsPositiveInfinity(value) ? "+inf" : value.ToString("R", CultureInfo.InvariantCulture);
}
