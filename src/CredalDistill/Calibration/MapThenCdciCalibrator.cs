using CredalDistill.Conformal;
using CredalDistill.Credal;
using CredalDistill.Divergences;
using CredalDistill.Validation;

namespace CredalDistill.Calibration;

/// <summary>
/// A calibration map, then CD-CI around it (<c>&lt;map&gt;+cdci</c>, e.g. <c>distilled-ts+cdci</c>): the map
/// (<see cref="MapCalibrator"/>, a point calibration) is fitted on the first <c>floor(n/2)</c> calibration rows, and the
/// conformal threshold <c>gamma = s_(k)</c> of the scores <c>s_i = D(p_cloud_i || m(p_edge_i))</c> on the remaining rows.
/// The map does not depend on the second part, so <c>P(D(p_cloud || m(p_edge)) &lt;= gamma) &gt;= 1 - eps</c> holds exactly.
/// The credal set <c>{ q : D(q || m(p_edge)) &lt;= gamma }</c> is centred on the map's output (the output <c>calibrated</c>,
/// always inside the set); bounds, the other extractions and label sets come from the set. No labels are needed when the
/// map needs none.
/// </summary>
public sealed class MapThenCdciCalibrator : Calibrator
{
    /// <summary>The point calibration fitted on the first part (default distilled temperature scaling).</summary>
    public Calibrator MapCalibrator { get; init; } = new DistilledTemperatureCalibrator();

    /// <summary>The score divergence. Default KL.</summary>
    public FDivergence Divergence { get; init; } = Divergences.Divergence.KL;

    /// <summary>The miscoverage in (0, 1). Default 0.1.</summary>
    public double Epsilon { get; init; } = 0.1;

    /// <summary>The point output: <c>calibrated</c> (the map's output, the set's centre, always inside the set; the default) or an extraction from the set.</summary>
    public CalibratedOutput Output { get; init; } = CalibratedOutput.Calibrated;

    /// <summary>Settings of the fitted predictor; null for the defaults.</summary>
    public CredalPredictorOptions? PredictorOptions { get; init; }

    /// <inheritdoc />
    public override string Name => MapCalibrator.Name + "+cdci";

    /// <summary>The registry entry <c>&lt;map&gt;+cdci</c> of a composable point map.</summary>
    internal static CalibrationMethod Entry(CalibrationMethod map) => new(
        map.Name + "+cdci",
        $"{map.Name} on the first half of the calibration rows, then the CD-CI threshold around its output on the second half (exact guarantee; sets centred on the map's output).",
        o => new MapThenCdciCalibrator
        {
            MapCalibrator = map.Create(o),
            Divergence = o.Divergence ?? throw new ArgumentException($"{map.Name}+cdci takes a fixed divergence (the threshold around the map's output); a label-free choice is for cdci.", nameof(o)),
            Epsilon = o.Epsilon ?? throw new ArgumentException($"{map.Name}+cdci takes a fixed epsilon (the threshold around the map's output); a label-free choice is for cdci.", nameof(o)),
            Output = o.Output ?? CalibratedOutput.Calibrated,
            PredictorOptions = o.Predictor,
        })
    {
        NeedsLabels = map.NeedsLabels,
        GivesSets = true,
        AutoCandidate = map.AutoCandidate,
        Maps = map.Maps,
        Objectives = map.Objectives,
        Options = [MethodOptionNames.Divergence, MethodOptionNames.Epsilon, MethodOptionNames.Output, .. map.Options],
    };

    /// <summary>The two parts of <c>0..n-1</c>: the first <c>floor(n/2)</c> indices fit the map, the rest the threshold.</summary>
    public static (int[] Map, int[] Threshold) Halves(int n)
    {
        if (n < 2)
        {
            throw new ArgumentException($"a map, then CD-CI, needs at least 2 calibration rows (one per part); got {n}.", nameof(n));
        }

        int half = n / 2;
        return ([.. Enumerable.Range(0, half)], [.. Enumerable.Range(half, n - half)]);
    }

    /// <inheritdoc />
    private protected override FittedCalibrator FitCore(CalibrationData data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(Divergence, nameof(Divergence));
        ArgumentNullException.ThrowIfNull(MapCalibrator, nameof(MapCalibrator));
        Check.Epsilon(Epsilon, nameof(Epsilon));
        if (!CalibratedOutputNames.IsDistribution(Output))
        {
            throw new ArgumentException($"the output must be calibrated, {CalibratedOutputNames.Extractions}; got {CalibratedOutputNames.Name(Output)}.", nameof(data));
        }

        var (map, threshold) = FitParts(data, cancellationToken);
        var selection = ThresholdSelection.FixedChoice(Divergence.Name, Epsilon, CalibratedOutputNames.Name(Output == CalibratedOutput.Calibrated ? CalibratedOutput.Intersection : Output));
        return MapCalibration.Fitted(Name, map, Output, threshold.N, threshold, selection, PredictorOptions);
    }

    /// <summary>The map of a fitted point calibration; <paramref name="why"/> ends the error (argument <c>data</c>, the rows it was fitted on) when it is not one.</summary>
    internal static CalibrationMap PointMap(FittedCalibrator fitted, string why) => fitted.Map is { } m && !fitted.IsSetValued
        ? m
        : throw new ArgumentException($"{fitted.Name} is not a point calibration map of edge outputs; {why}.", "data");

    /// <summary>Both stages: the map on the first part and the threshold around its output on the second.</summary>
    internal (CalibrationMap Map, ConformalThreshold Threshold) FitParts(CalibrationData data, CancellationToken cancellationToken)
    {
        var (first, second) = Halves(data.Rows);
        var map = PointMap(MapCalibrator.Fit(data.Select(first), cancellationToken), "a map, then CD-CI, needs one");
        var part = data.Select(second);
        return (map, SplitConformal.Calibrate(part.Cloud, map.Apply(part.Edge), Epsilon, Divergence));
    }
}
