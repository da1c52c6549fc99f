using CredalDistill.Calibration;
using CredalDistill.Onnx.Export;
using Onnx;

namespace CredalDistill.Onnx.Tests.Export;

/// <summary>What <see cref="CalibratedModelExporter"/> refuses, with a message naming the problem, leaving the model unchanged.</summary>
public sealed class ExportRefusalTests
{
    [Fact]
    public void Unknown_logits_output_is_refused_with_the_outputs_listed()
    {
        var model = LinearLogitsModel.Identity(3, outputName: "scores");
        var ex = Assert.Throws<OnnxExportException>(() => CalibratedModelExporter.Append(model, ExportedModel.Artifact("kl", 0.5, 3)));
        Assert.Contains("no output named 'logits'", ex.Message);
        Assert.Contains("'scores'", ex.Message);
        Assert.Single(model.Graph.Output);
    }

    [Fact]
    public void Other_logits_output_name_is_accepted()
    {
        var model = LinearLogitsModel.Identity(3, outputName: "scores");
        var summary = CalibratedModelExporter.Append(model, ExportedModel.Artifact("kl", 0.5, 3), new CalibratedExportOptions { LogitsOutputName = "scores" });
        Assert.Equal(50, summary.BoundIterations);
        Assert.Equal(["scores", "probabilities", "lower", "upper", "label_set"], model.Graph.Output.Select(o => o.Name));
    }

    [Fact]
    public void Class_count_mismatch_is_refused()
    {
        var ex = Assert.Throws<OnnxExportException>(() => CalibratedModelExporter.Append(LinearLogitsModel.Identity(4), ExportedModel.Artifact("kl", 0.5, 3)));
        Assert.Contains("4 classes but the calibration artifact has 3", ex.Message);
    }

    [Fact]
    public void Exporting_twice_is_refused()
    {
        var model = LinearLogitsModel.Identity(3);
        CalibratedModelExporter.Append(model, ExportedModel.Artifact("kl", 0.5, 3));
        int nodes = model.Graph.Node.Count;
        var ex = Assert.Throws<OnnxExportException>(() => CalibratedModelExporter.Append(model, ExportedModel.Artifact("kl", 0.5, 3)));
        Assert.Contains("already has a tensor named 'probabilities'", ex.Message);
        Assert.Equal(nodes, model.Graph.Node.Count);
    }

    [Fact]
    public void Max_entropy_is_refused_for_divergences_other_than_kl()
    {
        var ex = Assert.Throws<OnnxExportException>(() => CalibratedModelExporter.Append(
            LinearLogitsModel.Identity(3), ExportedModel.Artifact("hellinger", 0.5, 3), new CalibratedExportOptions { Output = CalibratedOutput.MaximumEntropy }));
        Assert.Contains("KL divergence only", ex.Message);
    }

    [Fact]
    public void Opset_below_13_and_non_float_logits_are_refused()
    {
        var old = LinearLogitsModel.Identity(3);
        old.OpsetImport[0].Version = 12;
        Assert.Contains("opset 12", Assert.Throws<OnnxExportException>(() => CalibratedModelExporter.Append(old, ExportedModel.Artifact("kl", 0.5, 3))).Message);
        var half = LinearLogitsModel.Identity(3);
        half.Graph.Output[0].Type.TensorType.ElemType = (int)TensorProto.Types.DataType.Float16;
        Assert.Contains("float16; export needs float32", Assert.Throws<OnnxExportException>(() => CalibratedModelExporter.Append(half, ExportedModel.Artifact("kl", 0.5, 3))).Message);
    }

    [Fact]
    public void A_file_that_is_not_onnx_is_refused()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "{\"not\": \"onnx\"}");
            var ex = Assert.Throws<OnnxExportException>(() => CalibratedModelExporter.Read(path));
            Assert.Contains("not an ONNX model", ex.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
