using CredalDistill.Calibration;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CredalDistill.Baselines;
using CredalDistill.Experiments.Data;
using CredalDistill.IO;

namespace CredalDistill.Experiments;

/// <summary>One task's demo outcome: the split-0 records of every method.</summary>
/// <param name="Task">The task result (one split).</param>
/// <param name="EdgeMicroseconds">Edge model latency per input (image, or text including its featurisation).</param>
/// <param name="CloudMicroseconds">Cloud model latency per input.</param>
/// <param name="Overconfident">The regimes methods (<see cref="RegimeRunner.Methods"/>) on the task's most overconfident axis edge, same split (null for the other tasks).</param>
/// <param name="Auto">What <c>--method auto</c> chose on the split and what it gains on its test set.</param>
public sealed record DemoTask(TaskResult Task, double EdgeMicroseconds, double CloudMicroseconds, RegimeResult? Overconfident = null, DemoAuto? Auto = null);

/// <summary>
/// The end-to-end demo (<c>credal demo</c>): for FMNIST-3 and FMNIST-10 (images), then the fortunes topic task (text), run
/// the bundled cloud and edge ONNX models on the task's bundled test split, draw one seeded calibration (unlabeled) /
/// labeled / test split, calibrate CD-CI, evaluate it against the baselines, and write a report folder (report.md,
/// report.json, figures).
/// </summary>
public static class Demo
{
    /// <summary>The demo's tasks: the image tasks, then the text task.</summary>
    public static IReadOnlyList<string> DefaultTasks => ExperimentTasks.Names;

    /// <summary>Rows of the demo table, in order.</summary>
    public static IReadOnlyList<MethodKey> Rows(string divergence, double epsilon) =>
    [
        MethodKey.Edge, MethodKey.Cloud, MethodKey.CloudTs(MapObjective.ExpectedCalibrationError), MethodKey.EdgeTs(MapObjective.ExpectedCalibrationError),
        MethodKey.DistilledTs, MethodKey.LastLayerLaplace(LastLayerLaplaceKind.Diagonal),
        MethodKey.Cdci(divergence, epsilon, CalibratedOutput.Intersection), MethodKey.Cdci(divergence, epsilon, CalibratedOutput.MaximumEntropy), MethodKey.Cdci(divergence, epsilon, CalibratedOutput.Centroid),
        .. ExperimentRunner.AutoRows,
    ];

    /// <summary>Runs the demo and writes the report folder.</summary>
    /// <param name="repositoryRoot">Folder holding data/ and models/.</param>
    /// <param name="outputDirectory">Report folder.</param>
    /// <param name="seed">Seed of the split.</param>
    /// <param name="epsilon">Miscoverage.</param>
    /// <param name="divergence">Canonical divergence name.</param>
    /// <param name="progress">Progress callback (stage, fraction).</param>
    /// <param name="taskNames">Tasks to run (default <see cref="DefaultTasks"/>: FMNIST-3, FMNIST-10, fortunes).</param>
    /// <param name="cancellationToken">Stops the run (checked between steps, batches and rows); an interrupted run writes nothing.</param>
    /// <remarks>The report folder is written all at the end or not at all (<see cref="StagedOutput"/>).</remarks>
    public static IReadOnlyList<DemoTask> Run(string repositoryRoot, string outputDirectory, ulong seed, double epsilon, string divergence, Action<string, double>? progress = null, IReadOnlyList<string>? taskNames = null, CancellationToken cancellationToken = default)
    {
        progress ??= (_, _) => { };
        cancellationToken.ThrowIfCancellationRequested();
        using var staged = StagedOutput.Create(outputDirectory);
        var results = new List<DemoTask>();
        var tasks = taskNames ?? DefaultTasks;
        var loaded = new List<TaskOutputs>();
        for (int t = 0; t < tasks.Count; t++)
        {
            var task = ExperimentTasks.Parse(tasks[t]);
            double start = (double)t / tasks.Count;
            var options = new ExperimentOptions
            {
                Splits = 1,
                Seed = seed,
                Epsilons = [epsilon],
                Divergences = [divergence],
                QuantizedBits = [],
                HeavySplits = 1,
                HeavyTestRows = int.MaxValue,
                MonteCarloTestRows = int.MaxValue,
                CentroidSamples = 300,
            };
            var outputs = TaskOutputs.Load(task, repositoryRoot, options.QuantizedBits, (stage, f) => progress($"{stage}", start + (0.25 * f / tasks.Count)), cancellationToken);
            progress($"{task.Name}: calibrating and evaluating", start + (0.3 / tasks.Count));
            var runner = new ExperimentRunner(options);
            var records = runner.Run(outputs, cancellationToken: cancellationToken);
            progress($"{task.Name}: --method auto", start + (0.7 / tasks.Count));
            var auto = DemoAuto.Run(outputs, runner.Plan(outputs, 0), cancellationToken);
            var result = new TaskResult
            {
                Task = task.Name,
                Classes = task.Classes,
                Inputs = outputs.Count,
                TestInputs = outputs.Count - options.CalibrationSize - options.LabeledSize,
                Methods = MethodSummary.ByMethod(records),
                CostMicroseconds = new Dictionary<string, double> { [CostProbe.EdgeModel] = outputs.EdgeMicroseconds, [MethodKey.Cloud.Id] = outputs.CloudMicroseconds },
            };
            progress($"{task.Name}: figures", start + (0.8 / tasks.Count));
            ExperimentFigures.Write(outputs, result, runner, options, staged.Stage("figures"), sweeps: false, cancellationToken);
            results.Add(new DemoTask(result, outputs.EdgeMicroseconds, outputs.CloudMicroseconds, Auto: auto));
            loaded.Add(outputs);
        }

        // Beside the bundled edges: the regimes methods on the most overconfident axis edge (highest recorded ECE) of the
        // first task's modality (images by default; one such edge keeps the demo fast).
        var modality = loaded.Count > 0 ? loaded[0].Task.Modality : TaskModality.Image;
        var overconfident = RegimeEdge.Catalog(repositoryRoot, [.. loaded.Where(o => o.Task.Modality == modality).Select(o => o.Task.Name)])
            .Where(e => !double.IsNaN(e.RecordedEce)).MaxBy(e => e.RecordedEce);
        if (overconfident is not null)
        {
            progress($"{overconfident.Name}: calibrating and evaluating", 0.95);
            int index = tasks.ToList().IndexOf(overconfident.Task);
            var edge = loaded[index].WithEdge(repositoryRoot, overconfident.File, overconfident.LastLayerFile, cancellationToken);
            var options = new ExperimentOptions { Splits = 1, Seed = seed, HeavyTestRows = 1000 };
            var regime = new RegimeRunner(options).Run([(overconfident.Name, edge)], cancellationToken: cancellationToken)[0];
            results[index] = results[index] with { Overconfident = regime };
        }

        AtomicFile.WriteText(staged.Stage("report.md"), w => w.Write(Markdown(results, seed, epsilon, divergence)));
        var json = JsonSerializer.Serialize(new { seed, epsilon, divergence, tasks = results }, new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals });
        AtomicFile.WriteText(staged.Stage("report.json"), w => w.Write(json));
        cancellationToken.ThrowIfCancellationRequested();
        staged.Commit();
        progress("done", 1.0);
        return results;
    }

    /// <summary>
    /// The demo's message for one task, in the order a user needs it, every number from this run: what <c>--method auto</c>
    /// picks without labels and what it gains; the paper's default as the reproduction row, and when it helps (on the
    /// overconfident edge of this run, when there is one); the credal sets and their guarantee. Percent throughout.
    /// </summary>
    /// <param name="demo">The task's results.</param>
    /// <param name="overconfident">The overconfident axis edge's results of this run, or null.</param>
    /// <param name="divergence">The paper row's divergence.</param>
    /// <param name="epsilon">The paper row's eps.</param>
    public static IReadOnlyList<string> Lead(DemoTask demo, RegimeResult? overconfident, string divergence, double epsilon)
    {
        ArgumentNullException.ThrowIfNull(demo);
        var inv = CultureInfo.InvariantCulture;
        var task = demo.Task;
        var lines = new List<string>();
        string noun = ExperimentTasks.Noun(task.Task);
        string P(double v) => (100 * v).ToString("F2", inv) + "%";
        double edgeEce = task[MethodKey.Edge]?.Mean("ece") ?? double.NaN;
        if (demo.Auto is { } auto)
        {
            lines.Add(string.Create(inv, $"1. Use `credal calibrate --method auto` (label-free: the cloud's outputs on the {auto.CalibrationRows} unlabeled calibration {noun}s, no labels). Here it chose {auto.Chosen}, the lowest cross-fitted KL to the cloud ({auto.Score:F4} nats) of {auto.Eligible} eligible candidates out of {auto.Candidates}; on the {task.TestInputs} test {noun}s: ECE {P(auto.EdgeEce)} -> {P(auto.Ece)}, accuracy {P(auto.EdgeAccuracy)} -> {P(auto.Accuracy)}."));
        }

        var paper = task[MethodKey.Cdci(divergence, epsilon, CalibratedOutput.Intersection)];
        if (paper is not null)
        {
            string effect = paper.Mean("ece") < edgeEce ? "lowers" : "raises";
            string line = string.Create(inv, $"2. The paper's default (reproduction row): CD-CI, {divergence}, eps {epsilon:R}, intersection probability {effect} ECE here, {P(edgeEce)} -> {P(paper.Mean("ece"))}. It lowers ECE only on strongly overconfident edges (the Regimes section of docs/RESULTS.md)");
            if (overconfident is not null && overconfident[RegimeRunner.CdciPaper] is { } over)
            {
                line += string.Create(inv, $"; on this run's most overconfident edge, {overconfident.Edge} ({overconfident.Task}), it {(over.Mean("ece") < overconfident.RawEce ? "lowers" : "raises")} ECE {P(overconfident.RawEce)} -> {P(over.Mean("ece"))}");
            }

            lines.Add(line + ".");
            double size = paper.Mean("set-size");
            lines.Add(string.Create(inv, $"3. The credal sets and their guarantee: with gamma = {paper.Mean("gamma"):F4} nats ({divergence}, eps {epsilon:R}) the cloud's output lies in the credal set of {P(paper.Mean("coverage"))} of the test {noun}s (guaranteed at least {P(1 - epsilon)} on average over calibration draws){(double.IsNaN(size) ? string.Empty : string.Create(inv, $"; mean label-set size {size:F2} of {task.Classes} classes"))}."));
        }

        return lines;
    }

    private static string Markdown(IReadOnlyList<DemoTask> tasks, ulong seed, double epsilon, string divergence)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("# credal demo report");
        sb.AppendLine();
        sb.AppendLine($"Seed {seed}; CD-CI with {divergence}, eps = {epsilon.ToString(inv)}; one random split of each task's bundled test split (Fashion-MNIST images; fortunes texts, `data/fortunes-topics/`) into 1,000 unlabeled calibration inputs, 1,000 labeled inputs (for the label-needing baselines) and the rest for testing. Accuracy, ECE (15 bins) and coverage in percent (report.json: fractions). Figures in `figures/`.");
        foreach (var demo in tasks)
        {
            var task = demo.Task;
            sb.AppendLine();
            string noun = ExperimentTasks.Noun(task.Task);
            sb.AppendLine($"## {task.Task}: {noun}s (K = {task.Classes}, {task.TestInputs} test inputs; edge {demo.EdgeMicroseconds.ToString("F0", inv)} µs/{noun}, cloud {demo.CloudMicroseconds.ToString("F0", inv)} µs/{noun})");
            sb.AppendLine();
            foreach (string line in Lead(demo, tasks.Select(d => d.Overconfident).OfType<RegimeResult>().FirstOrDefault(), divergence, epsilon))
            {
                sb.AppendLine(line);
            }

            sb.AppendLine();
            sb.AppendLine($"Every method on the test {noun}s:");
            sb.AppendLine();
            sb.AppendLine("| method | accuracy (%) | ECE (%) | NLL | Brier | coverage (%) | set size |");
            sb.AppendLine("|---|---|---|---|---|---|---|");
            foreach (var key in Rows(divergence, epsilon))
            {
                if (task[key] is not { } m)
                {
                    continue;
                }

                sb.AppendLine(string.Create(inv, $"| {key.Display} | {100 * m.Mean("accuracy"):F2} | {100 * m.Mean("ece"):F2} | {m.Mean("nll"):F3} | {m.Mean("brier"):F3} | {Percent(m.Mean("coverage"))} | {Optional(m.Mean("set-size"))} |"));
            }
        }

        foreach (var regime in tasks.Select(d => d.Overconfident).OfType<RegimeResult>())
        {
            sb.AppendLine();
            sb.AppendLine($"## An overconfident edge: {regime.Edge} ({regime.Task}, raw ECE {100 * regime.RawEce:F2}% on this split)");
            sb.AppendLine();
            sb.AppendLine("Same split, cloud and test inputs as above; the method names of the Regimes section of docs/RESULTS.md. `distilled-ts+cdci`: distilled T on one half of the calibration set, the KL threshold (eps 0.1) around the tempered edge on the other.");
            sb.AppendLine();
            sb.AppendLine("| method | accuracy (%) | ECE (%) | NLL | Brier | coverage (%) | set size |");
            sb.AppendLine("|---|---|---|---|---|---|---|");
            foreach (var key in RegimeRunner.Methods)
            {
                if (regime[key] is { } m)
                {
                    sb.AppendLine(string.Create(inv, $"| `{key.Id}` | {100 * m.Mean("accuracy"):F2} | {100 * m.Mean("ece"):F2} | {m.Mean("nll"):F3} | {m.Mean("brier"):F3} | {Percent(m.Mean("coverage"))} | {Optional(m.Mean("set-size"))} |"));
                }
            }
        }

        return sb.ToString();

        string Optional(double v) => double.IsNaN(v) ? "" : v.ToString("F3", inv);
        string Percent(double v) => double.IsNaN(v) ? "" : (100 * v).ToString("F1", inv);
    }
}
