using CredalDistill.Cli.Commands;
using CredalDistill.Cli.Services;

namespace CredalDistill.Cli;

/// <summary>
/// The repository's <c>credal</c>: the command library (<see cref="CredalApp"/>) plus the commands on the bundled data
/// and models (demo, bench, experiment) and <c>evaluate --figures</c>. <see cref="Run"/> is the in-process entry point
/// used by <c>Program</c> and the tests.
/// </summary>
public static class CliApp
{
    /// <summary>Runs <c>credal</c> with <paramref name="args"/>, writing results to <paramref name="stdout"/> and diagnostics to <paramref name="stderr"/>.</summary>
    /// <param name="args">The command line (without the program name).</param>
    /// <param name="stdout">Receives results.</param>
    /// <param name="stderr">Receives warnings, errors and progress bars.</param>
    /// <param name="cancellationToken">Interrupts the run (Ctrl+C); an interrupted run writes no output file and exits with 1.</param>
    /// <returns>The exit code: 0 success, 1 other error (including interruption), 2 usage error, 3 bad input data.</returns>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
        => CredalApp.Run(args, stdout, stderr, Composition, cancellationToken);

    /// <summary>The version <c>credal --version</c> prints.</summary>
    public static string Version => CredalApp.Version;

    /// <summary>The repository composition: its three commands and the reliability-diagram writer.</summary>
    internal static CliComposition Composition { get; } = new()
    {
        AddCommands = (config, consoles) =>
        {
            config.AddCommand<DemoCommand>("demo")
                .WithData(consoles)
                .WithDescription("The end-to-end job: bundled Fashion-MNIST and ONNX models, one seeded split, CD-CI against the baselines, a table and a report folder.")
                .WithExample("demo")
                .WithExample("demo", "--seed", "7", "--epsilon", "0.2");
            config.AddCommand<BenchCommand>("bench")
                .WithData(consoles)
                .WithDescription("Time the CD-CI kernels on this machine against the paper's grid, temperature scaling and the edge forward pass, as ratios (under a minute; --quick: seconds).")
                .WithExample("bench", "--quick", "--json", "bench.json");
            config.AddCommand<ExperimentCommand>("experiment")
                .WithData(consoles)
                .WithDescription("Regenerate docs/RESULTS.md, docs/results.json and docs/figures: every method on many seeded splits (--quick: a smoke run).")
                .WithExample("experiment", "--quick");
        },
        WriteFigures = EvaluationFigures.Write,
    };
}
