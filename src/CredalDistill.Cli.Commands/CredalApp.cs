using CredalDistill.Cli.Commands;
using CredalDistill.IO;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CredalDistill.Cli;

/// <summary>
/// The <c>credal</c> command library's application: registration of the commands every <c>credal</c> has, the
/// executable's own (<see cref="CliComposition"/>), and the mapping of failures to exit codes (<see cref="ExitCodes"/>).
/// The repository CLI (<c>CliApp</c>) and the .NET tool (<c>ToolApp</c>) are two compositions of it.
/// </summary>
internal static class CredalApp
{
    /// <summary>Runs <c>credal</c> with <paramref name="args"/>, writing results to <paramref name="stdout"/> and diagnostics to <paramref name="stderr"/>.</summary>
    /// <param name="args">The command line (without the program name).</param>
    /// <param name="stdout">Receives results.</param>
    /// <param name="stderr">Receives warnings, errors and progress bars.</param>
    /// <param name="composition">What the executable adds (its own commands, figures) and leaves out.</param>
    /// <param name="cancellationToken">Interrupts the run (Ctrl+C); an interrupted run writes no output file and exits with 1.</param>
    /// <returns>The exit code: 0 success, 1 other error (including interruption), 2 usage error, 3 bad input data.</returns>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, CliComposition composition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(composition);
        var consoles = new CliConsoles(stdout, stderr) { Composition = composition };
        bool verbose = args.Contains("--verbose", StringComparer.Ordinal);
        if (args.Length > 0 && args[0] == "help")
        {
            // `credal help` and `credal help <command>` are `credal --help` and `credal <command> --help`.
            args = [.. args.Skip(1), "--help"];
        }

        if (args.Length > 0 && composition.AbsentCommands.TryGetValue(args[0], out string? absent))
        {
            return Usage(consoles, absent, null);
        }

        if (args.Length == 0 || args.Any(a => a is "--help" or "-h"))
        {
            consoles.UseHelpWidth();
        }

        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("credal");
            config.SetApplicationVersion(Version);
            config.ConfigureConsole(consoles.Out);
            config.PropagateExceptions();
            config.UseStrictParsing();
            config.CancellationExitCode(ExitCodes.Failure);
            config.AddCommand<CalibrateCommand>("calibrate")
                .WithData(consoles)
                .WithDescription("Fit a calibration method (default: the CD-CI conformal threshold) on paired cloud/edge outputs and save a calibration artifact.")
                .WithExample("calibrate", "--cloud", "cal_cloud.csv", "--edge", "cal_edge.csv", "--epsilon", "0.1", "--out", "cal.json")
                .WithExample("calibrate", "--cloud", "cal_cloud.csv", "--edge", "cal_edge.csv", "--method", "auto", "--out", "cal.json");
            config.AddCommand<PredictCommand>("predict")
                .WithData(consoles)
                .WithDescription("Apply a calibration artifact to edge outputs: the calibrated edge (the map's output), a distribution from each credal set, its bounds, or label sets.")
                .WithExample("predict", "--calibration", "cal.json", "--edge", "test_edge.csv", "--out", "pred.csv")
                .WithExample("predict", "--calibration", "cal.json", "--edge", "test_edge.npy", "--output", "bounds", "--out", "bounds.npy");
            config.AddCommand<EvaluateCommand>("evaluate")
                .WithData(consoles)
                .WithDescription("Evaluate one or several calibration artifacts on labelled test data in one table: coverage, accuracy/ECE/NLL/Brier of edge, cloud and calibrated outputs, label sets.")
                .WithExample("evaluate", "--calibration", "cal.json", "--edge", "test_edge.csv", "--cloud", "test_cloud.csv", "--labels", "test_labels.csv", "--json", "report.json")
                .WithExample("evaluate", "--calibration", "cdci.json", "--calibration", "dts.json", "--edge", "test_edge.csv", "--cloud", "test_cloud.csv", "--labels", "test_labels.csv");
            config.AddCommand<DeferCommand>("defer")
                .WithData(consoles)
                .WithDescription("Decide which inputs the device sends to the cloud, from each input's credal set (label set, interval width, rival upper probability) or the confidence baseline.")
                .WithExample("defer", "--calibration", "cal.json", "--edge", "edge.csv", "--rule", "label-set", "--out", "decisions.csv");
            config.AddCommand<MonitorCommand>("monitor")
                .WithData(consoles)
                .WithDescription("Watch a calibration on audited (cloud, edge) pairs: running coverage with an anytime-valid confidence sequence; exit 4 on an alarm; optional refreshed artifact.")
                .WithExample("monitor", "--calibration", "cal.json", "--pairs", "audited.csv", "--json", "monitor.json");
            config.AddCommand<SqlCommand>("sql")
                .WithData(consoles)
                .WithDescription("Print the CD-CI calibration query (log-domain scores, exact threshold per group) and a coverage-monitoring query for a SQL warehouse (duckdb, postgres, spark, trino).")
                .WithExample("sql", "--dialect", "postgres", "--table", "pairs", "--cloud-columns", "c0,c1,c2", "--edge-columns", "e0,e1,e2", "--group-by", "model", "--epsilon", "0.1");
            config.AddCommand<ExportCommand>("export")
                .WithData(consoles)
                .WithDescription("Append the calibration to an edge ONNX model as standard ONNX operators: one file that any ONNX Runtime runs (outputs probabilities, lower, upper, label_set).")
                .WithExample("export", "--model", "edge.onnx", "--calibration", "cal.json", "--out", "edge-calibrated.onnx");
            composition.AddCommands?.Invoke(config, consoles);
            config.SetHelpProvider(new CredalHelpProvider(config.Settings));
            config.SetInterceptor(new FilePathCheck());
        });

        try
        {
            if (args.Length == 0)
            {
                // No command: show the help, but as a usage error.
                app.Run(["--help"]);
                return ExitCodes.Usage;
            }

            return app.Run(args, cancellationToken);
        }
        catch (CommandAppException ex)
        {
            return Usage(consoles, ex.Message, verbose ? ex : null);
        }
        catch (UsageException ex)
        {
            return Usage(consoles, ex.Message, verbose ? ex : null);
        }
        catch (DataFormatException ex)
        {
            return Report(consoles, ExitCodes.BadData, Services.DataErrorHints.Message(ex), verbose ? ex : null);
        }
        catch (OperationCanceledException)
        {
            return Report(consoles, ExitCodes.Failure, "interrupted; no output file was written", null);
        }
        catch (FileNotFoundException ex)
        {
            return Report(consoles, ExitCodes.Failure, $"file not found: {ex.FileName ?? ex.Message}", verbose ? ex : null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Report(consoles, ExitCodes.Failure, UserPath(ex.Message), verbose ? ex : null);
        }
#pragma warning disable CA1031 // The CLI's last line of defence: every failure becomes a message and exit code 1.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return Report(consoles, ExitCodes.Failure, $"{ex.GetType().Name}: {ex.Message}", verbose ? ex : null);
        }
    }

    /// <summary>The version <c>credal --version</c> prints: the assembly's informational version without the source revision.</summary>
    public static string Version { get; } = (typeof(CredalApp).Assembly
        .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
        .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion ?? "0.0.0")
        .Split('+')[0];

    /// <summary>
    /// An I/O message with the atomic writer's temporary file (<c>dir/.name.0123456789ab.tmp</c>, see
    /// <c>AtomicFileWriter</c>) replaced by the file the user asked for (<c>dir/name</c>): the user never sees internal names.
    /// </summary>
    internal static string UserPath(string message)
        => System.Text.RegularExpressions.Regex.Replace(message, @"\.(?<name>[^/\\'""\s]+)\.[0-9a-f]{12}\.tmp", "${name}");

    private static int Usage(CliConsoles consoles, string message, Exception? verbose)
    {
        Report(consoles, ExitCodes.Usage, message, verbose);
        consoles.Error.WriteLine("Run 'credal --help' or 'credal <command> --help' for the options.");
        return ExitCodes.Usage;
    }

    private static int Report(CliConsoles consoles, int code, string message, Exception? verbose)
    {
        consoles.Fail(message);
        if (verbose is not null)
        {
            consoles.Error.WriteException(verbose);
        }

        return code;
    }
}
