using Onnx;

namespace CredalDistill.Onnx.Export;

/// <summary>
/// Appends standard ONNX operators (default domain, float32 tensors) to a graph under a name prefix, choosing the
/// operator form of the graph's opset (<c>ReduceMax</c> takes <c>axes</c> as an attribute before opset 18 and as an
/// input from 18; <c>ReduceSum</c>, <c>Unsqueeze</c> and <c>Squeeze</c> take it as an input from 13).
/// </summary>
internal sealed class GraphBuilder
{
    private readonly GraphProto graph;
    private readonly string prefix;
    private readonly long opset;
    private readonly Dictionary<string, string> constants = new(StringComparer.Ordinal);
    private int counter;

    public GraphBuilder(GraphProto graph, string prefix, long opset)
    {
        this.graph = graph;
        this.prefix = prefix;
        this.opset = opset;
    }

    /// <summary>Number of nodes added so far.</summary>
    public int NodesAdded { get; private set; }

    /// <summary>Adds a node with one output and returns the output's name (or <paramref name="output"/> when given).</summary>
    public string Op(string opType, IReadOnlyList<string> inputs, IReadOnlyList<AttributeProto>? attributes = null, string? output = null)
    {
        string id = prefix + opType + "_" + (counter++).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var node = new NodeProto { OpType = opType, Name = id };
        node.Input.AddRange(inputs);
        node.Output.Add(output ?? id);
        if (attributes is not null)
        {
            node.Attribute.AddRange(attributes);
        }

        graph.Node.Add(node);
        NodesAdded++;
        return output ?? id;
    }

    /// <summary>A float32 scalar constant (an initializer of shape <c>[]</c>, shared by value).</summary>
    public string Scalar(float value)
    {
        string key = "f" + BitConverter.SingleToInt32Bits(value).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!constants.TryGetValue(key, out string? name))
        {
            name = prefix + "const_" + constants.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
            tensor.FloatData.Add(value);
            graph.Initializer.Add(tensor);
            constants[key] = name;
        }

        return name;
    }

    /// <summary>A float32 tensor constant with the given shape.</summary>
    public string Tensor(float[] values, long[] dims)
    {
        string name = prefix + "const_" + constants.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        tensor.FloatData.AddRange(values);
        graph.Initializer.Add(tensor);
        constants[name] = name;
        return name;
    }

    /// <summary>A 1-D int64 constant (axes, slice starts and ends).</summary>
    public string Int64s(params long[] values)
    {
        string key = "i" + string.Join(",", values);
        if (!constants.TryGetValue(key, out string? name))
        {
            name = prefix + "const_" + constants.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
            tensor.Dims.Add(values.Length);
            tensor.Int64Data.AddRange(values);
            graph.Initializer.Add(tensor);
            constants[key] = name;
        }

        return name;
    }

    public string Add(string x, string y) => Op("Add", [x, y]);

    public string Sub(string x, string y) => Op("Sub", [x, y]);

    public string Mul(string x, string y) => Op("Mul", [x, y]);

    public string Div(string x, string y) => Op("Div", [x, y]);

    public string Min(string x, string y) => Op("Min", [x, y]);

    public string Max(string x, string y) => Op("Max", [x, y]);

    public string Exp(string x) => Op("Exp", [x]);

    public string Log(string x) => Op("Log", [x]);

    public string Neg(string x) => Op("Neg", [x]);

    public string Abs(string x) => Op("Abs", [x]);

    public string Sqrt(string x) => Op("Sqrt", [x]);

    public string Where(string condition, string x, string y) => Op("Where", [condition, x, y]);

    public string LessOrEqual(string x, string y) => Op("LessOrEqual", [x, y]);

    public string Identity(string x, string output) => Op("Identity", [x], output: output);

    /// <summary>Maximum over <paramref name="axis"/>.</summary>
    public string ReduceMax(string x, long axis, bool keepDims)
    {
        var keep = Int("keepdims", keepDims ? 1 : 0);
        return opset >= 18
            ? Op("ReduceMax", [x, Int64s(axis)], [keep])
            : Op("ReduceMax", [x], [keep, Ints("axes", axis)]);
    }

    /// <summary>Sum over <paramref name="axis"/>.</summary>
    public string ReduceSum(string x, long axis, bool keepDims)
        => Op("ReduceSum", [x, Int64s(axis)], [Int("keepdims", keepDims ? 1 : 0)]);

    /// <summary>Inserts a dimension of size 1 at <paramref name="axis"/>.</summary>
    public string Unsqueeze(string x, long axis) => Op("Unsqueeze", [x, Int64s(axis)]);

    /// <summary>Removes the dimension of size 1 at <paramref name="axis"/>.</summary>
    public string Squeeze(string x, long axis) => Op("Squeeze", [x, Int64s(axis)]);

    /// <summary>Columns <c>[start, end)</c> of a 2-D tensor.</summary>
    public string Columns(string x, long start, long end) => Op("Slice", [x, Int64s(start), Int64s(end), Int64s(1)]);

    /// <summary>Concatenation along <paramref name="axis"/>.</summary>
    public string Concat(long axis, params string[] inputs) => Op("Concat", inputs, [Int("axis", axis)]);

    /// <summary><c>log(sum_j exp(x_j))</c> over <paramref name="axis"/>, max-shifted so that it never overflows.</summary>
    public string LogSumExp(string x, long axis, bool keepDims)
    {
        string m = ReduceMax(x, axis, keepDims: true);
        string s = Log(ReduceSum(Exp(Sub(x, m)), axis, keepDims: true));
        string lse = Add(s, m);
        return keepDims ? lse : Squeeze(lse, axis);
    }

    /// <summary>
    /// <c>(min(v, 0) - e, min(-v, 0) - e)</c> with <c>e = log(1 + exp(-|v|))</c>: <c>log sigmoid(v) = -softplus(-v)</c> and
    /// <c>log(1 - sigmoid(v)) = -softplus(v)</c> without overflow for any finite <c>v</c>.
    /// </summary>
    /// <summary><c>argmax</c> along <paramref name="axis"/>, kept as a dimension (int64; the first index on ties).</summary>
    public string ArgMax(string x, long axis) => Op("ArgMax", [x], [Int("axis", axis), Int("keepdims", 1)]);

    /// <summary>Entries of <paramref name="data"/> at <paramref name="indices"/> along axis 0.</summary>
    public string Gather(string data, string indices) => Op("Gather", [data, indices], [Int("axis", 0)]);

    /// <summary>True where <paramref name="x"/> is infinite.</summary>
    public string IsInf(string x) => Op("IsInf", [x]);

    public (string LogT, string LogOneMinusT) LogSigmoidPair(string v)
    {
        string e = Log(Add(Exp(Neg(Abs(v))), Scalar(1f)));
        string zero = Scalar(0f);
        return (Sub(Min(v, zero), e), Sub(Min(Neg(v), zero), e));
    }

    private static AttributeProto Int(string name, long value)
        => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }
}
