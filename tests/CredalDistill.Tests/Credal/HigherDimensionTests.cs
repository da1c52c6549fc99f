using CredalDistill.Credal;
using CredalDistill.Divergences;
using CredalDistill.Numerics;
using CredalDistill.Tests.Support;
using CsCheck;

namespace CredalDistill.Tests.Credal;

/// <summary>K &gt; 3: Monte Carlo centroid and volume against independent rejection sampling; maximum entropy against its optimality conditions.</summary>
public class HigherDimensionTests
{
    [Theory]
    [InlineData("kl", 0.4)]
    [InlineData("hellinger", 0.1)]
    [InlineData("tv", 0.25)]
    [InlineData("alpha:1.2", 0.4)]
    public void Hit_and_run_centroid_matches_rejection_sampling(string name, double gamma)
    {
        var d = Divergence.Parse(name);
        double[] p = [0.4, 0.3, 0.2, 0.1];
        var c = new double[4];
        var se = new double[4];
        double worst = Centroid.Compute(d, p, gamma, c, se, new MonteCarloOptions { Samples = 20000, BurnIn = 500, Seed = 7 });
        Assert.True(worst > 0.0 && worst < 0.01);

        // Independent estimate: uniform simplex draws kept when inside the ball.
        var rng = new Random(11);
        var q = new double[4];
        var sum = new double[4];
        var sumSq = new double[4];
        int kept = 0;
        for (int s = 0; s < 400_000 && kept < 20_000; s++)
        {
            double total = 0.0;
            for (int i = 0; i < 4; i++)
            {
                q[i] = -Math.Log(1.0 - rng.NextDouble());
                total += q[i];
            }

            for (int i = 0; i < 4; i++)
            {
                q[i] /= total;
            }

            if (d.Compute(q, p) <= gamma)
            {
                kept++;
                for (int i = 0; i < 4; i++)
                {
                    sum[i] += q[i];
                    sumSq[i] += q[i] * q[i];
                }
            }
        }

        Assert.True(kept > 2000, $"only {kept} accepted draws");
        for (int i = 0; i < 4; i++)
        {
            double mean = sum[i] / kept;
            double seRejection = Math.Sqrt(((sumSq[i] / kept) - (mean * mean)) / kept);
            double combined = Math.Sqrt((se[i] * se[i]) + (seRejection * seRejection));
            Assert.True(Math.Abs(c[i] - mean) <= (5 * combined) + 1e-4, $"{name} centroid[{i}] {c[i]} vs rejection {mean} (se {combined})");
        }
    }

    [Theory]
    [InlineData("kl", 10)]
    [InlineData("kl", 20)]
    [InlineData("reverse-kl", 10)]
    [InlineData("tv", 10)]
    public void Reported_standard_error_matches_the_spread_over_independent_streams(string name, int k)
    {
        // The batch-means standard error of one chain against the standard deviation of the estimate over 80 independent
        // streams (seeds), on a skewed row where the ball is elongated. A chain too short for its batches would report
        // errors several times too small (measured 1.6x at K = 10 and 3x at K = 30 before the directions were preconditioned).
        var d = Divergence.Parse(name);
        var rng = new Random(k);
        var z = Enumerable.Range(0, k).Select(_ => rng.NextDouble() * 4).ToArray();
        double total = z.Sum(Math.Exp);
        double[] p = [.. z.Select(v => Math.Exp(v) / total)];
        const int Streams = 80;
        var estimates = new double[Streams][];
        double reported = 0.0;
        for (int s = 0; s < Streams; s++)
        {
            estimates[s] = new double[k];
            var se = new double[k];
            Centroid.Compute(d, p, 0.3, estimates[s], se, new MonteCarloOptions { Samples = 1000, Stream = (ulong)s });
            reported += se.Average() / Streams;
        }

        double spread = Enumerable.Range(0, k).Average(j =>
        {
            double mean = estimates.Average(e => e[j]);
            return Math.Sqrt(estimates.Sum(e => (e[j] - mean) * (e[j] - mean)) / (Streams - 1));
        });
        Assert.InRange(spread / reported, 0.7, 1.5);
    }

    [Fact]
    public void Sampled_volume_is_reproducible_and_agrees_with_independent_sampling_and_the_exact_three_class_value()
    {
        // A 4-class p with one zero under a divergence that forbids mass there lives on a 3-class face: volume 0.
        Assert.Equal(0.0, VolumeFraction.Compute(KullbackLeibler.Instance, [0.5, 0.3, 0.2, 0.0], 0.5).Value);

        var options = new MonteCarloOptions { Samples = 20000, BurnIn = 0, Seed = 3 };
        var a = VolumeFraction.Compute(SquaredHellinger.Instance, [0.4, 0.3, 0.2, 0.1], 0.1, options);
        var b = VolumeFraction.Compute(SquaredHellinger.Instance, [0.4, 0.3, 0.2, 0.1], 0.1, options);
        Assert.Equal(a, b);
        Assert.False(a.IsExact);
        Assert.True(a.StandardError > 0.0);

        // K = 4: against an independent count of System.Random Dirichlet(1,1,1,1) draws inside the ball (binomial SE).
        var independent = RejectionVolume([0.4, 0.3, 0.2, 0.1], 0.1, 40000);
        double se4 = Math.Sqrt((a.StandardError * a.StandardError) + (independent.StandardError * independent.StandardError));
        Assert.True(Math.Abs(a.Value - independent.Value) <= 5 * se4, $"sampled {a.Value} vs independent {independent.Value} (se {se4})");
        Assert.InRange(a.Value, 10 * a.StandardError, 1 - (10 * a.StandardError));

        // K = 3: the same sampler (used for K > 3) against the exact three-class value (quadrature over exact slices).
        foreach (double[] p3 in new[] { new[] { 0.5, 0.3, 0.2 }, [0.8, 0.15, 0.05] })
        {
            var exact = VolumeFraction.Compute(SquaredHellinger.Instance, p3, 0.1);
            Assert.True(exact.IsExact);
            var sampled = CredalGeometry.SampledVolume(SquaredHellinger.Instance, [.. p3.Select(x => Math.Log(x))], 0.1, options);
            Assert.True(Math.Abs(sampled.Value - exact.Value) <= 5 * sampled.StandardError, $"sampled {sampled.Value} (se {sampled.StandardError}) vs exact {exact.Value}");
            Assert.True(sampled.StandardError < 0.01 && exact.Value > 0.05);
        }
    }

    [Fact]
    public void Max_entropy_satisfies_the_lagrange_conditions()
    {
        // Optimality of argmax H(q) s.t. D(q||p) <= gamma (active): log q_k + lambda f'(q_k / p_k) is the same for all k.
        FDivergence[] lagrange = [ReverseKullbackLeibler.Instance, SquaredHellinger.Instance, PearsonChiSquare.Instance, new AlphaDivergence(0.9), new AlphaDivergence(1.2), new AlphaDivergence(-0.5)];
        int checkedCases = 0;
        Gen.Select(Generators.Distribution(3, 12), Gen.Double[0.001, 0.5], Gen.Int[0, lagrange.Length - 1]).Sample((raw, gamma, which) =>
        {
            var d = lagrange[which];
            var p = raw.Select(v => (v + 1e-3) / (1.0 + (1e-3 * raw.Length))).ToArray();

            var q = new double[p.Length];
            MaximumEntropy.Compute(d, p, gamma, q);
            var uniform = Enumerable.Repeat(1.0 / p.Length, p.Length).ToArray();
            if (d.Compute(uniform, p) <= gamma)
            {
                Assert.Equal(uniform, q);
                return;
            }

            Assert.Equal(gamma, d.Compute(q, p), 8);

            // Solve for lambda from the two most different classes, then check every class.
            int a = Array.IndexOf(p, p.Max());
            int b = Array.IndexOf(p, p.Min());
            double fa = d.TermDerivative(q[a], p[a]);
            double fb = d.TermDerivative(q[b], p[b]);
            if (Math.Abs(fa - fb) < 1e-6)
            {
                return;
            }

            double lambda = -(Math.Log(q[a]) - Math.Log(q[b])) / (fa - fb);
            Assert.True(lambda > 0.0, $"{d.Name}: lambda {lambda}");
            double nu = Math.Log(q[a]) + (lambda * fa);
            Interlocked.Increment(ref checkedCases);
            for (int k = 0; k < p.Length; k++)
            {
                double stationarity = Math.Log(q[k]) + (lambda * d.TermDerivative(q[k], p[k]));
                Assert.True(Math.Abs(stationarity - nu) <= 1e-6 * Math.Max(1.0, Math.Abs(nu)), $"{d.Name} class {k}: {stationarity} vs {nu}");
            }
        }, iter: 300, seed: "0N0XIzNsQ0O6");
        Assert.True(checkedCases >= 100, $"only {checkedCases} cases reached the stationarity check");
    }

    [Fact]
    public void Max_entropy_beats_random_members()
    {
        Gen.Select(Generators.Distribution(4, 10), Gen.Double[0.01, 1.0], Generators.AnyDivergence, Gen.Int[0, 1000]).Sample((p, gamma, d, seed) =>
        {
            var me = new double[p.Length];
            MaximumEntropy.Compute(d, p, gamma, me);
            double hMax = CredalBoundsPropertyTests.Entropy(me);
            var rng = new SplitMix64((ulong)seed);
            var q = new double[p.Length];
            var r = new double[p.Length];
            for (int trial = 0; trial < 50; trial++)
            {
                // Random member: move from p toward a random distribution until just inside the ball.
                double total = 0.0;
                for (int i = 0; i < p.Length; i++)
                {
                    r[i] = rng.NextExponential();
                    total += r[i];
                }

                double lo = 0.0, hi = 1.0;
                for (int it = 0; it < 60; it++)
                {
                    double s = 0.5 * (lo + hi);
                    for (int i = 0; i < p.Length; i++)
                    {
                        q[i] = ((1 - s) * p[i]) + (s * r[i] / total);
                    }

                    if (d.Compute(q, p) <= gamma)
                    {
                        lo = s;
                    }
                    else
                    {
                        hi = s;
                    }
                }

                for (int i = 0; i < p.Length; i++)
                {
                    q[i] = ((1 - lo) * p[i]) + (lo * r[i] / total);
                }

                Assert.True(CredalBoundsPropertyTests.Entropy(q) <= hMax + 1e-9, $"{d.Name}: random member beats max-entropy");
            }
        }, iter: 200, seed: "0N0XIzNsQ0O7");
    }

    [Fact]
    public void Maximality_matches_the_grid_for_three_classes()
    {
        foreach (var d in Generators.AllDivergences)
        {
            foreach (double gamma in new[] { 0.01, 0.05, 0.2 })
            {
                double[] p = [0.55, 0.35, 0.10];
                var exact = new bool[3];
                var grid = new bool[3];
                new DivergenceBall(d, p, gamma).Maximality(exact);
                new GridCredalSet(d, p, gamma, 0.002).Maximality(grid);
                Assert.Equal(grid, exact);
            }
        }
    }

    /// <summary>Fraction of uniform simplex points (normalised exponentials from <see cref="Random"/>) with <c>H^2(q, p) = sum (sqrt q - sqrt p)^2 &lt;= gamma</c>.</summary>
    private static Estimate RejectionVolume(double[] p, double gamma, int draws)
    {
        var rng = new Random(11);
        var q = new double[p.Length];
        int inside = 0;
        for (int s = 0; s < draws; s++)
        {
            for (int i = 0; i < q.Length; i++)
            {
                q[i] = -Math.Log(1.0 - rng.NextDouble());
            }

            double sum = q.Sum();
            double h2 = 0.0;
            for (int i = 0; i < q.Length; i++)
            {
                double d = Math.Sqrt(q[i] / sum) - Math.Sqrt(p[i]);
                h2 += d * d;
            }

            inside += h2 <= gamma ? 1 : 0;
        }

        double v = (double)inside / draws;
        return new Estimate(v, Math.Sqrt(v * (1 - v) / draws), IsExact: false);
    }
}
