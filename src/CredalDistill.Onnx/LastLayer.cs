using System.Text.Json;
using CredalDistill.IO;

namespace CredalDistill.Onnx;

/// <summary>
/// The last (linear) layer of an edge model, <c>logits = W f + b</c>, read from a
/// <c>*-lastlayer.json</c> file written by <c>models/train.py</c>:
/// <c>{"classes": K, "features": D, "weight": [[D numbers] x K rows], "bias": [K numbers]}</c>.
/// Used by the last-layer Laplace baseline.
/// </summary>
public sealed class LastLayer
{
    private readonly double[] weight;
    private readonly double[] bias;

    /// <summary>Creates a last layer from a row-major K x D weight matrix and K biases.</summary>
    /// <param name="classes">Number of classes K (at least 2).</param>
    /// <param name="features">Feature dimension D (at least 1).</param>
    /// <param name="weight">Row-major K x D weights (copied).</param>
    /// <param name="bias">K biases (copied).</param>
    public LastLayer(int classes, int features, ReadOnlySpan<double> weight, ReadOnlySpan<double> bias)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        if (weight.Length != classes * features)
        {
            throw new ArgumentException($"weight has {weight.Length} entries; expected classes x features = {classes} x {features}.", nameof(weight));
        }

        if (bias.Length != classes)
        {
            throw new ArgumentException($"bias has {bias.Length} entries; expected {classes}.", nameof(bias));
        }

        Classes = classes;
        Features = features;
        this.weight = weight.ToArray();
        this.bias = bias.ToArray();
    }

    /// <summary>Number of classes K.</summary>
    public int Classes { get; }

    /// <summary>Feature dimension D.</summary>
    public int Features { get; }

    /// <summary>Row-major K x D weight matrix.</summary>
    public ReadOnlySpan<double> Weight => weight;

    /// <summary>The K biases.</summary>
    public ReadOnlySpan<double> Bias => bias;

    /// <summary>Reads and validates a <c>*-lastlayer.json</c> file.</summary>
    /// <param name="path">The JSON file.</param>
    /// <returns>The layer.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DataFormatException">The JSON is malformed (<see cref="DataFormatException.Line"/> set) or its shapes are
    /// inconsistent (<see cref="DataFormatException.Row"/> = class and <see cref="DataFormatException.Column"/> = feature of a bad weight).</exception>
    public static LastLayer Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Last-layer file '{path}' does not exist.", path);
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException ex)
        {
            throw new DataFormatException(path, $"last-layer file: invalid JSON ({ex.Message})", line: ex.LineNumber is long l ? (int)l + 1 : null, innerException: ex);
        }

        using (doc)
        {
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new DataFormatException(path, "last-layer file: the root must be an object with classes, features, weight and bias");
            }

            int classes = ReadInt(path, root, "classes", 2);
            int features = ReadInt(path, root, "features", 1);
            JsonElement w = Property(path, root, "weight", JsonValueKind.Array);
            if (w.GetArrayLength() != classes)
            {
                throw new DataFormatException(path, $"last-layer file: weight has {w.GetArrayLength()} rows; expected classes = {classes}");
            }

            double[] weight = new double[classes * features];
            int r = 0;
            foreach (JsonElement row in w.EnumerateArray())
            {
                ReadRow(path, row, $"weight[{r}]", r + 1, features, weight.AsSpan(r * features, features));
                r++;
            }

            double[] bias = new double[classes];
            ReadRow(path, Property(path, root, "bias", JsonValueKind.Array), "bias", null, classes, bias);
            return new LastLayer(classes, features, weight, bias);
        }
    }

    /// <summary>Computes <c>W f + b</c> for one feature vector.</summary>
    /// <param name="features">D features.</param>
    /// <param name="logits">Receives K logits.</param>
    public void Apply(ReadOnlySpan<float> features, Span<double> logits)
    {
        if (features.Length != Features)
        {
            throw new ArgumentException($"features has length {features.Length}; expected {Features}.", nameof(features));
        }

        if (logits.Length != Classes)
        {
            throw new ArgumentException($"logits has length {logits.Length}; expected {Classes}.", nameof(logits));
        }

        for (int k = 0; k < Classes; k++)
        {
            ReadOnlySpan<double> row = weight.AsSpan(k * Features, Features);
            double s = bias[k];
            for (int j = 0; j < Features; j++)
            {
                s += row[j] * features[j];
            }

            logits[k] = s;
        }
    }

    private static JsonElement Property(string path, JsonElement root, string name, JsonValueKind kind)
    {
        if (!root.TryGetProperty(name, out JsonElement value))
        {
            throw new DataFormatException(path, $"last-layer file: missing property '{name}'");
        }

        if (value.ValueKind != kind)
        {
            throw new DataFormatException(path, $"last-layer file: property '{name}' is a {value.ValueKind}; expected {kind}");
        }

        return value;
    }

    private static int ReadInt(string path, JsonElement root, string name, int minimum)
    {
        JsonElement value = Property(path, root, name, JsonValueKind.Number);
        if (!value.TryGetInt32(out int n) || n < minimum)
        {
            throw new DataFormatException(path, $"last-layer file: '{name}' is {value.GetRawText()}; expected an integer >= {minimum}");
        }

        return n;
    }

    private static void ReadRow(string path, JsonElement row, string label, int? rowNumber, int length, Span<double> destination)
    {
        if (row.ValueKind != JsonValueKind.Array || row.GetArrayLength() != length)
        {
            string actual = row.ValueKind == JsonValueKind.Array ? $"{row.GetArrayLength()} entries" : row.ValueKind.ToString();
            throw new DataFormatException(path, $"last-layer file: {label} has {actual}; expected an array of {length} numbers", row: rowNumber);
        }

        int j = 0;
        foreach (JsonElement x in row.EnumerateArray())
        {
            if (x.ValueKind != JsonValueKind.Number || !x.TryGetDouble(out double v) || !double.IsFinite(v))
            {
                throw new DataFormatException(path, $"last-layer file: {label}[{j}] is {x.GetRawText()}; expected a finite number", row: rowNumber, column: j + 1);
            }

            destination[j++] = v;
        }
    }
}
