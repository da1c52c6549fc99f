namespace CredalDistill.Tests.Support;

/// <summary>Seeded synthetic cloud/edge pairs for statistical tests: edge = softmax of Gaussian logits (scale 2), cloud = the same logits plus Gaussian noise.</summary>
internal static class SyntheticPairs
{
    /// <summary><paramref name="rows"/> i.i.d. pairs with <paramref name="classes"/> classes; <paramref name="shift"/> is added to the first logit of both.</summary>
    public static (ProbabilityMatrix Cloud, ProbabilityMatrix Edge) Draw(Random rng, int rows, int classes, double noise = 0.7, double shift = 0.0)
    {
        var edgeLogits = new double[rows * classes];
        var cloudLogits = new double[rows * classes];
        for (int i = 0; i < edgeLogits.Length; i++)
        {
            edgeLogits[i] = (2.0 * Gaussian(rng)) + (i % classes == 0 ? shift : 0.0);
            cloudLogits[i] = edgeLogits[i] + (noise * Gaussian(rng));
        }

        return (ProbabilityMatrix.FromLogits(cloudLogits, classes), ProbabilityMatrix.FromLogits(edgeLogits, classes));
    }

    /// <summary>A standard normal draw (Box-Muller).</summary>
    public static double Gaussian(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble();
        double u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
