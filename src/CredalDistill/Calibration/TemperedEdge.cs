using CredalDistill.Baselines;

namespace CredalDistill.Calibration;

/// <summary>
/// Tempering an edge output: <c>softmax(z / T)</c> with <c>z</c> the kept log-probabilities of a logit row (shift-invariant,
/// so logits and log-probabilities give the same result) or <c>log max(p, 1e-12)</c> of a probability row, the convention of
/// <see cref="TemperatureScaling"/> and <see cref="DistilledTemperatureScaling"/>. The row and batch forms call the same
/// softmax, so they agree bit for bit.
/// </summary>
internal static class TemperedEdge
{
    /// <summary>Writes the logits <c>z</c> of one edge row.</summary>
    public static void Logits(EdgeRow edge, Span<double> z)
    {
        if (edge.IsLogits)
        {
            edge.Values.CopyTo(z);
            return;
        }

        for (int k = 0; k < z.Length; k++)
        {
            z[k] = Math.Log(Math.Max(edge.Values[k], LogitInput.ProbabilityFloor));
        }
    }

    /// <summary>The row-major logits <c>z</c> of every edge row.</summary>
    public static double[] Logits(ProbabilityMatrix edge)
    {
        var z = new double[edge.Rows * edge.Classes];
        for (int i = 0; i < edge.Rows; i++)
        {
            Logits(edge.AsEdgeRow(i), z.AsSpan(i * edge.Classes, edge.Classes));
        }

        return z;
    }

    /// <summary>The tempered edge <c>softmax(z / T)</c> of every row, keeping its log-probabilities for the exact kernels.</summary>
    public static ProbabilityMatrix Apply(double[] logits, int classes, double temperature)
        => ProbabilityMatrix.FromLogits(logits, classes, "tempered edge", temperature);

    /// <summary>The rows <paramref name="indices"/> of row-major logits.</summary>
    public static double[] Rows(double[] logits, int classes, int[] indices)
    {
        var result = new double[indices.Length * classes];
        for (int i = 0; i < indices.Length; i++)
        {
            logits.AsSpan(indices[i] * classes, classes).CopyTo(result.AsSpan(i * classes, classes));
        }

        return result;
    }
}
