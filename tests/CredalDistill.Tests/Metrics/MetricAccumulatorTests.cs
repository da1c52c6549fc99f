using CredalDistill.Metrics;

namespace CredalDistill.Tests.Metrics;

public sealed class MetricAccumulatorTests
{
    [Theory]
    [InlineData(1, 3)]
    [InlineData(7, 4)]
    [InlineData(1000, 10)]
    public void Chunked_sums_equal_the_one_pass_metrics_bit_for_bit(int chunk, int k)
    {
        const int n = 777;
        var rng = new Random(k);
        var data = new double[n * k];
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            double sum = 0;
            for (int j = 0; j < k; j++)
            {
                data[(i * k) + j] = Math.Pow(rng.NextDouble(), 3) + (j == i % k ? 0.5 : 0.0);
                sum += data[(i * k) + j];
            }

            for (int j = 0; j < k; j++)
            {
                data[(i * k) + j] /= sum;
            }

            labels[i] = rng.Next(k);
        }

        var whole = ProbabilityMatrix.FromProbabilities(data, k);
        var sums = new MetricAccumulator(k);
        for (int start = 0; start < n; start += chunk)
        {
            int rows = Math.Min(chunk, n - start);
            sums.Add(whole.Data.Slice(start * k, rows * k), labels.AsSpan(start, rows));
        }

        Assert.Equal(n, sums.Rows);
        Assert.Equal(Accuracy.Compute(whole, labels), sums.Accuracy);
        Assert.Equal(NegativeLogLikelihood.Compute(whole, labels), sums.Nll);
        Assert.Equal(BrierScore.Compute(whole, labels), sums.Brier);
        Assert.Equal(ExpectedCalibrationError.Compute(whole, labels), sums.Ece);
        Assert.Equal(ReliabilityDiagram.Compute(whole, labels), sums.Bins());
    }

    [Fact]
    public void Empty_sums_and_bad_labels_throw()
    {
        var sums = new MetricAccumulator(2);
        Assert.Throws<InvalidOperationException>(() => sums.Ece);
        Assert.Throws<ArgumentOutOfRangeException>(() => sums.Add([0.5, 0.5], [2]));
        Assert.Throws<ArgumentException>(() => sums.Add([0.5, 0.5, 1.0], [0]));
    }
}
