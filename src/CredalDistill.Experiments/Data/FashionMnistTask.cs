namespace CredalDistill.Experiments.Data;

/// <summary>
/// A Fashion-MNIST classification task: a subset of the 10 original classes, remapped to
/// labels <c>0..K-1</c> in the listed order.
/// </summary>
public sealed class FashionMnistTask : IExperimentTask
{
    private readonly int[] originalClasses;

    private FashionMnistTask(string name, string displayName, int[] originalClasses)
    {
        Name = name;
        DisplayName = displayName;
        this.originalClasses = originalClasses;
    }

    /// <summary>Names of the 10 original Fashion-MNIST classes, indexed by original label.</summary>
    public static IReadOnlyList<string> AllClassNames { get; } =
    [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ];

    /// <summary>FMNIST-3: T-shirt/top (0), Pullover (2), Shirt (6), remapped to labels 0, 1, 2.</summary>
    public static FashionMnistTask Fmnist3 { get; } = new("fmnist3", "FMNIST-3", [0, 2, 6]);

    /// <summary>FMNIST-10: all ten classes with their original labels.</summary>
    public static FashionMnistTask Fmnist10 { get; } = new("fmnist10", "FMNIST-10", [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);

    /// <summary>Short name, also the prefix of the task's model files (<c>fmnist3</c>, <c>fmnist10</c>).</summary>
    public string Name { get; }

    /// <inheritdoc/>
    public string DisplayName { get; }

    /// <inheritdoc/>
    public TaskModality Modality => TaskModality.Image;

    /// <inheritdoc/>
    public IReadOnlyList<int> QuantizedBits { get; } = [2, 3, 4, 6, 8];

    /// <summary>Number of classes K.</summary>
    public int Classes => originalClasses.Length;

    /// <summary>Original Fashion-MNIST label of each task label.</summary>
    public IReadOnlyList<int> OriginalClasses => originalClasses;

    /// <summary>Class names in task-label order.</summary>
    public IReadOnlyList<string> ClassNames => [.. originalClasses.Select(c => AllClassNames[c])];

    /// <summary>Returns the task named <paramref name="name"/> (<c>fmnist3</c> or <c>fmnist10</c>, case-insensitive).</summary>
    /// <param name="name">Task name.</param>
    /// <returns>The task.</returns>
    public static FashionMnistTask Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.ToUpperInvariant() switch
        {
            "FMNIST3" or "FMNIST-3" => Fmnist3,
            "FMNIST10" or "FMNIST-10" => Fmnist10,
            _ => throw new ArgumentException($"Unknown Fashion-MNIST task '{name}'; expected 'fmnist3' or 'fmnist10'.", nameof(name)),
        };
    }

    /// <summary>Maps an original label (0..9) to the task label, or -1 when the class is not in the task.</summary>
    /// <param name="originalLabel">Original Fashion-MNIST label.</param>
    /// <returns>The task label or -1.</returns>
    public int MapLabel(int originalLabel) => Array.IndexOf(originalClasses, originalLabel);

    /// <inheritdoc/>
    public ITaskInputs LoadTest(string dataDirectory) => FashionMnist.LoadTest(this, dataDirectory);

    /// <inheritdoc/>
    public override string ToString() => Name;
}
