using CredalDistill.Onnx;

namespace CredalDistill.Experiments.Data;

/// <summary>What a task's inputs are: images (Fashion-MNIST) or texts (fortunes topics).</summary>
public enum TaskModality
{
    /// <summary>28 x 28 grey-scale images, fed to the models as pixels.</summary>
    Image,

    /// <summary>Short English texts, fed to the models as hashed feature counts (<see cref="HashedTextFeaturizer"/>).</summary>
    Text,
}

/// <summary>
/// A classification task of the experiments (<c>credal experiment</c>, <c>credal demo</c>): its name (also the prefix of its
/// model files <c>models/{Name}-cloud.onnx</c>, <c>{Name}-edge.onnx</c>, <c>{Name}-edge-q{bits}.onnx</c>,
/// <c>{Name}-edge-lastlayer.json</c>), classes, and how to load its bundled test split so the models can run on it.
/// Everything after the models' outputs (the protocol, every method, the reports) is the same for every task.
/// </summary>
public interface IExperimentTask
{
    /// <summary>Short name and model-file prefix (<c>fmnist3</c>, <c>fmnist10</c>, <c>fortunes</c>).</summary>
    string Name { get; }

    /// <summary>Human-readable name (<c>FMNIST-3</c>, <c>Fortunes topics</c>).</summary>
    string DisplayName { get; }

    /// <summary>Number of classes K.</summary>
    int Classes { get; }

    /// <summary>Class names in label order.</summary>
    IReadOnlyList<string> ClassNames { get; }

    /// <summary>Images or texts.</summary>
    TaskModality Modality { get; }

    /// <summary>The bit widths of the task's bundled quantized edges (<c>{Name}-edge-q{bits}.onnx</c>).</summary>
    IReadOnlyList<int> QuantizedBits { get; }

    /// <summary>Loads the task's bundled test split.</summary>
    /// <param name="dataDirectory">The repository's <c>data</c> directory.</param>
    /// <returns>The inputs and labels, ready for the task's models.</returns>
    ITaskInputs LoadTest(string dataDirectory);
}

/// <summary>A task's test split, loaded: labels, and the inputs in the form the task's ONNX models take.</summary>
public interface ITaskInputs
{
    /// <summary>Labels in <c>0..K-1</c>, one per input, in file order.</summary>
    int[] Labels { get; }

    /// <summary>
    /// Runs <paramref name="model"/> on every input in blocks of 256 (the ONNX batch size, so the outputs do not depend on
    /// how the call is chunked), checking <paramref name="cancellationToken"/> between blocks.
    /// </summary>
    /// <param name="model">One of the task's models.</param>
    /// <param name="withFeatures">Also return the penultimate <c>features</c> (edges; the model must be opened with that output).</param>
    /// <param name="cancellationToken">Checked between blocks.</param>
    /// <returns>Logits (N x K, row-major) and features (N x D) or null.</returns>
    (float[] Logits, float[]? Features) Run(OnnxClassifier model, bool withFeatures, CancellationToken cancellationToken = default);

    /// <summary>
    /// Median single-input latency of <paramref name="model"/> over up to 200 inputs after 20 warm-up runs, in microseconds,
    /// including what the device does before the model (the featurisation of a text).
    /// </summary>
    /// <param name="model">One of the task's models.</param>
    /// <returns>Microseconds per input.</returns>
    double Latency(OnnxClassifier model);
}

/// <summary>The tasks the experiments know, by name.</summary>
public static class ExperimentTasks
{
    /// <summary>Every task, images first: FMNIST-3, FMNIST-10, fortunes topics.</summary>
    public static IReadOnlyList<IExperimentTask> All { get; } = [FashionMnistTask.Fmnist3, FashionMnistTask.Fmnist10, FortunesTopicsTask.Instance];

    /// <summary>The names of <see cref="All"/>, in order: the default tasks of <c>credal experiment</c> and <c>credal demo</c>.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. All.Select(t => t.Name)];

    /// <summary>Returns the task named <paramref name="name"/> (case-insensitive; <c>fmnist3</c>, <c>fmnist10</c>, <c>fortunes</c>).</summary>
    /// <param name="name">Task name.</param>
    /// <returns>The task.</returns>
    /// <exception cref="ArgumentException">No such task.</exception>
    public static IExperimentTask Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return TryParse(name) ?? throw new ArgumentException($"Unknown task '{name}'; expected one of {string.Join(", ", All.Select(t => $"'{t.Name}'"))}.", nameof(name));
    }

    /// <summary>The task named <paramref name="name"/>, or null.</summary>
    /// <param name="name">Task name.</param>
    /// <returns>The task or null.</returns>
    public static IExperimentTask? TryParse(string? name)
    {
        if (name is null)
        {
            return null;
        }

        if (string.Equals(name, FortunesTopics.TaskName, StringComparison.OrdinalIgnoreCase))
        {
            return FortunesTopicsTask.Instance;
        }

        return name.ToUpperInvariant() switch
        {
            "FMNIST3" or "FMNIST-3" => FashionMnistTask.Fmnist3,
            "FMNIST10" or "FMNIST-10" => FashionMnistTask.Fmnist10,
            _ => null,
        };
    }

    /// <summary>Section title of a task, e.g. <c>FMNIST-3 (K = 3)</c> or <c>Fortunes topics (text, K = 12)</c>; the name itself for an unknown task.</summary>
    /// <param name="name">Task name.</param>
    /// <returns>The title.</returns>
    public static string Title(string name) => TryParse(name) is { } t
        ? t.Modality == TaskModality.Image ? $"{t.DisplayName} (K = {t.Classes})" : $"{t.DisplayName} ({Noun(name)}, K = {t.Classes})"
        : name;

    /// <summary>What one input of a task is called (<c>image</c>, <c>text</c>); <c>input</c> for an unknown task.</summary>
    /// <param name="name">Task name.</param>
    /// <returns>The noun, singular.</returns>
    public static string Noun(string name) => TryParse(name)?.Modality switch
    {
        TaskModality.Image => "image",
        TaskModality.Text => "text",
        _ => "input",
    };
}
