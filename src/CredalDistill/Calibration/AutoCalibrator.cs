using System.Globalization;
using CredalDistill.Conformal;
using CredalDistill.Credal;
using CredalDistill.Divergences;
using CredalDistill.Metrics;
using CredalDistill.Validation;

namespace CredalDistill.Calibration;

/// <summary>
/// Label-free choice of the calibration method. Candidates: distilled TS (its tempered edge), CD-CI for every divergence x eps x
/// extraction in <see cref="Outputs"/>, and distilled-ts+cdci. Each is scored by the <see cref="Folds"/>-fold cross-fitted
/// cloud-referenced ECE on the calibration set, on the seeded folds of <see cref="ConfigurationSelector"/> (the CD-CI scores are
/// its scores; the two temperature candidates fit both stages on each fold's training part, as they are fitted at the end). The
/// lowest score wins (ties: the earlier candidate). Whatever point method wins, bounds and label sets come from a CD-CI threshold:
/// the winner's own for CD-CI (guarantee up to the selection), otherwise the two-stage threshold (<see cref="SetDivergence"/>,
/// <see cref="SetEpsilon"/>) around the tempered edge, whose guarantee is exact for the fitted <c>T</c>; a distilled-ts winner then
/// uses that stage's <c>T</c> (first half) so that its point is the centre of the credal set.
/// </summary>
public sealed class AutoCalibrator : Calibrator
{
    /// <summary>Divergence candidates of the CD-CI part; null means <see cref="ConfigurationSelector.DefaultDivergences"/>.</summary>
    public IReadOnlyList<IDivergence>? DivergenceCandidates { get; init; }

    /// <summary>Eps candidates of the CD-CI part; null means <see cref="EpsilonSelector.DefaultCandidates"/>.</summary>
    public IReadOnlyList<double>? EpsilonCandidates { get; init; }

    /// <summary>The CD-CI extractions scored. Default intersection probability and maximum entropy.</summary>
    public IReadOnlyList<CredalOutput> Outputs { get; init; } = [CredalOutput.Intersection, CredalOutput.MaximumEntropy];

    /// <summary>Divergence of the two-stage threshold (the credal sets when a temperature method wins). Default KL.</summary>
    public IDivergence SetDivergence { get; init; } = Divergence.KL;

    /// <summary>Eps of the two-stage threshold. Default 0.1.</summary>
    public double SetEpsilon { get; init; } = 0.1;

    /// <summary>Number of folds, in <c>[2, n/2]</c>. Default 2.</summary>
    public int Folds { get; init; } = 2;

    /// <summary>Seed of the folds. Default 1.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Settings of the fitted predictor; null for the defaults.</summary>
    public CredalPredictorOptions? PredictorOptions { get; init; }

    /// <inheritdoc />
    public override string Name => CalibratorNames.Auto;

    /// <inheritdoc />
    protected override FittedCalibrator FitCore(CalibrationData data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(SetDivergence, nameof(SetDivergence));
        Check.Epsilon(SetEpsilon, nameof(SetEpsilon));
        if (Outputs is null || Outputs.Count == 0)
        {
            throw new ArgumentException("auto needs at least one CD-CI extraction in Outputs.", nameof(data));
        }

        data.RequireRows(2 * Math.Max(Folds, 2), Name, $"{Folds}-fold cross-fitting with two halves per fold");
        int k = data.Classes;
        var logits = TemperedEdge.Logits(data.Edge);

        // The two temperature candidates: both stages fitted on each fold's training part, scored on its held-out part.
        double distilled = 0.0;
        double twoStage = 0.0;
        foreach (var (fit, held) in CrossFitFolds.Make(data.Rows, Folds, Seed))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (t, threshold) = TwoStageCalibrator.FitParts(data.Cloud.Select(fit), TemperedEdge.Rows(logits, k, fit), k, SetDivergence, SetEpsilon);
            var heldCloud = data.Cloud.Select(held);
            var centre = TemperedEdge.Apply(TemperedEdge.Rows(logits, k, held), k, t.Value);
            distilled += CloudReferencedCalibrationError.Compute(centre, heldCloud) / Folds;
            twoStage += CloudReferencedCalibrationError.Compute(new CredalPredictor(threshold, PredictorOptions).Predict(centre, CredalOutput.Intersection, cancellationToken), heldCloud) / Folds;
        }

        var candidates = new List<AutoCandidate> { new(CalibratorNames.DistilledTs, null, null, CalibratedOutputNames.Name(CalibratedOutput.Tempered), distilled) };
        var selections = new List<ConfigurationSelection>();
        foreach (var extraction in Outputs)
        {
            var selection = ConfigurationSelector.Select(data.Cloud, data.Edge, DivergenceCandidates, extraction, EpsilonCandidates, Folds, Seed, cancellationToken);
            selections.Add(selection);
            for (int d = 0; d < selection.Divergences.Count; d++)
            {
                for (int e = 0; e < selection.Epsilons.Count; e++)
                {
                    candidates.Add(new AutoCandidate(CalibratorNames.Cdci, selection.Divergences[d].Name, selection.Epsilons[e], CalibratedOutputNames.Name(extraction), selection.Scores[d][e]));
                }
            }
        }

        candidates.Add(new AutoCandidate(CalibratorNames.TwoStage, SetDivergence.Name, SetEpsilon, CalibratedOutputNames.Name(CalibratedOutput.Intersection), twoStage));
        int best = 0;
        for (int c = 1; c < candidates.Count; c++)
        {
            if (candidates[c].Score < candidates[best].Score)
            {
                best = c;
            }
        }

        var winner = candidates[best];
        var choice = new AutoChoice(best, Criterion(), Reason(candidates, best), candidates);
        if (winner.Method == CalibratorNames.Cdci)
        {
            int o = Outputs.ToList().FindIndex(x => CalibratedOutputNames.Name(x) == winner.Output);
            var selection = selections[o];
            var divergence = selection.Divergences.First(x => x.Name == winner.Divergence);
            var threshold = ConformalCalibrator.Calibrate(data.Cloud, data.Edge, winner.Epsilon!.Value, divergence);
            var record = new ThresholdSelection(ThresholdSelection.Auto, winner.Output, [.. selection.Divergences.Select(x => x.Name)], selection.Epsilons, selection.Scores, Folds, Seed);
            return new TemperedCredalCalibration(Name, k, CalibratedOutputNames.From(Outputs[o]), null, threshold, record, choice, PredictorOptions);
        }

        var (temperature, stageTwo) = TwoStageCalibrator.FitParts(data.Cloud, logits, k, SetDivergence, SetEpsilon);
        var output = winner.Method == CalibratorNames.DistilledTs ? CalibratedOutput.Tempered : CalibratedOutput.Intersection;
        var fixedSet = ThresholdSelection.FixedChoice(SetDivergence.Name, SetEpsilon, CalibratedOutputNames.Name(CalibratedOutput.Intersection));
        return new TemperedCredalCalibration(Name, k, output, temperature, stageTwo, fixedSet, choice, PredictorOptions);
    }

    private string Criterion() => string.Create(CultureInfo.InvariantCulture, $"{Folds}-fold cross-fitted cloud-referenced ECE (15 bins), folds seeded with {Seed}");

    private static string Reason(List<AutoCandidate> candidates, int best)
    {
        static string Describe(AutoCandidate c) => c.Method == CalibratorNames.Cdci
            ? string.Create(CultureInfo.InvariantCulture, $"cdci ({c.Divergence}, eps {c.Epsilon:R}, {c.Output})")
            : c.Method;
        int second = -1;
        for (int c = 0; c < candidates.Count; c++)
        {
            if (c != best && (second < 0 || candidates[c].Score < candidates[second].Score))
            {
                second = c;
            }
        }

        string reason = string.Create(CultureInfo.InvariantCulture, $"{Describe(candidates[best])} has the lowest score, {candidates[best].Score:F6}, among {candidates.Count} candidates");
        return second < 0 ? reason : reason + string.Create(CultureInfo.InvariantCulture, $"; next best {Describe(candidates[second])} at {candidates[second].Score:F6}");
    }
}
