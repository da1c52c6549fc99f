using CredalDistill.Calibration;
using CredalDistill.Conformal;
using CredalDistill.Divergences;
using CredalDistill.Shift;
using static CredalDistill.IO.CalibrationArtifactDocument;

namespace CredalDistill.IO;

/// <summary>Conversion and checks of the version-2 objects of a calibration artifact: <c>temperature</c>, <c>selection</c>, <c>auto</c>, the Mondrian <c>thresholds</c>, <c>shift</c>.</summary>
internal static class CalibrationArtifactParts
{
    public static SelectionDocument? ToDocument(ThresholdSelection? s)
        => s is null ? null : new SelectionDocument
        {
            Mode = s.Mode,
            Output = s.Output,
            Divergences = [.. s.Divergences],
            Epsilons = [.. s.Epsilons],
            Scores = s.Scores is null ? null : [.. s.Scores.Select(r => r.ToArray())],
            Folds = s.Folds,
            Seed = s.Seed,
        };

    public static AutoDocument? ToDocument(AutoChoice? a)
        => a is null ? null : new AutoDocument
        {
            Chosen = a.Winner.Method,
            ChosenIndex = a.Chosen,
            Criterion = a.Criterion,
            Reason = a.Reason,
            MinimumAgreement = a.MinimumAgreement,
            Candidates = [.. a.Candidates.Select(c => new CandidateDocument { Method = c.Method, Divergence = c.Divergence, Epsilon = c.Epsilon, Output = c.Output, Score = c.Score, Agreement = c.Agreement })],
        };

    /// <summary>The map: the <c>temperature</c> object, the <c>map</c> object (vector or matrix), or the identity when both are null.</summary>
    public static CalibrationMap MapFromDocument(TemperatureDocument? t, MapDocument? m, int classes, string path)
    {
        if (t is not null && m is not null)
        {
            throw Fail(path, "fields 'temperature' and 'map' exclude each other (a temperature map is the 'temperature' object)");
        }

        if (t is not null)
        {
            double value = Required(t.Value, "temperature.value", path);
            if (!(value > 0.0) || !double.IsFinite(value))
            {
                throw Fail(path, $"field 'temperature.value' must be a finite number > 0; got {CsvText.Format(value)}");
            }

            var objective = Objective(Required(t.Objective, "temperature.objective", path), "temperature.objective", path);
            int n = Required(t.N, "temperature.n", path);
            return n >= 1 ? CalibrationMap.FromTemperature(value, classes, objective, n) : throw Fail(path, $"field 'temperature.n' must be at least 1; got {n}");
        }

        if (m is null)
        {
            return CalibrationMap.Identity(classes);
        }

        string shapeName = Required(m.Shape, "map.shape", path);
        if (!MapShapes.TryParse(shapeName, out MapShape shape) || shape is not (MapShape.Vector or MapShape.Matrix))
        {
            throw Fail(path, $"field 'map.shape' is '{shapeName}'; expected vector or matrix");
        }

        var weights = Required(m.Weights, "map.weights", path);
        var bias = Required(m.Bias, "map.bias", path);
        int expected = shape == MapShape.Vector ? classes : classes * classes;
        if (weights.Length != expected || bias.Length != classes)
        {
            throw Fail(path, $"fields 'map.weights' and 'map.bias' must have {expected} and {classes} entries (K = {classes}, {shapeName} map); got {weights.Length} and {bias.Length}");
        }

        if (weights.Concat(bias).Any(v => !double.IsFinite(v)))
        {
            throw Fail(path, "fields 'map.weights' and 'map.bias' must be finite numbers");
        }

        var fitted = Objective(Required(m.Objective, "map.objective", path), "map.objective", path);
        int rows = Required(m.N, "map.n", path);
        if (rows < 1)
        {
            throw Fail(path, $"field 'map.n' must be at least 1; got {rows}");
        }

        if (m.Regularization is double r && !(r >= 0.0 && double.IsFinite(r)))
        {
            throw Fail(path, $"field 'map.regularization' must be a finite number >= 0 or null; got {CsvText.Format(r)}");
        }

        return shape == MapShape.Vector
            ? CalibrationMap.FromVector(weights, bias, fitted, rows, m.Regularization)
            : CalibrationMap.FromMatrix(weights, bias, fitted, rows, m.Regularization);
    }

    private static MapObjective Objective(string name, string field, string path)
        => MapShapes.TryParse(name, out MapObjective objective) ? objective : throw Fail(path, $"field '{field}' is '{name}'; expected nll, ece or distilled-kl");

    public static ThresholdSelection? FromDocument(SelectionDocument? d, string path)
    {
        if (d is null)
        {
            return null;
        }

        string mode = Required(d.Mode, "selection.mode", path);
        if (mode is not (ThresholdSelection.Fixed or ThresholdSelection.Auto))
        {
            throw Fail(path, $"field 'selection.mode' is '{mode}'; expected fixed or auto");
        }

        string output = Required(d.Output, "selection.output", path);
        if (!CalibratedOutputNames.TryParse(output, out var parsed) || !CalibratedOutputNames.IsExtraction(parsed))
        {
            throw Fail(path, $"field 'selection.output' is '{output}'; expected intersection, maxent or centroid");
        }

        var divergences = Required(d.Divergences, "selection.divergences", path);
        var epsilons = Required(d.Epsilons, "selection.epsilons", path);
        if (divergences.Length == 0 || epsilons.Length == 0)
        {
            throw Fail(path, "fields 'selection.divergences' and 'selection.epsilons' need at least one candidate each");
        }

        foreach (string name in divergences)
        {
            if (!Divergences.Divergence.TryParse(name, out _, out string? error))
            {
                throw Fail(path, $"field 'selection.divergences': {error}");
            }
        }

        if (epsilons.Any(e => !(e > 0.0 && e < 1.0)))
        {
            throw Fail(path, "field 'selection.epsilons': every candidate must lie in (0, 1)");
        }

        if (mode == ThresholdSelection.Fixed)
        {
            if (divergences.Length != 1 || epsilons.Length != 1 || d.Scores is not null || d.Folds is not null || d.Seed is not null)
            {
                throw Fail(path, "a fixed 'selection' has one divergence, one epsilon and null scores, folds and seed");
            }

            return ThresholdSelection.FixedChoice(divergences[0], epsilons[0], output);
        }

        var scores = Required(d.Scores, "selection.scores", path);
        if (scores.Length != divergences.Length || scores.Any(r => r is null || r.Length != epsilons.Length || r.Any(v => !(v >= 0.0) || !double.IsFinite(v))))
        {
            throw Fail(path, $"field 'selection.scores' must be {divergences.Length} rows of {epsilons.Length} finite numbers >= 0 (divergences x epsilons)");
        }

        int folds = Required(d.Folds, "selection.folds", path);
        if (folds < 2)
        {
            throw Fail(path, $"field 'selection.folds' must be at least 2; got {folds}");
        }

        return new ThresholdSelection(mode, output, divergences, epsilons, [.. scores.Select(r => (IReadOnlyList<double>)r)], folds, Required(d.Seed, "selection.seed", path));
    }

    public static AutoChoice? FromDocument(AutoDocument? d, string path)
    {
        if (d is null)
        {
            return null;
        }

        var candidates = Required(d.Candidates, "auto.candidates", path);
        if (candidates.Length == 0)
        {
            throw Fail(path, "field 'auto.candidates' needs at least one candidate");
        }

        var list = new List<AutoCandidate>(candidates.Length);
        for (int i = 0; i < candidates.Length; i++)
        {
            var c = candidates[i] ?? throw Fail(path, $"field 'auto.candidates[{i}]' must be an object");
            string method = Required(c.Method, $"auto.candidates[{i}].method", path);
            if (!CalibrationMethods.TryGet(method, out var candidate) || !candidate.AutoCandidate)
            {
                throw Fail(path, $"field 'auto.candidates[{i}].method' is '{method}'; expected one of {string.Join(", ", CalibrationMethods.All.Where(x => x.AutoCandidate).Select(x => x.Name))}");
            }

            string output = Required(c.Output, $"auto.candidates[{i}].output", path);
            if (!CalibratedOutputNames.TryParse(output, out var candidateOutput) || !CalibratedOutputNames.IsDistribution(candidateOutput))
            {
                throw Fail(path, $"field 'auto.candidates[{i}].output' is '{output}'; expected calibrated, {CalibratedOutputNames.Extractions}");
            }

            double score = Required(c.Score, $"auto.candidates[{i}].score", path);
            if (!(score >= 0.0) || !double.IsFinite(score))
            {
                throw Fail(path, $"field 'auto.candidates[{i}].score' must be a finite number >= 0");
            }

            double agreement = Required(c.Agreement, $"auto.candidates[{i}].agreement", path);
            if (!(agreement >= 0.0 && agreement <= 1.0))
            {
                throw Fail(path, $"field 'auto.candidates[{i}].agreement' must lie in [0, 1]");
            }

            list.Add(new AutoCandidate(method, c.Divergence, c.Epsilon, output, score, agreement));
        }

        int chosen = Required(d.ChosenIndex, "auto.chosenIndex", path);
        if (chosen < 0 || chosen >= list.Count)
        {
            throw Fail(path, $"field 'auto.chosenIndex' is {chosen}; expected an index into the {list.Count} candidates");
        }

        string name = Required(d.Chosen, "auto.chosen", path);
        if (name != list[chosen].Method)
        {
            throw Fail(path, $"inconsistent: 'auto.chosen' is '{name}' but candidate {chosen} is '{list[chosen].Method}'");
        }

        double floor = Required(d.MinimumAgreement, "auto.minimumAgreement", path);
        if (!(floor <= 1.0) || double.IsNaN(floor))
        {
            throw Fail(path, "field 'auto.minimumAgreement' must be a number <= 1");
        }

        return new AutoChoice(chosen, Required(d.Criterion, "auto.criterion", path), Required(d.Reason, "auto.reason", path), list, floor);
    }

    /// <summary>The Mondrian <c>thresholds</c> (null = unbounded) and <c>classCounts</c> arrays, or nulls.</summary>
    public static (double?[]? Thresholds, int[]? Counts) ToMondrian(RowThreshold? rows)
        => rows is not MondrianThreshold m ? (null, null) : (
            [.. Enumerable.Range(0, m.Classes).Select(c => double.IsPositiveInfinity(m.Gamma(c)) ? (double?)null : m.Gamma(c))],
            [.. Enumerable.Range(0, m.Classes).Select(m.Count)]);

    public static ShiftDocument? ToShift(RowThreshold? rows)
        => rows is not CovariateShiftThreshold t ? null : new ShiftDocument
        {
            DeploymentRows = t.DeploymentRows,
            LogPriorRatio = t.Ratio.LogPriorRatio,
            FeatureMean = [.. t.Ratio.FeatureMean],
            FeatureScale = [.. t.Ratio.FeatureScale],
            Coefficients = [.. t.Ratio.Coefficients],
            Scores = [.. t.Scores.SortedScores.ToArray().Select(v => double.IsPositiveInfinity(v) ? (double?)null : v)],
            Weights = t.Scores.SortedWeights.ToArray(),
        };

    /// <summary>The per-row threshold of the Mondrian arrays or the <c>shift</c> object (at most one may be present), or null.</summary>
    public static RowThreshold? FromDocument(double?[]? thresholds, int[]? counts, ShiftDocument? shift, FDivergence divergence, double epsilon, double? delta, int classes, int n, string path)
    {
        if ((thresholds is null) != (counts is null))
        {
            throw Fail(path, "fields 'thresholds' and 'classCounts' (Mondrian) must be given together");
        }

        if (thresholds is not null && shift is not null)
        {
            throw Fail(path, "fields 'thresholds' (Mondrian) and 'shift' exclude each other");
        }

        if (thresholds is not null)
        {
            if (thresholds.Length != classes || counts!.Length != classes)
            {
                throw Fail(path, $"fields 'thresholds' and 'classCounts' must have one entry per class ({classes}); got {thresholds.Length} and {counts!.Length}");
            }

            if (counts.Sum(c => (long)c) != n)
            {
                throw Fail(path, $"field 'classCounts' sums to {counts.Sum(c => (long)c)}; it must equal 'n' ({n})");
            }

            try
            {
                return MondrianThreshold.Restore([.. thresholds.Select(t => t ?? double.PositiveInfinity)], counts, epsilon, divergence, delta);
            }
            catch (ArgumentException ex)
            {
                throw Fail(path, "field 'thresholds': " + ex.Message);
            }
        }

        if (shift is null)
        {
            return null;
        }

        if (delta is not null)
        {
            throw Fail(path, "field 'delta' cannot be combined with 'shift' (the weighted threshold has no PAC rule)");
        }

        int deploymentRows = Required(shift.DeploymentRows, "shift.deploymentRows", path);
        var scores = shift.Scores ?? throw Fail(path, "field 'shift.scores' must be an array");
        var weights = shift.Weights ?? throw Fail(path, "field 'shift.weights' must be an array");
        if (scores.Length != n || weights.Length != n)
        {
            throw Fail(path, $"fields 'shift.scores' and 'shift.weights' must have 'n' ({n}) entries; got {scores.Length} and {weights.Length}");
        }

        var values = scores.Select(v => v ?? double.PositiveInfinity).ToArray();
        for (int i = 1; i < values.Length; i++)
        {
            if (!(values[i] >= values[i - 1]))
            {
                throw Fail(path, $"field 'shift.scores' must be sorted in increasing order (entry {i})");
            }
        }

        try
        {
            if (deploymentRows < 1)
            {
                throw new ArgumentException($"deploymentRows must be at least 1; got {deploymentRows}.");
            }

            var ratio = LogisticDensityRatio.FromParameters(
                shift.FeatureMean ?? throw Fail(path, "field 'shift.featureMean' must be an array"),
                shift.FeatureScale ?? throw Fail(path, "field 'shift.featureScale' must be an array"),
                shift.Coefficients ?? throw Fail(path, "field 'shift.coefficients' must be an array"),
                Required(shift.LogPriorRatio, "shift.logPriorRatio", path));
            if (ratio.Classes != classes)
            {
                throw new ArgumentException($"the density ratio has {ratio.Classes} features; expected one per class ({classes}).");
            }

            return new CovariateShiftThreshold(ratio, new WeightedScores(values, weights), epsilon, divergence, deploymentRows);
        }
        catch (ArgumentException ex)
        {
            throw Fail(path, "field 'shift': " + ex.Message);
        }
    }

    private static T Required<T>(T? value, string name, string path)
        where T : class
        => value ?? throw Fail(path, $"missing or null field '{name}'");

    private static T Required<T>(T? value, string name, string path)
        where T : struct
        => value ?? throw Fail(path, $"missing or null field '{name}'");

    private static CalibrationArtifactException Fail(string path, string problem) => new(path, problem, null);
}
