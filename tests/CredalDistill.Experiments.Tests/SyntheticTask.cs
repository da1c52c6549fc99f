using CredalDistill.Experiments.Data;
using CredalDistill.IO;
using CredalDistill.Numerics;
using CredalDistill.Onnx;

namespace CredalDistill.Experiments.Tests;

/// <summary>
/// A task with synthetic model outputs of the same shape as the bundled ones: Gaussian features, an edge whose
/// logits are exactly its last layer applied to them (so the Laplace baseline sees a consistent model), labels drawn
/// from a sharper version of the edge, and a cloud that is the edge's logits softened and perturbed.
/// </summary>
internal static class SyntheticTask
{
    public static TaskOutputs Create(IExperimentTask task, int n, ulong seed)
    {
        int k = task.Classes;
        const int D = 6;
        var rng = new SplitMix64(seed);
        var weight = new double[k * D];
        var bias = new double[k];
        for (int i = 0; i < weight.Length; i++)
        {
            weight[i] = 1.5 * rng.NextGaussian();
        }

        var features = new double[n * D];
        var edgeLogits = new double[n * k];
        var cloudLogits = new double[n * k];
        var labels = new int[n];
        for (int r = 0; r < n; r++)
        {
            for (int j = 0; j < D; j++)
            {
                features[(r * D) + j] = Math.Max(0.0, rng.NextGaussian() + 0.5);
            }

            for (int c = 0; c < k; c++)
            {
                double z = bias[c];
                for (int j = 0; j < D; j++)
                {
                    z += weight[(c * D) + j] * features[(r * D) + j];
                }

                edgeLogits[(r * k) + c] = z;
                cloudLogits[(r * k) + c] = (0.6 * z) + (0.3 * rng.NextGaussian());
            }

            // Label ~ softmax(0.6 z): the edge (temperature 1) is over-confident relative to the truth.
            var truth = ProbabilityMatrix.FromLogits(cloudLogits.AsSpan(r * k, k), k);
            double u = rng.NextDouble();
            double acc = 0.0;
            labels[r] = k - 1;
            for (int c = 0; c < k; c++)
            {
                acc += truth[0][c];
                if (u < acc)
                {
                    labels[r] = c;
                    break;
                }
            }
        }

        return new TaskOutputs
        {
            Task = task,
            Labels = labels,
            Cloud = ProbabilityMatrix.FromLogits(cloudLogits, k),
            CloudLogits = cloudLogits,
            Edge = ProbabilityMatrix.FromLogits(edgeLogits, k),
            EdgeLogits = edgeLogits,
            EdgeFeatures = features,
            LastLayer = new LastLayer(k, D, weight, bias),
            Quantized = new Dictionary<int, (double[] Logits, ProbabilityMatrix Probabilities)>(),
            CloudMicroseconds = 100.0,
            EdgeMicroseconds = 10.0,
        };
    }
}
