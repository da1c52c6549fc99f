using System.Text.Json;
using CredalDistill.Experiments.Data;
using CredalDistill.IO;

namespace CredalDistill.Onnx.Tests;

[CollectionDefinition(nameof(BundledModelsCollection))]
public sealed class BundledModelsCollection : ICollectionFixture<BundledModels>
{
}

[Collection(nameof(BundledModelsCollection))]
public sealed class OnnxClassifierTests(BundledModels models)
{
    [Theory]
    [MemberData(nameof(BundledModels.ModelNames), MemberType = typeof(BundledModels))]
    public void AccuracyOnBundledTestSplitMatchesModelCard(string model)
    {
        FashionMnistDataset d = models.Data(model);
        JsonElement entry = models.Entry(model);
        double[] p = models.Probabilities(model);
        int k = d.Classes;
        Assert.Equal(k, entry.GetProperty("classes").GetInt32());
        Assert.Equal(d.Count * k, p.Length);

        int correct = 0;
        for (int i = 0; i < d.Count; i++)
        {
            ReadOnlySpan<double> row = p.AsSpan(i * k, k);
            int arg = 0;
            for (int j = 1; j < k; j++)
            {
                if (row[j] > row[arg])
                {
                    arg = j;
                }
            }

            correct += arg == d.Labels[i] ? 1 : 0;
        }

        double accuracy = 100.0 * correct / d.Count;
        double card = entry.GetProperty("test").GetProperty("accuracy_percent").GetDouble();
        Assert.True(Math.Abs(accuracy - card) <= 0.5, $"{model}: accuracy {accuracy:F2}% in C#, {card:F2}% in metrics.json");
    }

    [Theory]
    [MemberData(nameof(BundledModels.ModelNames), MemberType = typeof(BundledModels))]
    public void ProbabilityRowsSumToOne(string model)
    {
        double[] p = models.Probabilities(model);
        int k = models.Data(model).Classes;
        for (int i = 0; i < p.Length / k; i++)
        {
            double sum = 0;
            for (int j = 0; j < k; j++)
            {
                Assert.InRange(p[(i * k) + j], 0.0, 1.0);
                sum += p[(i * k) + j];
            }

            Assert.True(Math.Abs(sum - 1.0) <= 1e-5, $"{model}: row {i} sums to {sum}");
        }
    }

    [Theory]
    [InlineData("fmnist3-cloud")]
    [InlineData("fmnist10-edge")]
    public void RepeatedRunsAreIdentical(string model)
    {
        FashionMnistDataset d = models.Data(model);
        int n = 300;
        ReadOnlySpan<float> images = d.Images.AsSpan(0, n * FashionMnistDataset.PixelsPerImage);
        using OnnxClassifier c = OnnxClassifier.Open(models.PathOf(model), new OnnxClassifierOptions { BatchSize = 64 });
        double[] first = c.PredictProbabilities(images, n);
        double[] second = c.PredictProbabilities(images, n);
        Assert.Equal(first, second);

        using OnnxClassifier again = OnnxClassifier.Open(models.PathOf(model), new OnnxClassifierOptions { BatchSize = 64 });
        Assert.Equal(first, again.PredictProbabilities(images, n));
    }

    [Fact]
    public void BatchSizeDoesNotChangeTheResultBeyondRounding()
    {
        FashionMnistDataset d = models.Data("fmnist3-edge");
        int n = 100;
        ReadOnlySpan<float> images = d.Images.AsSpan(0, n * FashionMnistDataset.PixelsPerImage);
        using OnnxClassifier one = OnnxClassifier.Open(models.PathOf("fmnist3-edge"), new OnnxClassifierOptions { BatchSize = 1 });
        using OnnxClassifier many = OnnxClassifier.Open(models.PathOf("fmnist3-edge"), new OnnxClassifierOptions { BatchSize = 37 });
        double[] a = one.PredictProbabilities(images, n);
        double[] b = many.PredictProbabilities(images, n);
        for (int i = 0; i < a.Length; i++)
        {
            Assert.True(Math.Abs(a[i] - b[i]) <= 1e-5, $"entry {i}: {a[i]} vs {b[i]}");
        }
    }

    [Theory]
    [MemberData(nameof(BundledModels.EdgesWithLastLayer), MemberType = typeof(BundledModels))]
    public void EdgeFeaturesThroughTheLastLayerReproduceTheLogits(string model)
    {
        FashionMnistDataset d = models.Data(model);
        LastLayer last = LastLayer.Load(Path.Combine(models.Directory, model + "-lastlayer.json"));
        using OnnxClassifier c = OnnxClassifier.Open(models.PathOf(model));
        Assert.Equal(d.Classes, c.Classes);
        Assert.Equal(last.Features, c.FeatureDimension);
        Assert.Equal(last.Classes, c.Classes);

        int n = 200;
        OnnxPrediction pred = c.PredictWithFeatures(d.Images.AsSpan(0, n * FashionMnistDataset.PixelsPerImage), n);
        Assert.Equal(n * last.Features, pred.Features.Length);
        double[] logits = new double[last.Classes];
        for (int i = 0; i < n; i++)
        {
            last.Apply(pred.Features.AsSpan(i * last.Features, last.Features), logits);
            for (int k = 0; k < last.Classes; k++)
            {
                Assert.True(Math.Abs(logits[k] - pred.Logits[(i * last.Classes) + k]) <= 1e-3, $"image {i} class {k}: {logits[k]} vs {pred.Logits[(i * last.Classes) + k]}");
            }
        }
    }

    [Fact]
    public void CloudHasNoFeatureOutput()
    {
        using OnnxClassifier c = OnnxClassifier.Open(models.PathOf("fmnist10-cloud"));
        Assert.Null(c.FeatureDimension);
        Assert.Equal(10, c.Classes);
        Assert.Equal([1L, 28L, 28L], c.ImageShape);
        var ex = Assert.Throws<InvalidOperationException>(() => c.PredictWithFeatures(new float[784], 1));
        Assert.Contains("logits", ex.Message);
    }

    [Fact]
    public void MissingFileNamesThePath()
    {
        string path = Path.Combine(models.Directory, "does-not-exist.onnx");
        var ex = Assert.Throws<FileNotFoundException>(() => OnnxClassifier.Open(path));
        Assert.Contains(path, ex.Message);
    }

    [Fact]
    public void WrongInputLengthNamesTheExpectedShape()
    {
        using OnnxClassifier c = OnnxClassifier.Open(models.PathOf("fmnist3-edge"));
        var ex = Assert.Throws<ArgumentException>(() => c.PredictProbabilities(new float[783], 1));
        Assert.Contains("[N,1,28,28]", ex.Message);
        Assert.Contains("784", ex.Message);
    }

    [Fact]
    public void UnknownOutputNameListsTheModelsOutputs()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            OnnxClassifier.Open(models.PathOf("fmnist3-edge"), new OnnxClassifierOptions { LogitsOutputName = "scores" }));
        Assert.Contains("'scores'", ex.Message);
        Assert.Contains("logits", ex.Message);
        Assert.Contains("features", ex.Message);

        var ex2 = Assert.Throws<ArgumentException>(() =>
            OnnxClassifier.Open(models.PathOf("fmnist3-cloud"), new OnnxClassifierOptions { FeaturesOutputName = "features" }));
        Assert.Contains("logits", ex2.Message);
    }

    [Fact]
    public void UnknownInputNameListsTheModelsInputs()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            OnnxClassifier.Open(models.PathOf("fmnist3-edge"), new OnnxClassifierOptions { InputName = "image" }));
        Assert.Contains("input", ex.Message);
    }

    [Fact]
    public void ProbabilityOutputModeReturnsScoresUnchanged()
    {
        FashionMnistDataset d = models.Data("fmnist3-edge");
        using OnnxClassifier c = OnnxClassifier.Open(models.PathOf("fmnist3-edge"), new OnnxClassifierOptions { OutputIsLogits = false });
        float[] logits = c.PredictLogits(d.Images.AsSpan(0, 784), 1);
        double[] raw = c.PredictProbabilities(d.Images.AsSpan(0, 784), 1);
        Assert.Equal(logits.Select(x => (double)x), raw);
    }

    [Fact]
    public void NotAnOnnxFileIsReported()
    {
        string path = Path.Combine(Path.GetTempPath(), $"credaldistill-{Guid.NewGuid():N}.onnx");
        File.WriteAllText(path, "not a model");
        try
        {
            var ex = Assert.Throws<DataFormatException>(() => OnnxClassifier.Open(path));
            Assert.Equal(path, ex.FilePath);
            Assert.StartsWith(Path.GetFileName(path) + ": ONNX model file could not be loaded", ex.Message);
            Assert.Null(ex.Row);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
