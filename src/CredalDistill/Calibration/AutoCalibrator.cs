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
/// lowest score wins (ties: the earlier candidate) among the eligible candidates: those whose cross-fitted top-1 agreement with
/// the cloud is at least the raw edge's minus <see cref="MaxAgreementLoss"/>. (The ECE alone is gamed by near-uniform outputs:
/// the maximum-entropy member of a very large credal set is close to uniform and "calibrated" at 1/K confidence, with
/// chance-level agreement. Distilled TS keeps the edge's arg-max, so an eligible candidate always exists in practice; if none
/// is eligible the lowest score wins.) Whatever point method wins, bounds and label sets come from a CD-CI threshold:
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

    /// <summary>Largest loss of cross-fitted top-1 agreement with the cloud, relative to the raw edge, that a candidate may have (fraction). Default 0.01.</summary>
    public double MaxAgreementLoss { get; init; } = 0.01;

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
        if (!(MaxAgreementLoss >= 0.0 && MaxAgreementLoss <= 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(data), MaxAgreementLoss, "MaxAgreementLoss must lie in [0, 1].");
        }

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
        double edgeAgreement = 0.0;
        double distilledAgreement = 0.0;
        double twoStageAgreement = 0.0;
        foreach (var (fit, held) in CrossFitFolds.Make(data.Rows, Folds, Seed))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (t, threshold) = TwoStageCalibrator.FitParts(data.Cloud.Select(fit), TemperedEdge.Rows(logits, k, fit), k, SetDivergence, SetEpsilon);
            var heldCloud = data.Cloud.Select(held);
            var centre = TemperedEdge.Apply(TemperedEdge.Rows(logits, k, held), k, t.Value);
            var intersection = new CredalPredictor(threshold, PredictorOptions).Predict(centre, CredalOutput.Intersection, cancellationToken);
            distilled += CloudReferencedCalibrationError.Compute(centre, heldCloud) / Folds;
            twoStage += CloudReferencedCalibrationError.Compute(intersection, heldCloud) / Folds;
            edgeAgreement += CloudAgreement.TopOneAgreement(heldCloud, data.Edge.Select(held)) / Folds;
            distilledAgreement += CloudAgreement.TopOneAgreement(heldCloud, centre) / Folds;
            twoStageAgreement += CloudAgreement.TopOneAgreement(heldCloud, intersection) / Folds;
        }

        var candidates = new List<AutoCandidate> { new(CalibratorNames.DistilledTs, null, null, CalibratedOutputNames.Name(CalibratedOutput.Tempered), distilled, distilledAgreement) };
        var selections = new List<ConfigurationSelection>();
        foreach (var extraction in Outputs)
        {
            var selection = ConfigurationSelector.Select(data.Cloud, data.Edge, DivergenceCandidates, extraction, EpsilonCandidates, Folds, Seed, cancellationToken);
            selections.Add(selection);
            for (int d = 0; d < selection.Divergences.Count; d++)
            {
                for (int e = 0; e < selection.Epsilons.Count; e++)
                {
                    candidates.Add(new AutoCandidate(CalibratorNames.Cdci, selection.Divergences[d].Name, selection.Epsilons[e], CalibratedOutputNames.Name(extraction), selection.Scores[d][e], selection.Agreements[d][e]));
                }
            }
        }

        candidates.Add(new AutoCandidate(CalibratorNames.TwoStage, SetDivergence.Name, SetEpsilon, CalibratedOutputNames.Name(CalibratedOutput.Intersection), twoStage, twoStageAgreement));
        double floor = edgeAgreement - MaxAgreementLoss;
        int best = Choose(candidates, floor);
        var winner = candidates[best];
        var choice = new AutoChoice(best, Criterion(), Reason(candidates, best, floor, edgeAgreement), candidates, floor);
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

    /// <summary>The index of the lowest score among the candidates whose agreement reaches <paramref name="floor"/> (ties: the earlier); among all candidates when none does.</summary>
    internal static int Choose(IReadOnlyList<AutoCandidate> candidates, double floor)
    {
        bool any = candidates.Any(c => c.Agreement >= floor);
        int best = -1;
        for (int c = 0; c < candidates.Count; c++)
        {
            if ((!any || candidates[c].Agreement >= floor) && (best < 0 || candidates[c].Score < candidates[best].Score))
            {
                best = c;
            }
        }

        return best;
    }

    private string Criterion() => string.Create(CultureInfo.InvariantCulture, $"{Folds}-fold cross-fitted cloud-referenced ECE (15 bins), folds seeded with {Seed}");

    private static string Reason(List<AutoCandidate> candidates, int best, double floor, double edgeAgreement)
    {
        static string Describe(AutoCandidate c) => c.Method == CalibratorNames.Cdci
            ? string.Create(CultureInfo.InvariantCulture, $"cdci ({c.Divergence}, eps {c.Epsilon:R}, {c.Output})")
            : c.Method;
        var eligible = candidates.Where(c => c.Agreement >= floor).ToList();
        int excluded = candidates.Count - eligible.Count;
        var pool = eligible.Count > 0 ? eligible : candidates;
        var second = pool.Where(c => !ReferenceEquals(c, candidates[best])).OrderBy(c => c.Score).FirstOrDefault();
        string reason = string.Create(CultureInfo.InvariantCulture, $"{Describe(candidates[best])} has the lowest score, {candidates[best].Score:F6}, among {pool.Count} eligible candidates");
        if (second is not null)
        {
            reason += string.Create(CultureInfo.InvariantCulture, $"; next best {Describe(second)} at {second.Score:F6}");
        }

        if (excluded > 0)
        {
            var lowest = candidates.Where(c => c.Agreement < floor).OrderBy(c => c.Score).First();
            reason += string.Create(CultureInfo.InvariantCulture, $"; {excluded} of {candidates.Count} candidates excluded for top-1 agreement with the cloud below {floor:F4} (the edge's {edgeAgreement:F4} minus the allowed loss), the best-scoring of them {Describe(lowest)} at {lowest.Score:F6} with agreement {lowest.Agreement:F4}");
        }

        return eligible.Count > 0 ? reason : reason + "; no candidate was eligible, so the lowest score won";
    }
}
