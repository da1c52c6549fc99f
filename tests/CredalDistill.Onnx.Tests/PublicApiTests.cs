using CredalDistill.Tests.Support;

namespace CredalDistill.Onnx.Tests;

/// <summary>
/// Public-API snapshot of CredalDistill.Onnx against the committed <c>tests/CredalDistill.Onnx.Tests/PublicApi.CredalDistill.Onnx.txt</c>
/// (listing code shared with the core's test). After an intended change:
/// <c>UPDATE_PUBLIC_API=1 dotnet test tests/CredalDistill.Onnx.Tests --filter PublicApiTests</c>, then commit the file.
/// </summary>
public sealed class PublicApiTests
{
    [Fact]
    public void Public_api_matches_the_committed_snapshot()
    {
        string actual = PublicApiListing.Generate(typeof(OnnxClassifier).Assembly);
        string? diff = PublicApiListing.Compare(actual, PublicApiListing.RepositoryFile("tests/CredalDistill.Onnx.Tests/PublicApi.CredalDistill.Onnx.txt"));
        Assert.True(diff is null, diff);
    }
}
