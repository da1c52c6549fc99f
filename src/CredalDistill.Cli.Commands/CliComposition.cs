using CredalDistill.Cli.Services;
using Spectre.Console.Cli;

namespace CredalDistill.Cli;

/// <summary>
/// What a <c>credal</c> executable adds to the command library: the repository CLI (src/CredalDistill.Cli) registers the
/// commands on the bundled data and models and the reliability-diagram writer; the .NET tool package
/// (src/CredalDistill.Tool) registers none and names what it leaves out. <see cref="CredalApp.Run"/> reads it.
/// </summary>
internal sealed class CliComposition
{
    /// <summary>Registers the executable's own commands (after the library's calibrate, predict, evaluate, defer, monitor, sql, export).</summary>
    public Action<IConfigurator, CliConsoles>? AddCommands { get; init; }

    /// <summary>Commands this executable leaves out, each with the usage error <c>credal NAME</c> reports.</summary>
    public IReadOnlyDictionary<string, string> AbsentCommands { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Writes <c>credal evaluate --figures DIR</c>'s reliability diagrams and returns the file names, or null when the
    /// executable has no plotting library (then <c>--figures</c> is a usage error saying <see cref="FiguresAbsent"/>).
    /// </summary>
    public Func<string, IReadOnlyList<EvaluationSums>, IReadOnlyList<string>, BootstrapEvidence?, CancellationToken, List<string>>? WriteFigures { get; init; }

    /// <summary>Why <c>--figures</c> is unavailable when <see cref="WriteFigures"/> is null.</summary>
    public string FiguresAbsent { get; init; } = "this credal has no plotting library";

    /// <summary>The advice <c>calibrate --query</c> and <c>predict --group</c> give when DuckDB's native library does not load.</summary>
    public string DuckDbAbsent { get; init; } = "DuckDB is not available on this platform; ";
}
