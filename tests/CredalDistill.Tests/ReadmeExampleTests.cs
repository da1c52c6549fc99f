using CredalDistill.Conformal;
using CredalDistill.Credal;
using CredalDistill.Divergences;

namespace CredalDistill.Tests;

/// <summary>The README's library example, compiled and run on synthetic data.</summary>
public class ReadmeExampleTests
{
    [Fact]
    public void Readme_library_example_runs()
    {
        var rng = new Random(3);
        int n = 200;
        var cloudRows = new double[n * 10];
        var edgeLogits = new double[n * 10];
        for (int i = 0; i < n * 10; i++)
        {
            edgeLogits[i] = 4 * rng.NextDouble();
            cloudRows[i] = Math.Exp(edgeLogits[i] / 3);
        }

        for (int i = 0; i < n; i++)
        {
            double s = 0;
            for (int k = 0; k < 10; k++)
            {
                s += cloudRows[(i * 10) + k];
            }

            for (int k = 0; k < 10; k++)
            {
                cloudRows[(i * 10) + k] /= s;
            }
        }

        var cloud = ProbabilityMatrix.FromProbabilities(cloudRows, classes: 10);
        var edge = ProbabilityMatrix.FromLogits(edgeLogits, classes: 10);
        ConformalThreshold threshold = ConformalCalibrator.Calibrate(cloud, edge, epsilon: 0.1, Divergence.KL);
        Assert.False(threshold.IsUnbounded);
        var p = edge.Row(0);
        Span<double> lower = stackalloc double[10], upper = stackalloc double[10], calibrated = stackalloc double[10];
        CredalBounds.Compute(Divergence.KL, p, threshold.Gamma, lower, upper);
        IntersectionProbability.Compute(lower, upper, p, calibrated);
        MaximumEntropy.Compute(Divergence.KL, p, threshold.Gamma, calibrated);
        var predictor = new CredalPredictor(threshold);
        ProbabilityMatrix output = predictor.Predict(edge, CredalOutput.Intersection);
        Assert.Equal(n, output.Rows);
    }
}
