using Onnx;

namespace CredalDistill.Onnx.Export;

/// <summary>
/// A minimal ONNX classifier built without any training framework: <c>logits = x W + b</c> (one <c>MatMul</c> and one
/// <c>Add</c>, opset 13), input float32 <c>[N, D]</c>, output float32 <c>[N, K]</c>. A stand-in for a third-party
/// model in tests and the Node check; with <c>W = I</c>, <c>b = 0</c> it passes logits through unchanged.
/// </summary>
internal static class LinearLogitsModel
{
    /// <summary>Builds the model.</summary>
    /// <param name="weight">Row-major <c>[D, K]</c> weights.</param>
    /// <param name="bias">The <c>K</c> biases.</param>
    /// <param name="inputName">Name of the input.</param>
    /// <param name="outputName">Name of the logits output.</param>
    public static ModelProto Create(float[,] weight, float[] bias, string inputName = "x", string outputName = "logits")
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(bias);
        int d = weight.GetLength(0);
        int k = weight.GetLength(1);
        if (bias.Length != k)
        {
            throw new ArgumentException($"bias has {bias.Length} entries; the weights have {k} columns.", nameof(bias));
        }

        var w = new TensorProto { Name = "W", DataType = (int)TensorProto.Types.DataType.Float };
        w.Dims.Add(d);
        w.Dims.Add(k);
        w.FloatData.AddRange(weight.Cast<float>());
        var b = new TensorProto { Name = "b", DataType = (int)TensorProto.Types.DataType.Float };
        b.Dims.Add(k);
        b.FloatData.AddRange(bias);
        var graph = new GraphProto { Name = "linear" };
        graph.Initializer.Add(w);
        graph.Initializer.Add(b);
        graph.Node.Add(Node("MatMul", ["x", "W"], "xw", inputName));
        graph.Node.Add(Node("Add", ["xw", "b"], outputName));
        graph.Input.Add(Matrix(inputName, d));
        graph.Output.Add(Matrix(outputName, k));
        var model = new ModelProto { IrVersion = 7, ProducerName = "CredalDistill.LinearLogitsModel", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = 13 });
        return model;
    }

    /// <summary>The identity classifier on <c>K</c> logits (<c>W = I</c>, <c>b = 0</c>).</summary>
    public static ModelProto Identity(int k, string inputName = "x", string outputName = "logits")
    {
        var w = new float[k, k];
        for (int i = 0; i < k; i++)
        {
            w[i, i] = 1f;
        }

        return Create(w, new float[k], inputName, outputName);
    }

    private static NodeProto Node(string op, string[] inputs, string output, string? renameX = null)
    {
        var node = new NodeProto { OpType = op, Name = op };
        node.Input.AddRange(inputs.Select(i => i == "x" && renameX is not null ? renameX : i));
        node.Output.Add(output);
        return node;
    }

    private static ValueInfoProto Matrix(string name, int columns)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "N" });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = columns });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }
}
