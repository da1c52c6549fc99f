using CredalDistill.Calibration;
using CredalDistill.Credal;
using CredalDistill.Divergences;

namespace CredalDistill.Tests.Reliability;

/// <summary>
/// One fitted <see cref="CredalPredictor"/> shared by many threads gives bit-identical results to single-threaded
/// use, through the batch API (itself parallel inside) and the span API, for every output including the Monte Carlo
/// centroid (docs/RELIABILITY.md).
/// </summary>
public sealed class PredictorConcurrencyTests
{
    private const int Threads = 6;

    private static ProbabilityMatrix Edge(int n, int k, int seed)
    {
        var rng = new Random(seed);
        var logits = new double[n * k];
        for (int i = 0; i < logits.Length; i++)
        {
            logits[i] = 3.0 * ((rng.NextDouble() * 2.0) - 1.0);
        }

        return ProbabilityMatrix.FromLogits(logits, k);
    }

    public static TheoryData<string> Divergences => ["kl", "alpha:1.2", "tv", "hellinger"];

    [Theory]
    [MemberData(nameof(Divergences))]
    public async Task Shared_predictor_is_bit_identical_across_threads(string divergence)
    {
        const int k = 4;
        var edge = Edge(64, k, seed: 11);
        var predictor = new CredalPredictor(Divergence.Parse(divergence), 0.3, new CredalPredictorOptions { MonteCarlo = new MonteCarloOptions { Samples = 64, BurnIn = 50, Seed = 7 } });
        CalibratedOutput[] outputs = [CalibratedOutput.Intersection, CalibratedOutput.MaximumEntropy, CalibratedOutput.Centroid];

        // Single-threaded references: span API row by row, and batch bounds and label sets.
        var reference = outputs.ToDictionary(o => o, o =>
        {
            var values = new double[edge.Rows * k];
            for (int i = 0; i < edge.Rows; i++)
            {
                predictor.Predict(edge.AsEdgeRow(i), o, values.AsSpan(i * k, k), i);
            }

            return values;
        });
        var bounds = predictor.Bounds(edge);
        var sets = predictor.LabelSets(edge);

        using var start = new Barrier(Threads);
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        var workers = Enumerable.Range(0, Threads).Select(t => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait();
            foreach (var o in outputs)
            {
                // Batch API (parallel inside) on every other thread, span API in a thread-specific row order otherwise.
                double[] got;
                if (t % 2 == 0)
                {
                    got = Flatten(predictor.Predict(edge, o));
                }
                else
                {
                    got = new double[edge.Rows * k];
                    for (int j = 0; j < edge.Rows; j++)
                    {
                        int i = (j + (t * 17)) % edge.Rows; // a rotation: every row once, in a thread-specific order
                        predictor.Predict(edge.AsEdgeRow(i), o, got.AsSpan(i * k, k), i);
                    }
                }

                if (!BitIdentical(reference[o], got))
                {
                    failures.Add($"thread {t}, {o}");
                }
            }

            var b = predictor.Bounds(edge);
            if (!BitIdentical(bounds.Lower, b.Lower) || !BitIdentical(bounds.Upper, b.Upper))
            {
                failures.Add($"thread {t}, bounds");
            }

            if (!sets.SequenceEqual(predictor.LabelSets(edge)))
            {
                failures.Add($"thread {t}, label sets");
            }
        }, TaskCreationOptions.LongRunning)).ToArray();
        await Task.WhenAll(workers);
        Assert.Empty(failures);
    }

    private static double[] Flatten(ProbabilityMatrix m)
    {
        var result = new double[m.Rows * m.Classes];
        for (int i = 0; i < m.Rows; i++)
        {
            m.Row(i).CopyTo(result.AsSpan(i * m.Classes));
        }

        return result;
    }

    private static bool BitIdentical(double[] a, double[] b) =>
        a.Length == b.Length && a.Select(BitConverter.DoubleToInt64Bits).SequenceEqual(b.Select(BitConverter.DoubleToInt64Bits));
}
