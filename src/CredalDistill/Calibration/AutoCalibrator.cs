using System.Globalization;
using CredalDistill.Conformal;
using CredalDistill.Credal;
using CredalDistill.Divergences;
using CredalDistill.Metrics;
using CredalDistill.Validation;

namespace CredalDistill.Calibration;

/// <summary>
/// Label-free choice of the calibration method among the registry's <see cref="CalibrationMethod.AutoCandidate"/> methods
/// (<see cref="CalibrationMethods"/>): every label-free point map (its output), CD-CI for every divergence x eps x extraction
/// in <see cref="Outputs"/>, and every map followed by CD-CI (its intersection probability). Each is scored by the
/// <see cref="Folds"/>-fold cross-fitted mean <c>KL(cloud || output)</c> (nats) on the calibration set, on the seeded folds of
/// <see cref="ConfigurationSelector"/>: the proper score the maps are fitted to, so it rewards calibration and agreement with
/// the cloud's arg-max together (a temperature and a matrix map can be equally calibrated at very different accuracy; an ECE
/// cannot tell them apart). Every candidate is fitted on each fold's training part exactly as it is fitted at the end: a point
/// map on all of it, a <c>map+cdci</c> with the map on its first half. The lowest score wins (ties: the earlier candidate)
/// among the eligible candidates: those whose cross-fitted top-1 agreement with the cloud is at least the raw edge's minus
/// <see cref="MaxAgreementLoss"/>. Whatever wins, bounds and label sets come from a CD-CI threshold (<see cref="SetDivergence"/>,
/// <see cref="SetEpsilon"/> around a map): a CD-CI winner's own (guarantee up to the selection); a <c>map+cdci</c> winner's split
/// threshold (exact guarantee); for a point-map winner, fitted on every row, the threshold of the rows' out-of-fold scores
/// <c>D(cloud_i || m_-f(i)(edge_i))</c>, each row scored by the map fitted without its fold. The point output is then the centre
/// of the set; that threshold is not an exact finite-sample guarantee (the final map saw the rows), but each out-of-fold map was
/// fitted on fewer rows than the final one, so its scores are no smaller on average than the final map's on new inputs
/// (coverage measured in docs/RESULTS.md, Regimes). Users who need the exact guarantee choose a <c>map+cdci</c> method.
/// </summary>
public sealed class AutoCalibrator : Calibrator
{
    /// <summary>The registry entry <c>auto</c>.</summary>
    internal static CalibrationMethod Method { get; } = new(
        "auto",
        "chosen without labels among the label-free candidates (each label-free map, cdci over divergence x eps x extraction, each map+cdci) by 2-fold cross-fitted mean KL(cloud || output), never a candidate whose cross-fitted top-1 agreement with the cloud is below the raw edge's; bounds and label sets always come from a conformal threshold (--divergence, --epsilon around a map; a point-map winner, fitted on every row, by out-of-fold scores).",
        o => new AutoCalibrator
        {
            SetDivergence = o.Divergence ?? throw new ArgumentException("auto takes a fixed divergence for the threshold around a map winner; a label-free choice of the divergence is for cdci.", nameof(o)),
            SetEpsilon = o.Epsilon ?? throw new ArgumentException("auto takes a fixed epsilon for the threshold around a map winner; a label-free choice of eps is for cdci.", nameof(o)),
            Folds = o.Folds,
            Seed = o.Seed,
            PredictorOptions = o.Predictor,
        })
    {
        GivesSets = true,
        RecordsChoice = true,
        Maps = [MapShape.Identity, MapShape.Temperature, MapShape.Vector, MapShape.Matrix],
        Objectives = [MapObjective.DistilledKullbackLeibler],
        Options = [MethodOptionNames.Divergence, MethodOptionNames.Epsilon],
    };

    /// <summary>The candidate methods; null means every <see cref="CalibrationMethod.AutoCandidate"/> of the registry.</summary>
    public IReadOnlyList<CalibrationMethod>? Candidates { get; init; }

    /// <summary>Divergence candidates of the CD-CI part; null means <see cref="ConfigurationSelector.DefaultDivergences"/>.</summary>
    public IReadOnlyList<FDivergence>? DivergenceCandidates { get; init; }

    /// <summary>Eps candidates of the CD-CI part; null means <see cref="EpsilonSelector.DefaultCandidates"/>.</summary>
    public IReadOnlyList<double>? EpsilonCandidates { get; init; }

    /// <summary>The CD-CI extractions scored. Default intersection probability and maximum entropy.</summary>
    public IReadOnlyList<CalibratedOutput> Outputs { get; init; } = [CalibratedOutput.Intersection, CalibratedOutput.MaximumEntropy];

    /// <summary>Divergence of the threshold around a map winner. Default KL.</summary>
    public FDivergence SetDivergence { get; init; } = Divergence.KL;

    /// <summary>Eps of the threshold around a map winner. Default 0.1.</summary>
    public double SetEpsilon { get; init; } = 0.1;

    /// <summary>
    /// Largest loss of cross-fitted top-1 agreement with the cloud, relative to the raw edge, that a candidate may have
    /// (fraction). Default 0: a candidate never agrees with the cloud less often than the raw edge (a point map that keeps
    /// the arg-max, like a temperature, is always eligible).
    /// </summary>
    public double MaxAgreementLoss { get; init; }

    /// <summary>Number of folds, in <c>[2, n/2]</c>. Default 2.</summary>
    public int Folds { get; init; } = 2;

    /// <summary>Seed of the folds. Default 1.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Settings of the fitted predictor; null for the defaults.</summary>
    public CredalPredictorOptions? PredictorOptions { get; init; }

    /// <inheritdoc />
    public override string Name => Method.Name;

    /// <inheritdoc />
    private protected override FittedCalibrator FitCore(CalibrationData data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(SetDivergence, nameof(SetDivergence));
        Check.Epsilon(SetEpsilon, nameof(SetEpsilon));
        if (!(MaxAgreementLoss >= 0.0 && MaxAgreementLoss <= 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(data), MaxAgreementLoss, "MaxAgreementLoss must lie in [0, 1].");
        }

        if (Outputs is null || Outputs.Count == 0 || Outputs.Any(o => !CalibratedOutputNames.IsExtraction(o)))
        {
            throw new ArgumentException($"auto needs at least one CD-CI extraction in Outputs ({CalibratedOutputNames.Extractions}).", nameof(data));
        }

        var methods = Candidates ?? [.. CalibrationMethods.All.Where(m => m.AutoCandidate)];
        if (methods.Any(m => !m.AutoCandidate))
        {
            throw new ArgumentException($"auto's candidates must be label-free methods of edge outputs; {string.Join(", ", methods.Where(m => !m.AutoCandidate))} are not.", nameof(data));
        }

        data.RequireRows(2 * Math.Max(Folds, 2), Name, $"{Folds}-fold cross-fitting with two halves per fold");
        var folds = CrossFitFolds.Make(data.Rows, Folds, Seed);
        double edgeAgreement = 0.0;
        foreach (var (_, held) in folds)
        {
            edgeAgreement += CloudAgreement.TopOneAgreement(data.Cloud.Select(held), data.Edge.Select(held)) / Folds;
        }

        // A point map is fitted on each fold's whole training part (as it is fitted at the end, on every row) and scored by its
        // output on the held-out fold; those held-out outputs also give each row an out-of-fold score for the threshold of a
        // point-map winner. A map+cdci is fitted on each fold's training part as map+cdci and scored by its intersection probability.
        var maps = methods.Where(m => !m.GivesSets).ToList();
        var composites = methods.Where(m => m.GivesSets && m.Name != CdciCalibrator.Method.Name).ToList();
        var pointScores = new Dictionary<string, (double Score, double Agreement)>();
        var outOfFold = new Dictionary<string, double[]>();
        foreach (var map in maps)
        {
            double point = 0.0, pointAgreement = 0.0;
            var scores = new double[data.Rows];
            foreach (var (fit, held) in folds)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var fitted = map.Create().Fit(data.Select(fit), cancellationToken);
                var heldCloud = data.Cloud.Select(held);
                var centre = fitted.Centre(data.Edge.Select(held));
                point += ConfigurationSelector.CloudKl(centre, heldCloud) / Folds;
                pointAgreement += CloudAgreement.TopOneAgreement(heldCloud, centre) / Folds;
                var heldScores = SplitConformal.Scores(heldCloud, centre, SetDivergence);
                for (int i = 0; i < held.Length; i++)
                {
                    scores[held[i]] = heldScores[i];
                }
            }

            pointScores[map.Name] = (point, pointAgreement);
            outOfFold[map.Name] = scores;
        }

        var setScores = new Dictionary<string, (double Score, double Agreement)>();
        foreach (var composite in composites)
        {
            double set = 0.0, setAgreement = 0.0;
            foreach (var (fit, held) in folds)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var fitted = Composite(BaseMap(composite), CalibratedOutput.Intersection).Fit(data.Select(fit), cancellationToken);
                var heldCloud = data.Cloud.Select(held);
                var intersection = fitted.Calibrate(data.Edge.Select(held), cancellationToken);
                set += ConfigurationSelector.CloudKl(intersection, heldCloud) / Folds;
                setAgreement += CloudAgreement.TopOneAgreement(heldCloud, intersection) / Folds;
            }

            setScores[composite.Name] = (set, setAgreement);
        }

        string calibrated = CalibratedOutputNames.Name(CalibratedOutput.Calibrated);
        string intersectionName = CalibratedOutputNames.Name(CalibratedOutput.Intersection);
        var candidates = new List<AutoCandidate>();
        candidates.AddRange(maps.Select(m => new AutoCandidate(m.Name, null, null, calibrated, pointScores[m.Name].Score, pointScores[m.Name].Agreement)));
        var selections = new List<ConfigurationSelection>();
        if (methods.Any(m => m.Name == CdciCalibrator.Method.Name))
        {
            foreach (var extraction in Outputs)
            {
                var selection = ConfigurationSelector.Select(data.Cloud, data.Edge, DivergenceCandidates, extraction, EpsilonCandidates, Folds, Seed, cancellationToken, ConfigurationSelector.CloudKl);
                selections.Add(selection);
                for (int d = 0; d < selection.Divergences.Count; d++)
                {
                    for (int e = 0; e < selection.Epsilons.Count; e++)
                    {
                        candidates.Add(new AutoCandidate(CdciCalibrator.Method.Name, selection.Divergences[d].Name, selection.Epsilons[e], CalibratedOutputNames.Name(extraction), selection.Scores[d][e], selection.Agreements[d][e]));
                    }
                }
            }
        }

        candidates.AddRange(composites.Select(c => new AutoCandidate(c.Name, SetDivergence.Name, SetEpsilon, intersectionName, setScores[c.Name].Score, setScores[c.Name].Agreement)));
        if (candidates.Count == 0)
        {
            throw new ArgumentException("auto has no candidate method.", nameof(data));
        }

        double floor = edgeAgreement - MaxAgreementLoss;
        int best = Choose(candidates, floor);
        var winner = candidates[best];
        var choice = new AutoChoice(best, Criterion(), Reason(candidates, best, floor, edgeAgreement), candidates, floor);
        if (winner.Method == CdciCalibrator.Method.Name)
        {
            int o = Outputs.ToList().FindIndex(x => CalibratedOutputNames.Name(x) == winner.Output);
            var selection = selections[o];
            var divergence = selection.Divergences.First(x => x.Name == winner.Divergence);
            var threshold = SplitConformal.Calibrate(data.Cloud, data.Edge, winner.Epsilon!.Value, divergence);
            var record = new ThresholdSelection(ThresholdSelection.Auto, winner.Output, [.. selection.Divergences.Select(x => x.Name)], selection.Epsilons, selection.Scores, Folds, Seed);
            return MapCalibration.Fitted(Name, CalibrationMap.Identity(data.Classes), Outputs[o], threshold.N, threshold, record, PredictorOptions, choice);
        }

        var fixedSet = ThresholdSelection.FixedChoice(SetDivergence.Name, SetEpsilon, intersectionName);
        if (winner.Output == calibrated)
        {
            // A point-map winner: the map fitted on every row (the best point output, as the map alone would give), its sets
            // around that output with the threshold of the rows' out-of-fold scores (each row scored by the map fitted without
            // its fold, on fewer rows, so no better on average than the final map on new inputs).
            var map = MapThenCdciCalibrator.PointMap(maps.First(m => m.Name == winner.Method).Create().Fit(data, cancellationToken), "auto refits its winner as one");
            var oof = SplitConformal.Calibrate(outOfFold[winner.Method], data.Classes, SetEpsilon, SetDivergence);
            return MapCalibration.Fitted(Name, map, CalibratedOutput.Calibrated, oof.N, oof, fixedSet, PredictorOptions, choice);
        }

        var (finalMap, stageTwo) = Composite(BaseMap(composites.First(c => c.Name == winner.Method)), CalibratedOutput.Intersection).FitParts(data, cancellationToken);
        return MapCalibration.Fitted(Name, finalMap, CalibratedOutput.Intersection, stageTwo.N, stageTwo, fixedSet, PredictorOptions, choice);
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

    /// <summary>The point map behind a <c>map+cdci</c> entry.</summary>
    private static CalibrationMethod BaseMap(CalibrationMethod composite) => CalibrationMethods.Get(composite.Name[..^"+cdci".Length]);

    private MapThenCdciCalibrator Composite(CalibrationMethod map, CalibratedOutput output) => new()
    {
        MapCalibrator = map.Create(),
        Divergence = SetDivergence,
        Epsilon = SetEpsilon,
        Output = output,
        PredictorOptions = PredictorOptions,
    };

    private string Criterion() => string.Create(CultureInfo.InvariantCulture, $"{Folds}-fold cross-fitted mean KL(cloud || output) in nats, folds seeded with {Seed}");

    private static string Reason(List<AutoCandidate> candidates, int best, double floor, double edgeAgreement)
    {
        static string Describe(AutoCandidate c) => c.Method == CdciCalibrator.Method.Name
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
