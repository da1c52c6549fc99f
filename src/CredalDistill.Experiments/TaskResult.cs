namespace CredalDistill.Experiments;

/// <summary>One task's aggregated results.</summary>
public sealed class TaskResult
{
    /// <summary>Task name (fmnist3, fmnist10).</summary>
    public required string Task { get; init; }

    /// <summary>Number of classes.</summary>
    public required int Classes { get; init; }

    /// <summary>Inputs in the bundled test split of the task.</summary>
    public required int Inputs { get; init; }

    /// <summary>Test inputs per split.</summary>
    public required int TestInputs { get; init; }

    /// <summary>Method identifier to summary over splits.</summary>
    public required IReadOnlyDictionary<string, MethodSummary> Methods { get; init; }

    /// <summary>Measured extra cost per input (microseconds) by method identifier or family.</summary>
    public required IReadOnlyDictionary<string, double> CostMicroseconds { get; init; }

    /// <summary>Summary of a method, or null.</summary>
    public MethodSummary? this[string method] => Methods.TryGetValue(method, out var s) ? s : null;
}
