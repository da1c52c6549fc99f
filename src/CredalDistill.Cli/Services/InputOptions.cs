namespace CredalDistill.Cli.Services;

/// <summary>How probability-matrix files are interpreted (<c>--logits</c>, <c>--renormalize</c>).</summary>
/// <param name="Logits">Rows are logits; the stable softmax is applied.</param>
/// <param name="Renormalize">Probability rows are divided by their sum instead of requiring a sum of 1.</param>
public sealed record InputOptions(bool Logits = false, bool Renormalize = false);
