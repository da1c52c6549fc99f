namespace CredalDistill.Calibration;

/// <summary>A fitted temperature: <c>p = softmax(z / T)</c>, what <c>T</c> minimised and on how many rows.</summary>
/// <param name="Value">The temperature <c>T &gt; 0</c>.</param>
/// <param name="Objective"><c>nll</c> (labelled NLL), <c>ece</c> (the paper's ECE grid) or <c>distilled-kl</c> (mean <c>KL(p_cloud || softmax(z / T))</c>, no labels).</param>
/// <param name="N">Number of calibration rows the temperature was fitted on.</param>
public sealed record TemperatureFit(double Value, string Objective, int N)
{
    /// <summary>The objective name of labelled NLL temperature scaling.</summary>
    public const string Nll = "nll";

    /// <summary>The objective name of the paper's ECE grid search.</summary>
    public const string Ece = "ece";

    /// <summary>The objective name of distilled temperature scaling.</summary>
    public const string DistilledKl = "distilled-kl";

    /// <summary>True for a known objective name.</summary>
    public static bool IsObjective(string? name) => name is Nll or Ece or DistilledKl;
}
