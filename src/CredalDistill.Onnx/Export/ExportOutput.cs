namespace CredalDistill.Onnx.Export;

/// <summary>Which single distribution of the credal set the exported graph writes to its <c>probabilities</c> output.</summary>
public enum ExportOutput
{
    /// <summary>The intersection probability <c>l + beta (u - l)</c>, <c>beta = (1 - sum l) / sum (u - l)</c> (the default).</summary>
    Intersection,

    /// <summary>The maximum-entropy member; KL only: <c>q ∝ p^(1/T)</c> with <c>KL(q || p) = gamma</c>.</summary>
    MaximumEntropy,
}
