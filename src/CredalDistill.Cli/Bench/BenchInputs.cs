namespace CredalDistill.Cli.Bench;

/// <summary>
/// Seeded synthetic edge outputs for the timings: logits <c>z_j ~ N(0, 2^2)</c> with <c>+4</c> on one class (an
/// over-confident edge), as probabilities (softmax) and logits. Rows are cycled through so that no single input is timed.
/// </summary>
internal sealed class BenchInputs
{
    private BenchInputs(double[][] logits, double[][] probabilities)
    {
        Logits = logits;
        Probabilities = probabilities;
    }

    /// <summary>The logits, one array per row.</summary>
    public double[][] Logits { get; }

    /// <summary>The softmax of each row.</summary>
    public double[][] Probabilities { get; }

    /// <summary><paramref name="rows"/> rows (a power of two) of <paramref name="classes"/> classes.</summary>
    public static BenchInputs Create(int classes, int rows, int seed)
    {
        var random = new Random(seed);
        var logits = new double[rows][];
        var probabilities = new double[rows][];
        for (int i = 0; i < rows; i++)
        {
            var z = new double[classes];
            for (int k = 0; k < classes; k++)
            {
                double u1 = 1.0 - random.NextDouble();
                double u2 = random.NextDouble();
                z[k] = 2.0 * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
            }

            z[random.Next(classes)] += 4.0;
            logits[i] = z;
            probabilities[i] = Softmax(z);
        }

        return new BenchInputs(logits, probabilities);
    }

    private static double[] Softmax(double[] z)
    {
        double max = z.Max();
        var p = z.Select(v => Math.Exp(v - max)).ToArray();
        double sum = p.Sum();
        for (int k = 0; k < p.Length; k++)
        {
            p[k] /= sum;
        }

        return p;
    }
}
