using System.Diagnostics;
using System.Text.Json;
using CredalDistill.Experiments.Data;
using CredalDistill.IO;

namespace CredalDistill.Experiments;

/// <summary>
/// The whole experiment: for each task, run the bundled models, every method on every split, aggregate, measure costs,
/// and write RESULTS.md, results.json and the figures.
/// </summary>
public static class Experiment
{
    /// <summary>Runs the experiment and writes its outputs into <paramref name="outputDirectory"/>.</summary>
    /// <param name="options">Protocol.</param>
    /// <param name="repositoryRoot">Folder holding data/ and models/.</param>
    /// <param name="outputDirectory">Where RESULTS.md, results.json and figures/ go (e.g. docs).</param>
    /// <param name="command">The command line to quote in RESULTS.md.</param>
    /// <param name="progress">Progress callback: (stage, fraction in [0, 1]).</param>
    /// <param name="cancellationToken">Stops the run (checked between steps, batches and rows); an interrupted run writes nothing.</param>
    /// <remarks>RESULTS.md, results.json, figures/, GUARANTEE.md and guarantee.json are written all at the end or not at all (<see cref="StagedOutput"/>).</remarks>
    public static IReadOnlyList<TaskResult> Run(ExperimentOptions options, string repositoryRoot, string outputDirectory, string command, Action<string, double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        progress ??= (_, _) => { };
        cancellationToken.ThrowIfCancellationRequested();
        using var staged = StagedOutput.Create(outputDirectory);
        var clock = Stopwatch.StartNew();
        var results = new List<TaskResult>();
        var runner = new ExperimentRunner(options);
        var guarantee = new List<CoverageCheck>();
        string figures = staged.Stage("figures");
        bool regimes = options.RegimeEdgesPerTask > 0;
        var report = progress;
        progress = (stage, fraction) => report(stage, (regimes ? 0.6 : 0.98) * fraction);
        var loaded = new List<TaskOutputs>();
        for (int t = 0; t < options.Tasks.Count; t++)
        {
            var task = ExperimentTasks.Parse(options.Tasks[t]);
            double start = (double)t / options.Tasks.Count;
            double span = 1.0 / options.Tasks.Count;
            var outputs = TaskOutputs.Load(task, repositoryRoot, options.QuantizedBits, (stage, f) => progress($"{stage}", start + (0.1 * span * f)), cancellationToken);
            int done = 0;
            var records = runner.Run(outputs, _ =>
            {
                int d = Interlocked.Increment(ref done);
                progress($"{task.Name}: split {d}/{options.Splits}", start + (span * (0.1 + (0.8 * d / options.Splits))));
            }, cancellationToken);
            progress($"{task.Name}: measuring costs", start + (0.9 * span));
            var costs = CostProbe.Measure(outputs, runner, options, cancellationToken);
            var methods = MethodSummary.ByMethod(records);
            var result = new TaskResult
            {
                Task = task.Name,
                Classes = task.Classes,
                Inputs = outputs.Count,
                TestInputs = outputs.Count - options.CalibrationSize - options.LabeledSize,
                Methods = methods,
                CostMicroseconds = costs,
            };
            results.Add(result);
            progress($"{task.Name}: figures", start + (0.95 * span));
            ExperimentFigures.Write(outputs, result, runner, options, figures, cancellationToken: cancellationToken);
            guarantee.AddRange(Guarantee(task.Name, outputs, options, cancellationToken));
            loaded.Add(outputs);
        }

        WriteGuarantee(staged, guarantee, options, command);

        var regimeClock = Stopwatch.StartNew();
        var regimeResults = regimes ? RunRegimes(options, repositoryRoot, loaded, (stage, fraction) => report(stage, 0.6 + (0.38 * fraction)), cancellationToken) : [];
        string regimeSection = string.Empty;
        if (regimeResults.Count > 0)
        {
            RegimeFigures.Write(regimeResults, figures);
            regimeSection = RegimesMarkdown.Render(options, regimeResults, options.CalibrationSize, regimeClock.Elapsed);
        }

        var beyondClock = Stopwatch.StartNew();
        var thresholds = new List<ThresholdStudyResult>();
        var deferral = new List<DeferralStudyResult>();
        var monitoring = new List<MonitoringStudyResult>();
        string beyondSection = string.Empty;
        if (options.BeyondPaper)
        {
            // The shifts transform images: thresholds under shift and monitoring run on the image tasks; deferral on every task.
            foreach (var outputs in loaded)
            {
                if (outputs.Task.Modality == TaskModality.Image)
                {
                    report($"{outputs.Task.Name}: shifted images", 0.99);
                    var shifted = ImageShift.Defaults.Select(s => outputs.Shifted(repositoryRoot, s, options.Seed, cancellationToken)).ToList();
                    report($"{outputs.Task.Name}: thresholds, deferral, monitoring", 0.995);
                    thresholds.Add(new ThresholdStudy(options).Run(outputs, shifted, ImageShift.Defaults, cancellationToken));
                    monitoring.Add(new MonitoringStudy(options).Run(outputs, shifted, ImageShift.Defaults, cancellationToken));
                }

                report($"{outputs.Task.Name}: deferral", 0.995);
                deferral.Add(new DeferralStudy(options).Run(outputs, cancellationToken));
            }

            BeyondPaperFigures.Write(deferral, monitoring, figures);
            beyondSection = BeyondPaperMarkdown.Render(options, thresholds, deferral, monitoring, beyondClock.Elapsed, [.. loaded.Where(o => o.Task.Modality != TaskModality.Image).Select(o => o.Task.Name)]);
        }

        string markdown = ResultsMarkdown.Render(options, results, command, clock.Elapsed)
            + (regimeSection.Length > 0 ? Environment.NewLine + regimeSection : string.Empty)
            + (beyondSection.Length > 0 ? Environment.NewLine + beyondSection : string.Empty);
        AtomicFile.WriteText(staged.Stage("RESULTS.md"), w => w.Write(markdown));
        var json = JsonSerializer.Serialize(new { command, options, elapsedSeconds = clock.Elapsed.TotalSeconds, regimesSeconds = regimeClock.Elapsed.TotalSeconds, tasks = results, regimes = regimeResults.Select(r => r.ToJson()), thresholds, deferral, monitoring }, new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals });
        AtomicFile.WriteText(staged.Stage("results.json"), w => w.Write(json));
        cancellationToken.ThrowIfCancellationRequested();
        staged.Commit();
        progress("done", 1.0);
        return results;
    }

    /// <summary>
    /// The regimes comparison (<see cref="RegimeRunner"/>) on the catalogued edges of every task in <paramref name="loaded"/>
    /// (each task's cloud outputs and labels reused; the bundled edge's outputs too).
    /// </summary>
    public static List<RegimeResult> RunRegimes(ExperimentOptions options, string repositoryRoot, IReadOnlyList<TaskOutputs> loaded, Action<string, double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loaded);
        progress ??= (_, _) => { };
        var catalog = RegimeEdge.Catalog(repositoryRoot, [.. loaded.Select(o => o.Task.Name)], options.RegimeEdgesPerTask);
        var edges = new List<(string Name, TaskOutputs Outputs)>();
        foreach (var edge in catalog)
        {
            cancellationToken.ThrowIfCancellationRequested();
            progress($"regimes: running {edge.Name}", 0.05 * edges.Count / catalog.Count);
            var task = loaded.Single(o => o.Task.Name == edge.Task);
            edges.Add((edge.Name, edge.File == $"{edge.Task}-edge.onnx" ? task : task.WithEdge(repositoryRoot, edge.File, edge.LastLayerFile, cancellationToken)));
        }

        return new RegimeRunner(options).Run(edges, (done, total) => progress($"regimes: {done}/{total} edge-splits", 0.05 + (0.95 * done / total)), cancellationToken);
    }

    /// <summary>
    /// Runs only the coverage guarantee test (<see cref="GuaranteeAtScale"/>) on the bundled models' outputs and writes
    /// GUARANTEE.md and guarantee.json into <paramref name="outputDirectory"/> (all at the end, or nothing).
    /// </summary>
    public static IReadOnlyList<CoverageCheck> RunGuarantee(ExperimentOptions options, string repositoryRoot, string outputDirectory, string command, Action<string, double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        progress ??= (_, _) => { };
        cancellationToken.ThrowIfCancellationRequested();
        using var staged = StagedOutput.Create(outputDirectory);
        var checks = new List<CoverageCheck>();
        for (int t = 0; t < options.Tasks.Count; t++)
        {
            var task = ExperimentTasks.Parse(options.Tasks[t]);
            double start = (double)t / options.Tasks.Count;
            var outputs = TaskOutputs.Load(task, repositoryRoot, [], (stage, f) => progress(stage, start + (0.9 * f / options.Tasks.Count)), cancellationToken);
            progress($"{task.Name}: {options.GuaranteeSplits} splits", start + (0.9 / options.Tasks.Count));
            checks.AddRange(Guarantee(task.Name, outputs, options, cancellationToken));
        }

        WriteGuarantee(staged, checks, options, command);
        cancellationToken.ThrowIfCancellationRequested();
        staged.Commit();
        progress("done", 1.0);
        return checks;
    }

    private static List<CoverageCheck> Guarantee(string task, TaskOutputs outputs, ExperimentOptions options, CancellationToken cancellationToken) =>
        GuaranteeAtScale.Run(task, outputs.Cloud, outputs.Edge, options.CalibrationSize, options.GuaranteeSplits, options.GuaranteeEpsilons, options.GuaranteeDivergences, options.Seed, cancellationToken);

    private static void WriteGuarantee(StagedOutput staged, List<CoverageCheck> checks, ExperimentOptions options, string command)
    {
        AtomicFile.WriteText(staged.Stage("GUARANTEE.md"), w => w.Write(GuaranteeAtScale.Markdown(checks, command, options.Seed)));
        var json = JsonSerializer.Serialize(new { command, seed = options.Seed, passed = GuaranteeAtScale.Passed(checks), checks }, new JsonSerializerOptions { WriteIndented = true });
        AtomicFile.WriteText(staged.Stage("guarantee.json"), w => w.Write(json));
    }
}
