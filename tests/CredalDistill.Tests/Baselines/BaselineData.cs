using CredalDistill.Numerics;

namespace CredalDistill.Tests.Baselines;

/// <summary>Seeded synthetic data for the baseline tests.</summary>
internal static class BaselineData
{
    /// <summary>Gaussian logits <c>scale * N(0, 1)</c>, row-major <c>n x K</c>.</summary>
    public static double[] Logits(int rows, int classes, double scale, ulong seed)
    {
        var rng = new SplitMix64(seed);
        var z = new double[rows * classes];
        for (int j = 0; j < z.Length; j++)
        {
            z[j] = scale * rng.NextGaussian();
        }

        return z;
    }

    /// <summary>Labels drawn from <c>softmax(z_i / T)</c>.</summary>
    public static int[] SampleLabels(double[] logits, int classes, double temperature, ulong seed)
    {
        var rng = new SplitMix64(seed, 7);
        int rows = logits.Length / classes;
        var labels = new int[rows];
        var p = new double[classes];
        for (int i = 0; i < rows; i++)
        {
            Softmax.Compute(logits.AsSpan(i * classes, classes), p, temperature);
            double u = rng.NextDouble();
            int k = 0;
            double cumulative = p[0];
            while (u >= cumulative && k < classes - 1)
            {
                k++;
                cumulative += p[k];
            }

            labels[i] = k;
        }

        return labels;
    }

    /// <summary>Softmax of every row at a temperature.</summary>
    public static double[] SoftmaxRows(double[] logits, int classes, double temperature = 1.0)
    {
        var p = new double[logits.Length];
        for (int i = 0; i < logits.Length / classes; i++)
        {
            Softmax.Compute(logits.AsSpan(i * classes, classes), p.AsSpan(i * classes, classes), temperature);
        }

        return p;
    }

    /// <summary>Mean top-1 confidence of row-major probabilities.</summary>
    public static double MeanConfidence(ReadOnlySpan<double> p, int classes)
    {
        int rows = p.Length / classes;
        double sum = 0.0;
        for (int i = 0; i < rows; i++)
        {
            double max = 0.0;
            for (int k = 0; k < classes; k++)
            {
                max = Math.Max(max, p[(i * classes) + k]);
            }

            sum += max;
        }

        return sum / rows;
    }
}
