using System.Globalization;
using CredalDistill.Conformal;
using CredalDistill.Credal;
using CredalDistill.IO;
using CredalDistill.Numerics;
using CredalDistill.Validation;

namespace CredalDistill.Calibration;

/// <summary>
/// The fitted form of every method that saves to an artifact: the artifact's calibration map, then, when it has a
/// threshold, the credal set of radius gamma (or each row's own) around the map's output, and the point output. Built by
/// the calibrators (with the in-process <see cref="ConformalThreshold"/>) and by <see cref="FittedCalibrator.FromArtifact"/>.
/// </summary>
internal sealed class MapCalibration : FittedCalibrator
{
    private readonly CalibrationArtifact _artifact;

    /// <summary>Wraps a validated artifact; <paramref name="fitted"/> is the threshold as fitted in this process, or null.</summary>
    public MapCalibration(CalibrationArtifact artifact, ConformalThreshold? fitted, CredalPredictorOptions? options)
    {
        _artifact = artifact;
        Threshold = fitted;
        if (artifact.Threshold is { } t)
        {
            Predictor = t.Rows is null ? new CredalPredictor(t.Divergence, t.Gamma, options) : new CredalPredictor(t.Rows, options);
        }
    }

    /// <summary>A calibrator fitted in this process: the artifact of its parts (validated here), created now.</summary>
    public static MapCalibration Fitted(string method, CalibrationMap map, CalibratedOutput output, int n, ConformalThreshold? threshold, ThresholdSelection? selection, CredalPredictorOptions? options, AutoChoice? auto = null, RowThreshold? rows = null)
    {
        var artifact = new CalibrationArtifact
        {
            Method = method,
            Output = output,
            Classes = map.Classes,
            N = n,
            Map = map,
            Threshold = threshold is null ? null : new ArtifactThreshold
            {
                Divergence = threshold.Divergence,
                Epsilon = threshold.Epsilon,
                Gamma = threshold.Gamma,
                Scores = ArtifactScoreSummary.From(threshold.Scores),
                Delta = threshold.Delta,
                Rows = rows,
            },
            Selection = selection,
            Auto = auto,
        };
        return new MapCalibration(artifact.Validated(), threshold, options);
    }

    public override string Name => _artifact.Method;

    public override int Classes => _artifact.Classes;

    public override int N => _artifact.N;

    public override CalibratedOutput Output => _artifact.Output;

    public override CalibrationMap Map => _artifact.Map;

    internal override double ReportedGamma => _artifact.Threshold?.Gamma ?? double.NaN;

    public override ConformalThreshold? Threshold { get; }

    public override CredalPredictor? Predictor { get; }

    public override double? Epsilon => _artifact.Threshold?.Epsilon;

    public override ThresholdSelection? Selection => _artifact.Selection;

    public override AutoChoice? Auto => _artifact.Auto;

    public override IReadOnlyList<CalibratorParameter> Parameters
    {
        get
        {
            var list = new List<CalibratorParameter>();
            if (Auto is { } auto)
            {
                list.Add(new("chosen", auto.Winner.Method));
            }

            var map = Map;
            switch (map.Shape)
            {
                case MapShape.Temperature:
                    list.Add(new("temperature", Format(map.Temperature)));
                    break;
                case MapShape.Vector or MapShape.Matrix:
                    list.Add(new("map", FormattableString.Invariant($"{MapShapes.Name(map.Shape)} scaling, {map.Weights.Length + map.Bias.Length} parameters")));
                    if (map.Regularization is double r)
                    {
                        list.Add(new("regularization", Format(r)));
                    }

                    break;
            }

            if (map.Objective is { } objective)
            {
                list.Add(new("map objective", FormattableString.Invariant($"{MapShapes.Name(objective)} (n = {map.FitRows})")));
            }

            if (_artifact.Threshold is { } t)
            {
                list.Add(new("divergence", t.Divergence.Name));
                list.Add(new("epsilon", Format(t.Epsilon)));
                switch (t.Rows)
                {
                    case MondrianThreshold m:
                        list.Add(new("gamma by predicted class (nats)", string.Join(", ", Enumerable.Range(0, m.Classes).Select(c => string.Create(CultureInfo.InvariantCulture, $"{c}: {Format(m.Gamma(c))} (n = {m.Count(c)})")))));
                        break;
                    case Shift.CovariateShiftThreshold shift:
                        list.Add(new("gamma", string.Create(CultureInfo.InvariantCulture, $"per row: weighted quantile under covariate shift (density ratio from {shift.DeploymentRows} deployment rows, effective calibration size {shift.Scores.EffectiveSize:F1} of {shift.N})")));
                        break;
                }

                list.Add(new(t.Rows is null ? "gamma (nats)" : "marginal gamma, for reference (nats)", Format(t.Gamma)));
                if (t.Delta is double delta)
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
        if (Map.IsIdentity)
        {
            Point(edge, destination, row);
            return;
        }

        int k = Classes;
        using var lease = new ScratchLease();
        Span<double> centre = k <= ScratchLease.StackDoubles ? stackalloc double[k] : lease.Rent(k);
        Map.ApplyCore(edge, centre, -1);
        if (Output == CalibratedOutput.Calibrated)
        {
            ProbabilityMatrix.FromLogProbabilities(centre, destination); // as the batch's centre matrix
            return;
        }

        Predictor!.Predict(EdgeRow.Trusted(centre, true), Output, destination, row);
    }

    public override ProbabilityMatrix Calibrate(ProbabilityMatrix edge, CancellationToken cancellationToken = default, IProgress<double>? progress = null)
    {
        var centre = Centre(edge);
        if (Output == CalibratedOutput.Calibrated)
        {
            progress?.Report(1.0);
            return centre;
        }

        return Predictor!.Predict(centre, Output, cancellationToken, progress);
    }

    public override CalibrationArtifact ToArtifact() => _artifact;

    /// <summary>The point output of the centre <paramref name="centre"/>.</summary>
    private void Point(EdgeRow centre, Span<double> destination, int row)
    {
        if (Output == CalibratedOutput.Calibrated)
        {
            centre.Probabilities(destination);
        }
        else
        {
            Predictor!.Predict(centre, Output, destination, row);
        }
    }

    private static string Format(double value) => double.IsPositiveInfinity(value) ? "+inf" : value.ToString("R", CultureInfo.InvariantCulture);
}
