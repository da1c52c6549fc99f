namespace CredalDistill.Onnx.Tests;

public sealed class LastLayerTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("credaldistill-lastlayer-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void ReadsAValidFile()
    {
        LastLayer l = LastLayer.Load(Write("""{"classes":2,"features":3,"weight":[[1,2,3],[4,5,6]],"bias":[0.5,-0.5]}"""));
        Assert.Equal(2, l.Classes);
        Assert.Equal(3, l.Features);
        double[] logits = new double[2];
        l.Apply([1f, 0f, -1f], logits);
        Assert.Equal([-1.5, -2.5], logits);
    }

    [Theory]
    [InlineData("""{"classes":2,"features":3,"weight":[[1,2,3]],"bias":[0,0]}""", "weight has 1 rows")]
    [InlineData("""{"classes":2,"features":3,"weight":[[1,2,3],[4,5]],"bias":[0,0]}""", "weight[1] has 2 entries")]
    [InlineData("""{"classes":2,"features":3,"weight":[[1,2,3],[4,5,6]],"bias":[0]}""", "bias has 1 entries")]
    [InlineData("""{"classes":2,"features":3,"weight":[[1,2,3],[4,"x",6]],"bias":[0,0]}""", "weight[1][1]")]
    [InlineData("""{"features":3,"weight":[],"bias":[]}""", "missing property 'classes'")]
    [InlineData("""{"classes":2,""", "invalid JSON")]
    public void RejectsMalformedFilesNamingTheProblem(string json, string expected)
    {
        string path = Write(json);
        var ex = Assert.Throws<InvalidDataException>(() => LastLayer.Load(path));
        Assert.Contains(path, ex.Message);
        Assert.Contains(expected, ex.Message);
    }

    private string Write(string json)
    {
        string path = Path.Combine(dir, $"{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }
}
