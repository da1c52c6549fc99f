namespace CredalDistill.Numerics;

/// <summary>
/// Numerically stable softmax: <c>p_k = exp(z_k - max z) / sum_j exp(z_j - max z)</c>.
/// </summary>
internal static class Softmax
{
    /// <summary>Writes <c>softmax(logits / temperature)</c> into <paramref name="destination"/>. Allocation-free.</summary>
    /// <param name="logits">Finite logits, one per class.</param>
    /// <param name="destination">Receives the probabilities; may alias <paramref name="logits"/>.</param>
    /// <param name="temperature">Temperature <c>T &gt; 0</c>; 1 gives the plain softmax.</param>
    public static void Compute(ReadOnlySpan<double> logits, Span<double> destination, double temperature = 1.0)
    {
        if (destination.Length != logits.Length)
        {
            throw new ArgumentException($"destination has length {destination.Length}; expected {logits.Length}.", nameof(destination));
        }

        if (!(temperature > 0.0) || double.IsPositiveInfinity(temperature))
        {
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "temperature must be a finite number > 0.");
        }

        double max = double.NegativeInfinity;
        for (int k = 0; k < logits.Length; k++)
        {
            if (!double.IsFinite(logits[k]))
            {
                throw new ArgumentException($"logits entry {k}: value {logits[k]} is not finite.", nameof(logits));
            }

            max = Math.Max(max, logits[k]);
        }

        double sum = 0.0;
        for (int k = 0; k < logits.Length; k++)
        {
            double e = Math.Exp((logits[k] - max) / temperature);
            destination[k] = e;
            sum += e;
        }

        double inv = 1.0 / sum;
        for (int k = 0; k < destination.Length; k++)
        {
            destination[k] *= inv;
        }
    }

    /// <summary>Log-softmax, <c>z_k/T - logsumexp(z/T)</c>, written to <paramref name="destination"/>.</summary>
    public static void LogCompute(ReadOnlySpan<double> logits, Span<double> destination, double temperature = 1.0)
    {
        if (destination.Length != logits.Length)
        {
            throw new ArgumentException($"destination has length {destination.Length}; expected {logits.Length}.", nameof(destination));
        }

        double max = double.NegativeInfinity;
        for (int k = 0; k < logits.Length; k++)
        {
            max = Math.Max(max, logits[k] / temperature);
        }

        double sum = 0.0;
        for (int k = 0; k < logits.Length; k++)
        {
            sum += Math.Exp(logits[k] / temperature - max);
        }

        double lse = max + Math.Log(sum);
        for (int k = 0; k < logits.Length; k++)
        {
            destination[k] = logits[k] / temperature - lse;
        }
    }
}
