using System.Text.Json.Serialization;

namespace CredalDistill.Experiments;

/// <summary>One task's aggregated results.</summary>
public sealed class TaskResult
{
    /// <summary>Task name (fmnist3, fmnist10, fortunes).</summary>
    public required string Task { get; init; }

    /// <summary>What the task's inputs are (<c>image</c>, <c>text</c>; <c>input</c> for a task not in <see cref="Data.ExperimentTasks"/>).</summary>
    public string Modality => Data.ExperimentTasks.Noun(Task);

    /// <summary>Number of classes.</summary>
    public required int Classes { get; init; }

    /// <summary>Inputs in the bundled test split of the task.</summary>
    public required int Inputs { get; init; }

    /// <summary>Test inputs per split.</summary>
    public required int TestInputs { get; init; }

    /// <summary>Method to summary over splits.</summary>
    [JsonIgnore]
    public required IReadOnlyDictionary<MethodKey, MethodSummary> Methods { get; init; }

    /// <summary>The <c>Methods</c> object of results.json: <see cref="MethodKey.Id"/> to summary.</summary>
    [JsonPropertyName("Methods")]
    public IReadOnlyDictionary<string, MethodSummary> MethodsById => MethodSummary.ById(Methods);

    /// <summary>Measured extra cost per input (microseconds) by the <see cref="MethodKey.Id"/> of a <see cref="MethodKey.CostFamily"/>, plus <see cref="CostProbe.EdgeModel"/>.</summary>
    public required IReadOnlyDictionary<string, double> CostMicroseconds { get; init; }

    /// <summary>Summary of a method, or null.</summary>
    public MethodSummary? this[MethodKey method] => Methods.TryGetValue(method, out var s) ? s : null;

    /// <summary>The measured cost per input of <paramref name="method"/>'s run-time step, or NaN when not measured.</summary>
    public double CostOf(MethodKey method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return CostMicroseconds.TryGetValue(method.CostFamily.Id, out double v) ? v : double.NaN;
    }
}
