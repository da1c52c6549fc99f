using CredalDistill.Cli.Bench;
using CredalDistill.IO;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CredalDistill.Cli.Commands;

/// <summary>
/// <c>credal bench</c>: times the CD-CI kernels on this machine against the paper's grid, temperature scaling and the edge
/// CNN's forward pass, all in one run, and prints the ratios; optionally JSON and docs/PERFORMANCE.md.
/// </summary>
public sealed class BenchCommand : Command<BenchSettings>
{
    /// <inheritdoc />
    public override int Execute(CommandContext context, BenchSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(settings);
        var consoles = (CliConsoles)context.Data!;
        string root = settings.Root ?? RepositoryRoot.Find();
        var suite = new BenchSuite(settings.Quick, settings.Full);
        var results = consoles.Progress.Run("bench", progress => suite.Run(root, progress, cancellationToken));
        BenchReport.Write(consoles.Out, results);
        if (settings.Json is { } json)
        {
            using var writer = AtomicFileWriter.Create(json);
            BenchReport.WriteJson(writer.Stream, results);
            writer.Commit();
            consoles.Out.MarkupLineInterpolated($"Wrote [bold]{json}[/].");
        }

        if (settings.Markdown is { } markdown)
        {
            string command = "dotnet run -c Release --project src/CredalDistill.Cli -- bench" + (settings.Quick ? " --quick" : string.Empty) + (settings.Full ? " --full" : string.Empty) + " --markdown docs/PERFORMANCE.md";
            string kept = BenchReport.KeptPart(markdown);
            using var writer = AtomicFileWriter.Create(markdown);
            using (var text = new StreamWriter(writer.Stream, leaveOpen: true))
            {
                text.Write(BenchReport.Markdown(results, command));
                text.Write(kept);
            }

            writer.Commit();
            consoles.Out.MarkupLineInterpolated($"Wrote [bold]{markdown}[/].");
        }

        return ExitCodes.Success;
    }
}
