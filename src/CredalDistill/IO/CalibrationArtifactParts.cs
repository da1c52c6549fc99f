using CredalDistill.Calibration;
using static CredalDistill.IO.CalibrationArtifactDocument;

namespace CredalDistill.IO;

/// <summary>Conversion and checks of the version-2 objects of a calibration artifact: <c>temperature</c>, <c>selection</c>, <c>auto</c>.</summary>
internal static class CalibrationArtifactParts
{
    public static TemperatureDocument? ToDocument(TemperatureFit? t)
        => t is null ? null : new TemperatureDocument { Value = t.Value, Objective = t.Objective, N = t.N };

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
            Candidates = [.. a.Candidates.Select(c => new CandidateDocument { Method = c.Method, Divergence = c.Divergence, Epsilon = c.Epsilon, Output = c.Output, Score = c.Score })],
        };

    public static TemperatureFit? FromDocument(TemperatureDocument? d, string path)
    {
        if (d is null)
        {
            return null;
        }

        double value = Required(d.Value, "temperature.value", path);
        if (!(value > 0.0) || !double.IsFinite(value))
        {
            throw Fail(path, $"field 'temperature.value' must be a finite number > 0; got {CsvText.Format(value)}");
        }

        string objective = Required(d.Objective, "temperature.objective", path);
        if (!TemperatureFit.IsObjective(objective))
        {
            throw Fail(path, $"field 'temperature.objective' is '{objective}'; expected nll, ece or distilled-kl");
        }

        int n = Required(d.N, "temperature.n", path);
        return n >= 1 ? new TemperatureFit(value, objective, n) : throw Fail(path, $"field 'temperature.n' must be at least 1; got {n}");
    }

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
        if (!CalibratedOutputNames.TryParse(output, out var parsed) || parsed == CalibratedOutput.Tempered)
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
            if (method is not (CalibratorNames.Cdci or CalibratorNames.DistilledTs or CalibratorNames.TwoStage))
            {
                throw Fail(path, $"field 'auto.candidates[{i}].method' is '{method}'; expected cdci, distilled-ts or distilled-ts+cdci");
            }

            string output = Required(c.Output, $"auto.candidates[{i}].output", path);
            if (!CalibratedOutputNames.TryParse(output, out _))
            {
                throw Fail(path, $"field 'auto.candidates[{i}].output' is '{output}'; expected tempered, intersection, maxent or centroid");
            }

            double score = Required(c.Score, $"auto.candidates[{i}].score", path);
            if (!(score >= 0.0) || !double.IsFinite(score))
            {
                throw Fail(path, $"field 'auto.candidates[{i}].score' must be a finite number >= 0");
            }

            list.Add(new AutoCandidate(method, c.Divergence, c.Epsilon, output, score));
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

        return new AutoChoice(chosen, Required(d.Criterion, "auto.criterion", path), Required(d.Reason, "auto.reason", path), list);
    }

    private static T Required<T>(T? value, string name, string path)
        where T : class
        => value ?? throw Fail(path, $"missing or null field '{name}'");

    private static T Required<T>(T? value, string name, string path)
        where T : struct
        => value ?? throw Fail(path, $"missing or null field '{name}'");

    private static CalibrationArtifactException Fail(string path, string problem) => new(path, problem, null);
}
