using CredalDistill.IO;
using CredalDistill.Onnx.Export;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;

namespace CredalDistill.Onnx.Tests.Export;

/// <summary>Exports a model with an artifact and runs it with ONNX Runtime (.NET, CPU).</summary>
public sealed class ExportedModel : IDisposable
{
    private readonly InferenceSession session;

    public ExportedModel(ModelProto model, CalibrationArtifact artifact, CalibratedExportOptions? options = null)
    {
        Summary = CalibratedModelExporter.Append(model, artifact, options);
        using var options2 = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        session = new InferenceSession(model.ToByteArray(), options2);
    }

    public ExportSummary Summary { get; }

    public IReadOnlyList<string> OutputNames => session.OutputNames;

    public static CalibrationArtifact Artifact(string divergence, double gamma, int k)
        => CalibrationArtifact.Cdci(Divergences.Divergence.Parse(divergence), 0.1, 100, k, gamma, new ArtifactScoreSummary(0.0, 0.1, 1.0, 0.2));

    /// <summary>Runs the model on <paramref name="rows"/> inputs of shape <paramref name="shape"/>; returns every output as doubles (bool as 0/1).</summary>
    /// <param name="inputName">The model's input.</param>
    /// <param name="input">The input values.</param>
    /// <param name="shape">The input's shape.</param>
    /// <param name="extra">Another int64 input (a group-id input), or null.</param>
    public Dictionary<string, double[]> Run(string inputName, float[] input, int[] shape, (string Name, long[] Values)? extra = null)
    {
        var tensor = new DenseTensor<float>(input, shape);
        var inputs = new List<NamedOnnxValue> { NamedOnnxValue.CreateFromTensor(inputName, tensor) };
        if (extra is var (name, values))
        {
            inputs.Add(NamedOnnxValue.CreateFromTensor(name, new DenseTensor<long>(values, [values.Length])));
        }

        using var results = session.Run(inputs);
        var outputs = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (var r in results)
        {
            outputs[r.Name] = r.Value switch
            {
                Tensor<float> f => f.ToArray().Select(v => (double)v).ToArray(),
                Tensor<bool> b => b.ToArray().Select(v => v ? 1.0 : 0.0).ToArray(),
                _ => throw new InvalidOperationException($"unexpected output type for {r.Name}"),
            };
        }

        return outputs;
    }

    public void Dispose() => session.Dispose();
}
