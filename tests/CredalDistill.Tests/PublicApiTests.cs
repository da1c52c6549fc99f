using CredalDistill.Tests.Support;

namespace CredalDistill.Tests;

/// <summary>
/// Public-API snapshot of the CredalDistill assembly: the reflection listing (<see cref="PublicApiListing"/>) must equal
/// the committed <c>tests/CredalDistill.Tests/PublicApi.CredalDistill.txt</c>; a difference fails with the removed and
/// added lines. After an intended change, regenerate and commit the file:
/// <c>UPDATE_PUBLIC_API=1 dotnet test tests/CredalDistill.Tests --filter PublicApiTests</c>.
/// </summary>
public class PublicApiTests
{
    [Fact]
    public void Public_api_matches_the_committed_snapshot()
    {
        string actual = PublicApiListing.Generate(typeof(ProbabilityMatrix).Assembly);
        string? diff = PublicApiListing.Compare(actual, PublicApiListing.RepositoryFile("tests/CredalDistill.Tests/PublicApi.CredalDistill.txt"));
        Assert.True(diff is null, diff);
    }

    [Fact]
    public void Plumbing_and_dataset_code_are_not_public()
    {
        string[] exported = [.. typeof(ProbabilityMatrix).Assembly.GetExportedTypes().Select(t => t.Name)];
        Assert.DoesNotContain("Check", exported);
        Assert.DoesNotContain("Softmax", exported);
        Assert.DoesNotContain("SplitMix64", exported);
        Assert.DoesNotContain("AtomicFile", exported);
        Assert.DoesNotContain("AtomicFileWriter", exported);
        Assert.DoesNotContain("CsvTableWriter", exported);
        Assert.DoesNotContain("SymmetricEigen", exported);
        Assert.DoesNotContain(exported, n => n.Contains("FashionMnist", StringComparison.Ordinal) || n.StartsWith("Idx", StringComparison.Ordinal));
    }
}
