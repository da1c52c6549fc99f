namespace CredalDistill.Cli;

/// <summary>
/// The <c>credal</c> .NET tool: the command library (<see cref="CredalApp"/>) with nothing added. The repository's
/// commands on its bundled data and models and <c>evaluate --figures</c> are absent, each with a usage error saying how
/// to run it from a clone; DuckDB's native library is not packed, so the engine commands say where to put it.
/// </summary>
internal static class ToolApp
{
    private const string FromClone = "in a clone of the repository run: dotnet run -c Release --project src/CredalDistill.Cli --";

    /// <summary>The tool's composition.</summary>
    public static CliComposition Composition { get; } = new()
    {
        AbsentCommands = new[] { "demo", "experiment", "bench" }.ToDictionary(
            name => name,
            name => $"'{name}' works on the repository's bundled data and models and is not in the credal tool package; {FromClone} {name}",
            StringComparer.Ordinal),
        FiguresAbsent = $"the credal tool package has no plotting library (ScottPlot); for reliability diagrams {FromClone} evaluate ... --figures DIR",
        DuckDbAbsent = "the credal tool package does not include DuckDB's native library (36-112 MB per platform); put libduckdb (DuckDB 1.5, from DuckDB's releases) on the library path (LD_LIBRARY_PATH, DYLD_LIBRARY_PATH or PATH), or run credal from a clone of the repository, which has it for every platform; ",
    };
}
