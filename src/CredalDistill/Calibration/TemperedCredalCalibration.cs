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

    /// <summary>A calibrator fitted in this process.</summary>
    public TemperedCredalCalibration(string name, int classes, CalibratedOutput output, TemperatureFit? temperature, ConformalThreshold? threshold, ThresholdSelection? selection, AutoChoice? auto, CredalPredictorOptions? options)
        : this(name, classes, output, temperature, threshold?.Divergence, threshold?.Gamma, threshold?.Epsilon, threshold is null ? null : ArtifactScoreSummary.From(threshold.Scores), threshold?.N ?? 0, selection, auto, options)
    {
        Threshold = threshold;
        Delta = threshold?.Delta;
    }

    /// <summary>A calibrator restored from an artifact.</summary>
    public TemperedCredalCalibration(CalibrationArtifact artifact, CredalPredictorOptions? options)
        : this(artifact.Method, artifact.Classes, artifact.Output, artifact.Temperature, artifact.HasThreshold ? artifact.CreateDivergence() : null, artifact.HasThreshold ? artifact.Threshold : null, artifact.HasThreshold ? artifact.Epsilon : null, artifact.Scores, artifact.N, artifact.Selection, artifact.Auto, options)
    {
        _restored = artifact;
        Delta = artifact.Delta;
    }

    private TemperedCredalCalibration(string name, int classes, CalibratedOutput output, TemperatureFit? temperature, IDivergence? divergence, double? gamma, double? epsilon, ArtifactScoreSummary? scores, int thresholdN, ThresholdSelection? selection, AutoChoice? auto, CredalPredictorOptions? options)
    {
        Name = name;
        Classes = classes;
        Output = output;
        TemperatureFit = temperature;
        Predictor = divergence is null ? null : new CredalPredictor(divergence, gamma!.Value, options);
        Epsilon = epsilon;
        Selection = selection;
        Auto = auto;
        _scores = scores;
        _thresholdN = thresholdN;
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
                list.Add(new("gamma (nats)", Format(p.Gamma)));
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
        return new CalibrationArtifact(Name, Output, N, Classes, p?.Divergence.Name, Epsilon, p?.Gamma, _scores, TemperatureFit, Selection, Auto) { Delta = Delta };
    }

    private static string Format(double value) => double.IsPositiveInfinity(value) ? "+inf" : value.ToString("R", CultureInfo.InvariantCulture);
}
