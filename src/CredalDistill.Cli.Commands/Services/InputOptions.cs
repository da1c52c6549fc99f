namespace CredalDistill.Cli.Services;

/// <summary>How probability-matrix files are interpreted (<c>--logits</c>, <c>--edge-logits</c>, <c>--cloud-logits</c>, <c>--renormalize</c>).</summary>
/// <param name="EdgeLogits">Edge rows are logits; their log-softmax is kept for the exact kernels.</param>
/// <param name="CloudLogits">Cloud rows are logits; their log-softmax is kept for the scores.</param>
/// <param name="Renormalize">Probability rows are divided by their sum instead of requiring a sum of 1.</param>
public sealed record InputOptions(bool EdgeLogits = false, bool CloudLogits = false, bool Renormalize = false);
