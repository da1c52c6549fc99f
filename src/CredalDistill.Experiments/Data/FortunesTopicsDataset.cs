using CredalDistill.Onnx;

namespace CredalDistill.Experiments.Data;

/// <summary>
/// Texts of the fortunes topic task (<see cref="FortunesTopics"/>) with their labels: <see cref="Texts"/>[i] has label
/// <see cref="Labels"/>[i] in <c>0..K-1</c>, the index of its topic in <see cref="Topics"/>, and came from text number
/// <see cref="SourceIndices"/>[i] (0-based) of its topic's file in Debian's <c>fortunes</c> package.
/// </summary>
public sealed class FortunesTopicsDataset : ITaskInputs
{
    internal FortunesTopicsDataset(string[] texts, int[] labels, int[] sourceIndices)
    {
        Texts = texts;
        Labels = labels;
        SourceIndices = sourceIndices;
    }

    /// <summary>The task name, also the prefix of the text models' files (<c>fortunes</c>).</summary>
    public string Name => FortunesTopics.TaskName;

    /// <summary>Number of texts.</summary>
    public int Count => Labels.Length;

    /// <summary>Number of classes K (topics).</summary>
    public int Classes => FortunesTopics.Topics.Count;

    /// <summary>Topic names in label order.</summary>
    public IReadOnlyList<string> Topics => FortunesTopics.Topics;

    /// <summary>The normalised texts (data/fortunes-topics/README.md), in file order.</summary>
    public string[] Texts { get; }

    /// <summary>Labels, one per text, in <c>0..K-1</c>.</summary>
    public int[] Labels { get; }

    /// <summary>Position of each text in its topic's source file (0-based).</summary>
    public int[] SourceIndices { get; }

    /// <summary>Number of texts of each label.</summary>
    /// <returns>K counts.</returns>
    public int[] ClassCounts() => TaskInputMeasures.ClassCounts(Labels, Classes);

    /// <inheritdoc/>
    /// <remarks>The texts are featurised with the featuriser of the model's input width (<see cref="HashedTextFeaturizer.ForInputWidth"/>) by <see cref="TextModelRunner"/>.</remarks>
    public (float[] Logits, float[]? Features) Run(OnnxClassifier model, bool withFeatures, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        var output = TextModelRunner.Run(model, HashedTextFeaturizer.ForInputWidth(model.ValuesPerImage), Texts, withFeatures, cancellationToken);
        return (output.Logits, output.Features);
    }

    /// <inheritdoc/>
    /// <remarks>Each timed run featurises one text and runs the model on it, as a device would.</remarks>
    public double Latency(OnnxClassifier model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var featurizer = HashedTextFeaturizer.ForInputWidth(model.ValuesPerImage);
        var buffer = new float[featurizer.Dimension];
        return TaskInputMeasures.MedianLatency(Count, i =>
        {
            featurizer.Featurize(Texts[i], buffer);
            model.PredictLogits(buffer, 1);
        });
    }
}
