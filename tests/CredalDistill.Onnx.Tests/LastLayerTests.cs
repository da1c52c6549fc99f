using CredalDistill.IO;

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
    [InlineData("""{"classes":2,"features":3,"weight":[[1,2,3]],"bias":[0,0]}""", "weight has 1 rows", null, null, null)]
    [InlineData("""{"classes":2,"features":3,"weight":[[1,2,3],[4,5]],"bias":[0,0]}""", "weight[1] has 2 entries", null, 2, null)]
    [InlineData("""{"classes":2,"features":3,"weight":[[1,2,3],[4,5,6]],"bias":[0]}""", "bias has 1 entries", null, null, null)]
    [InlineData("""{"classes":2,"features":3,"weight":[[1,2,3],[4,"x",6]],"bias":[0,0]}""", "weight[1][1] is \"x\"", null, 2, 2)]
    [InlineData("""{"classes":2,"features":3,"weight":[[1,2,3],[4,5,6]],"bias":[0,1e999]}""", "bias[1]", null, null, 2)]
    [InlineData("""{"features":3,"weight":[],"bias":[]}""", "missing property 'classes'", null, null, null)]
    [InlineData("{\n\"classes\":2,\n", "invalid JSON", 3, null, null)]
    public void RejectsMalformedFilesWithADataFormatErrorLocatingTheProblem(string json, string expected, int? line, int? row, int? column)
    {
        string path = Write(json);
        var ex = Assert.Throws<DataFormatException>(() => LastLayer.Load(path));
        Assert.Equal(path, ex.FilePath);
        Assert.Equal((line, row, column), (ex.Line, ex.Row, ex.Column));
        Assert.StartsWith(Path.GetFileName(path), ex.Message);
        Assert.Contains(expected, ex.Problem);
    }

    private string Write(string json)
    {
        string path = Path.Combine(dir, $"{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }
}
