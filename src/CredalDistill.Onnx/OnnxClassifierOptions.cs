namespace CredalDistill.Onnx;

/// <summary>Settings for <see cref="OnnxClassifier.Open"/>. The defaults match the bundled models.</summary>
public sealed class OnnxClassifierOptions
{
    /// <summary>Threads used inside one operator (ONNX Runtime intra-op pool); 0 lets ONNX Runtime decide. Default 1.</summary>
    public int IntraOpThreads { get; init; } = 1;

    /// <summary>Threads used to run independent operators in parallel; 0 lets ONNX Runtime decide. Default 1.</summary>
    public int InterOpThreads { get; init; } = 1;

    /// <summary>Images per ONNX Runtime call. Default 256.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Name of the image input. Default <c>input</c>.</summary>
    public string InputName { get; init; } = "input";

    /// <summary>Name of the class-score output. Default <c>logits</c>.</summary>
    public string LogitsOutputName { get; init; } = "logits";

    /// <summary>
    /// Name of the penultimate-feature output. When null (the default) the output <c>features</c> is used
    /// if the model has one; when set, the model must have an output of that name.
    /// </summary>
    public string? FeaturesOutputName { get; init; }

    /// <summary>
    /// True (default) when the class-score output holds logits (softmax is applied);
    /// false when it already holds probabilities (returned as they are).
    /// </summary>
    public bool OutputIsLogits { get; init; } = true;
}
