namespace CredalDistill.Experiments.Data;

/// <summary>The text task as an <see cref="IExperimentTask"/>: fortunes topics (<see cref="FortunesTopics"/>), K = 12.</summary>
public sealed class FortunesTopicsTask : IExperimentTask
{
    private FortunesTopicsTask()
    {
    }

    /// <summary>The task.</summary>
    public static FortunesTopicsTask Instance { get; } = new();

    /// <inheritdoc/>
    public string Name => FortunesTopics.TaskName;

    /// <inheritdoc/>
    public string DisplayName => "Fortunes topics";

    /// <inheritdoc/>
    public int Classes => FortunesTopics.Topics.Count;

    /// <inheritdoc/>
    public IReadOnlyList<string> ClassNames => FortunesTopics.Topics;

    /// <inheritdoc/>
    public TaskModality Modality => TaskModality.Text;

    /// <inheritdoc/>
    public IReadOnlyList<int> QuantizedBits { get; } = [2, 4];

    /// <inheritdoc/>
    public ITaskInputs LoadTest(string dataDirectory) => FortunesTopics.LoadTest(dataDirectory);

    /// <inheritdoc/>
    public override string ToString() => Name;
}
