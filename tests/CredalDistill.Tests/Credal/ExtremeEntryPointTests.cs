using CredalDistill.Calibration;
using CredalDistill.Conformal;
using CredalDistill.Credal;
using CredalDistill.Divergences;
using CredalDistill.Tests.Support;
using DD = CredalDistill.Tests.Support.DoubleDouble;

namespace CredalDistill.Tests.Credal;

/// <summary>Issue 8 at the entry points: log-domain offline scores for underflowing edges, and a language-model-wide K everywhere.</summary>
public class ExtremeEntryPointTests
{
    [Theory]
    [MemberData(nameof(Generators.DivergenceNames), MemberType = typeof(Generators))]
    public void Scores_for_edges_given_as_logits_that_underflow_are_finite_and_exact(string name)
    {
        // Edge logits with gaps of 800 and 1000: those probabilities are exactly 0 in double, but the scores are finite.
        var d = Divergence.Parse(name);
        double[] edgeLogits = [0.0, -800.0, -1000.0, 3.0, -40.0, -760.0, 1e4, 1e4 - 5000.0, 1e4 - 0.5];
        double[] cloudLogits = [0.0, -2.0, -3.0, 1.0, 0.5, -1.0, 2.0, 0.0, 2.0];
        const int K = 3;
        var edge = ProbabilityMatrix.FromLogits(edgeLogits, K);
        var cloudFromLogits = ProbabilityMatrix.FromLogits(cloudLogits, K);
        var cloudFromProbabilities = ProbabilityMatrix.FromProbabilities(cloudFromLogits.Data, K);
        Assert.Contains(0.0, edge.Data.ToArray()); // the edge probabilities really underflow

        var reference = new ReferenceBounds(name);
        foreach (var cloud in new[] { cloudFromLogits, cloudFromProbabilities })
        {
            var scores = SplitConformal.Scores(cloud, edge, d);
            for (int i = 0; i < edge.Rows; i++)
            {
                var logEdge = LogSoftmax(edgeLogits.AsSpan(i * K, K));
                var logCloud = LogSoftmax(cloudLogits.AsSpan(i * K, K));
                double expected = (double)reference.Divergence(logEdge, logCloud);

                // Every score is mathematically finite here; chi2 and alpha > 1 weigh q^a p^(1-a) with p = e^-800, beyond double's
                // range, so their correctly rounded value is +inf; every other score must come out finite.
                Assert.True(double.IsFinite(scores[i]) == double.IsFinite(expected), $"{name} row {i}: score {scores[i]:R}, reference {expected:R}");
                if (double.IsPositiveInfinity(expected))
                {
                    Assert.True(reference.ForbidsMassOutsideSupport);
                    continue;
                }

                Assert.True(Math.Abs(scores[i] - expected) <= 1e-9 * Math.Abs(expected), $"{name} row {i}: score {scores[i]:R}, reference {expected:R}");
            }
        }
    }

    [Fact]
    public void Kl_score_for_an_underflowing_edge_is_the_exact_finite_value()
    {
        // KL(c || e) with log e = (0, -800, -1000) - lse: about 0.07 * 800 + 0.03 * 1000 (computed in double-double).
        var edge = ProbabilityMatrix.FromLogits([0.0, -800.0, -1000.0], 3);
        var cloud = ProbabilityMatrix.FromProbabilities([0.9, 0.07, 0.03], 3);
        double score = SplitConformal.Scores(cloud, edge, KullbackLeibler.Instance)[0];
        DD lse = ReferenceBounds.LogSumExp([0.0, -800.0, -1000.0], -1);
        DD expected = DD.Zero;
        double[] c = [0.9, 0.07, 0.03];
        double[] z = [0.0, -800.0, -1000.0];
        for (int k = 0; k < 3; k++)
        {
            expected += (DD)c[k] * (DD.Log(c[k]) - ((DD)z[k] - lse));
        }

        Assert.True(Math.Abs(score - (double)expected) <= 1e-12 * (double)expected, $"score {score:R}, reference {expected}");
    }

    [Fact]
    public void A_vocabulary_of_131072_classes_works_through_every_entry_point_on_a_small_stack()
    {
        // On a thread with a 256 KiB stack: any stackalloc sized by K (131,072 doubles = 1 MiB) would overflow it.
        Exception? failure = null;
        var thread = new Thread(
            () =>
            {
                try
                {
                    WideRowEverywhere();
                }
                catch (Exception e)
                {
                    failure = e;
                }
            },
            256 * 1024);
        thread.Start();
        thread.Join();
        Assert.Null(failure);
    }

    private static void WideRowEverywhere()
    {
        const int K = 131_072;
        var rng = new Random(8);
        var logits = new double[2 * K];
        for (int j = 0; j < logits.Length; j++)
        {
            logits[j] = j % K == 17 ? 30.0 : (-10.0 * rng.NextDouble()) - (j % 1000 == 0 ? 2000.0 : 0.0);
        }

        var matrix = ProbabilityMatrix.FromLogits(logits, K);
        Assert.Equal(2, matrix.Rows);
        var probabilities = matrix.Row(0).ToArray();
        var lower = new double[K];
        var upper = new double[K];
        CredalBounds.Compute(KullbackLeibler.Instance, probabilities, 0.5, lower, upper);
        CredalBounds.Compute(KullbackLeibler.Instance, EdgeRow.FromLogits(logits.AsSpan(0, K)), 0.5, lower, upper);
        Assert.True(lower[17] > 0.0 && upper[17] <= 1.0);

        // KL through every output and rule; two more divergences through the bounds, the intersection and interval dominance
        // (their Lagrange max-entropy and maximality cost tens of seconds at this K in a Debug build).
        foreach (var d in new FDivergence[] { KullbackLeibler.Instance, SquaredHellinger.Instance, new AlphaDivergence(-0.5) })
        {
            bool kl = d is KullbackLeibler;
            var predictor = new CredalPredictor(d, 0.5);
            var q = new double[K];
            foreach (var output in kl ? new[] { CalibratedOutput.Intersection, CalibratedOutput.MaximumEntropy } : [CalibratedOutput.Intersection])
            {
                predictor.Predict(EdgeRow.FromLogits(logits.AsSpan(0, K)), output, q);
                Assert.Equal(1.0, q.Sum(), 9);
                predictor.Predict(probabilities, output, q);
                Assert.Equal(1.0, q.Sum(), 9);
            }

            var members = new bool[K];
            foreach (var rule in kl ? new[] { LabelSetRule.IntervalDominance, LabelSetRule.Maximality } : [LabelSetRule.IntervalDominance])
            {
                predictor.LabelSet(EdgeRow.FromLogits(logits.AsSpan(0, K)), rule, members);
                Assert.True(members[17], $"{d.Name} {rule}: the top class is in its label set");
            }

            var batch = predictor.Predict(matrix, CalibratedOutput.Intersection);
            Assert.Equal(2, batch.Rows);
            var intervals = predictor.Bounds(matrix);
            Assert.Equal(K, intervals.Classes);
        }

        var scores = SplitConformal.Scores(matrix, matrix, KullbackLeibler.Instance);
        Assert.Equal([0.0, 0.0], scores);
    }

    private static DD[] LogSoftmax(ReadOnlySpan<double> z)
    {
        var lse = ReferenceBounds.LogSumExp(z, -1);
        var log = new DD[z.Length];
        for (int k = 0; k < z.Length; k++)
        {
            log[k] = (DD)z[k] - lse;
        }

        return log;
    }
}
