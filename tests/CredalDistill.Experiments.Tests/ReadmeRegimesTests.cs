namespace CredalDistill.Experiments.Tests;

/// <summary>
/// The README's "which method for which edge" block quotes the generated findings of docs/RESULTS.md verbatim: this test
/// fails when `credal experiment` regenerated the results and the quote was not updated with them.
/// </summary>
public sealed class ReadmeRegimesTests
{
    [Fact]
    public void Readme_quotes_the_generated_regime_findings_verbatim()
    {
        string root = FindRoot();
        string readme = File.ReadAllText(Path.Combine(root, "README.md")).ReplaceLineEndings("\n");
        string results = File.ReadAllText(Path.Combine(root, "docs", "RESULTS.md")).ReplaceLineEndings("\n");

        int start = readme.IndexOf("<!-- regimes:start -->", StringComparison.Ordinal);
        int end = readme.IndexOf("<!-- regimes:end -->", StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "README.md has no regimes block");
        var quoted = Bullets(readme[start..end]);

        const string heading = "### Findings (generated from the tables below)";
        int from = results.IndexOf(heading, StringComparison.Ordinal);
        Assert.True(from >= 0, "docs/RESULTS.md has no generated regime findings");
        int to = results.IndexOf("\n###", from + heading.Length, StringComparison.Ordinal);
        var generated = Bullets(results[(from + heading.Length)..(to < 0 ? results.Length : to)]);

        Assert.NotEmpty(generated);
        Assert.Equal(generated, quoted);
    }

    private static List<string> Bullets(string text)
        => [.. text.Split('\n').Select(l => l.TrimEnd()).Where(l => l.StartsWith("* ", StringComparison.Ordinal))];

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CredalDistill.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root (CredalDistill.slnx) not found above " + AppContext.BaseDirectory);
    }
}
