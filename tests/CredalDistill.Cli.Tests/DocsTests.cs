using System.Text.RegularExpressions;

namespace CredalDistill.Cli.Tests;

/// <summary>
/// Issue 22: what a newcomer reads can be followed from a clone: no reference to the steering folder (<c>../shared</c>) or
/// to issue numbers, every "METHOD.md section N" cited in the sources and docs exists in docs/METHOD.md, and every
/// command that runs the CLI from the repository is a Release build.
/// </summary>
public sealed partial class DocsTests
{
    private static readonly string Root = RepositoryRoot.Find();

    /// <summary>The pages a user reads: README, docs, the model card, the web page and the tools' scripts.</summary>
    private static IEnumerable<string> ReaderFiles()
    {
        yield return Path.Combine(Root, "README.md");
        yield return Path.Combine(Root, "models", "README.md");
        yield return Path.Combine(Root, "web", "README.md");
        yield return Path.Combine(Root, "web", "index.html");
        foreach (string dir in new[] { "docs", Path.Combine("web", "src"), Path.Combine("web", "test"), Path.Combine("web", "scripts"), "tools" })
        {
            foreach (string file in Directory.EnumerateFiles(Path.Combine(Root, dir), "*", SearchOption.AllDirectories))
            {
                if (Path.GetExtension(file) is ".md" or ".js" or ".mjs" or ".html" or ".sh" or ".css" && !file.Contains("node_modules", StringComparison.Ordinal))
                {
                    yield return file;
                }
            }
        }
    }

    [GeneratedRegex(@"\.\./shared|shared/METHOD|\bissues? \d+|\(issue\b|the targets of issue", RegexOptions.IgnoreCase)]
    private static partial Regex Unfollowable();

    [GeneratedRegex(@"METHOD\.md(?:'s)?\s*(?:section\s*|§\s*)?(\d+(?:\.\d+)?[a-z]?)\b")]
    private static partial Regex SectionCitation();

    [GeneratedRegex(@"^#{2,3} (\d+(?:\.\d+)?[a-z]?)[ .]", RegexOptions.Multiline)]
    private static partial Regex SectionHeading();

    [Fact]
    public void Reader_pages_cite_no_steering_folder_and_no_issue_numbers()
    {
        var bad = ReaderFiles()
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: Path.GetRelativePath(Root, f), Line: i + 1, Text: line)))
            .Where(x => Unfollowable().IsMatch(x.Text))
            .Select(x => $"{x.File}:{x.Line}: {x.Text.Trim()}")
            .ToList();
        Assert.True(bad.Count == 0, string.Join('\n', bad));
    }

    [Fact]
    public void Cli_help_cites_no_steering_folder_and_no_issue_numbers()
    {
        foreach (string command in new[] { "calibrate", "predict", "evaluate", "defer", "monitor", "export", "demo", "bench", "experiment" })
        {
            string help = CliRun.Invoke(command, "--help").Stdout;
            Assert.False(Unfollowable().IsMatch(help), $"{command} --help: {Unfollowable().Match(help).Value}");
            Assert.DoesNotMatch(@"(?<!docs/)METHOD\.md", help);
        }
    }

    [Fact]
    public void Every_cited_method_section_exists_in_docs_method()
    {
        var sections = SectionHeading().Matches(File.ReadAllText(Path.Combine(Root, "docs", "METHOD.md"))).Select(m => m.Groups[1].Value).ToHashSet();
        Assert.Contains("3.1a", sections);
        var files = ReaderFiles().Concat(Directory.EnumerateFiles(Path.Combine(Root, "src"), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal) && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
        var missing = files
            .SelectMany(f => SectionCitation().Matches(File.ReadAllText(f)).Select(m => (File: Path.GetRelativePath(Root, f), Section: m.Groups[1].Value)))
            .Where(x => !sections.Contains(x.Section))
            .Select(x => $"{x.File}: section {x.Section}")
            .Distinct()
            .ToList();
        Assert.True(missing.Count == 0, string.Join('\n', missing));
    }

    [Fact]
    public void Every_documented_run_of_the_cli_is_a_release_build()
    {
        var debug = ReaderFiles()
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: Path.GetRelativePath(Root, f), Line: i + 1, Text: line)))
            .Where(x => x.Text.Contains("dotnet run", StringComparison.Ordinal) && x.Text.Contains("src/CredalDistill.Cli", StringComparison.Ordinal) && !x.Text.Contains("-c Release", StringComparison.Ordinal))
            .Select(x => $"{x.File}:{x.Line}: {x.Text.Trim()}")
            .ToList();
        Assert.True(debug.Count == 0, string.Join('\n', debug));
    }

    [Fact]
    public void The_readme_starts_with_the_demo_and_the_test_command()
    {
        var lines = File.ReadLines(Path.Combine(Root, "README.md")).SkipWhile(l => !l.StartsWith("```bash", StringComparison.Ordinal)).Skip(1).Take(2).ToList();
        Assert.StartsWith("dotnet run -c Release --project src/CredalDistill.Cli -- demo ", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("dotnet test CredalDistill.slnx ", lines[1], StringComparison.Ordinal);
    }
}
