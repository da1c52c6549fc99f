using CredalDistill.Credal;
using CredalDistill.Divergences;
using CredalDistill.Tests.Support;
using CsCheck;

namespace CredalDistill.Tests.Credal;

public class CredalBoundsPropertyTests
{
    private const double Tol = 1e-9;

    [Fact]
    public void Bounds_bracket_p_and_one()
    {
        Gen.Select(Generators.Distribution(), Generators.Gamma, Generators.AnyDivergence).Sample((p, gamma, d) =>
        {
            var lower = new double[p.Length];
            var upper = new double[p.Length];
            CredalBounds.Compute(d, p, gamma, lower, upper);
            double sl = 0.0, su = 0.0;
            for (int k = 0; k < p.Length; k++)
            {
                Assert.True(lower[k] >= 0.0 && lower[k] <= p[k] + Tol, $"{d.Name} k={k} lower {lower[k]} p {p[k]}");
                Assert.True(upper[k] <= 1.0 + Tol && upper[k] >= p[k] - Tol, $"{d.Name} k={k} upper {upper[k]} p {p[k]}");
                sl += lower[k];
                su += upper[k];
            }

            Assert.True(sl <= 1.0 + Tol && su >= 1.0 - Tol, $"{d.Name}: sum lower {sl}, sum upper {su}");
        }, iter: 3000, seed: "0N0XIzNsQ0O2");
    }

    [Fact]
    public void Extreme_points_attain_gamma()
    {
        Gen.Select(Generators.Distribution(), Gen.Double[1e-6, 8.0], Generators.AnyDivergence).Sample((p, gamma, d) =>
        {
            var lower = new double[p.Length];
            var upper = new double[p.Length];
            var q = new double[p.Length];
            CredalBounds.Compute(d, p, gamma, lower, upper);
            for (int k = 0; k < p.Length; k++)
            {
                foreach (double t in new[] { lower[k], upper[k] })
                {
                    // A bound at the simplex edge (the whole edge is inside the set), or underflowed past double
                    // range, or closer to 1 than 1e-13 (where 1 - t keeps no significant digits), is not a checkable crossing.
                    double edge = t < p[k] ? 0.0 : 1.0;
                    CredalBounds.ExtremePoint(p, k, edge, q);
                    if (d.Compute(q, p) <= gamma || t <= 1e-290 || 1.0 - t < 1e-13 || t == p[k])
                    {
                        continue;
                    }

                    CredalBounds.ExtremePoint(p, k, t, q);
                    double dq = d.Compute(q, p);

                    // Representing t itself in double costs |d'(t)| * ulp(t), and the extreme point's 1 - t is built from the
                    // row as given, whose sum differs from 1 (the library divides by it) by a few ulps: allow for both.
                    double rest = 1.0 - p[k];
                    double slope = Math.Abs(d.TermDerivative(t, p[k]) - d.TermDerivative(1.0 - t, rest));
                    // The extreme point's rest mass is itself a sum of K - 1 rounded terms.
                    double sumError = Math.Abs(p.Sum() - 1.0) + (p.Length * 1.1e-16);
                    double conditioning = double.IsFinite(slope) ? slope * (4e-16 + sumError) : 0.0;
                    Assert.True(Math.Abs(dq - gamma) <= (Tol * Math.Max(1.0, gamma)) + conditioning, $"{d.Name} k={k} t={t} p_k={p[k]}: D={dq}, gamma={gamma}");
                }
            }
        }, iter: 2000, seed: "0N0XIzNsQ0O3");
    }

    [Fact]
    public void Bounds_are_monotone_in_gamma()
    {
        Gen.Select(Generators.Distribution(), Generators.Gamma, Gen.Double[1.0, 4.0], Generators.AnyDivergence).Sample((p, gamma, factor, d) =>
        {
            var l1 = new double[p.Length];
            var u1 = new double[p.Length];
            var l2 = new double[p.Length];
            var u2 = new double[p.Length];
            CredalBounds.Compute(d, p, gamma, l1, u1);
            CredalBounds.Compute(d, p, (gamma * factor) + 1e-6, l2, u2);
            for (int k = 0; k < p.Length; k++)
            {
                Assert.True(l2[k] <= l1[k] + Tol && u2[k] >= u1[k] - Tol, $"{d.Name} k={k}");
            }
        }, iter: 1500, seed: "0N0XIzNsQ0O4");
    }

    [Fact]
    public void Intersection_probability_and_max_entropy_are_members()
    {
        Gen.Select(Generators.Distribution(), Generators.Gamma, Generators.AnyDivergence).Sample((p, gamma, d) =>
        {
            int n = p.Length;
            var lower = new double[n];
            var upper = new double[n];
            var ip = new double[n];
            var me = new double[n];
            CredalBounds.Compute(d, p, gamma, lower, upper);
            IntersectionProbability.Compute(lower, upper, p, ip);
            MaximumEntropy.Compute(d, p, gamma, me);
            AssertDistribution(ip, "ip " + d.Name);
            AssertDistribution(me, "maxent " + d.Name);
            for (int k = 0; k < n; k++)
            {
                Assert.InRange(ip[k], lower[k] - Tol, upper[k] + Tol);
            }

            double dm = d.Compute(me, p);
            Assert.True(dm <= gamma + (1e-9 * Math.Max(1.0, gamma)), $"{d.Name}: D(maxent||p)={dm} > gamma={gamma}");
            Assert.True(Entropy(me) >= Entropy(p) - 1e-9, $"{d.Name}: maxent entropy below p's");
        }, iter: 1500, seed: "0N0XIzNsQ0O5");
    }

    [Theory]
    [MemberData(nameof(Generators.DivergenceNames), MemberType = typeof(Generators))]
    public void Gamma_zero_collapses_to_p(string name)
    {
        var d = Generators.ByName(name);
        double[] p = [0.5, 0.3, 0.2, 0.0];
        var lower = new double[4];
        var upper = new double[4];
        CredalBounds.Compute(d, p, 0.0, lower, upper);
        Assert.Equal(p, lower);
        Assert.Equal(p, upper);
    }

    [Theory]
    [MemberData(nameof(Generators.DivergenceNames), MemberType = typeof(Generators))]
    public void Infinite_gamma_gives_support_face_or_simplex(string name)
    {
        var d = Generators.ByName(name);
        double[] p = [0.5, 0.3, 0.2, 0.0];
        var lower = new double[4];
        var upper = new double[4];
        CredalBounds.Compute(d, p, double.PositiveInfinity, lower, upper);
        Assert.Equal([0.0, 0.0, 0.0, 0.0], lower);
        Assert.Equal(d.AllowsMassOutsideSupport ? 1.0 : 0.0, upper[3]);
        Assert.Equal(1.0, upper[0], 12);
    }

    [Fact]
    public void Kl_vertex_edge_cases()
    {
        var lower = new double[3];
        var upper = new double[3];
        CredalBounds.Compute(KullbackLeibler.Instance, [1.0, 0.0, 0.0], 0.7, lower, upper);
        Assert.Equal([1.0, 0.0, 0.0], lower);
        Assert.Equal([1.0, 0.0, 0.0], upper);
    }

    [Fact]
    public void Total_variation_is_closed_form()
    {
        var lower = new double[3];
        var upper = new double[3];
        CredalBounds.Compute(TotalVariation.Instance, [0.6, 0.3, 0.1], 0.15, lower, upper);
        Assert.Equal(0.45, lower[0], 14);
        Assert.Equal(0.75, upper[0], 14);
        Assert.Equal(0.0, lower[2], 14);
        Assert.Equal(0.25, upper[2], 14);
    }

    [Fact]
    public void Kl_binary_bound_matches_hand_computation()
    {
        // p = (0.5, 0.5): d(t; 0.5) = t log(2t) + (1-t) log(2(1-t)) = log 2 - H_b(t).
        // gamma = log 2 - H_b(0.8) gives upper = 0.8, lower = 0.2.
        double hb = -(0.8 * Math.Log(0.8)) - (0.2 * Math.Log(0.2));
        double gamma = Math.Log(2.0) - hb;
        var lower = new double[2];
        var upper = new double[2];
        CredalBounds.Compute(KullbackLeibler.Instance, [0.5, 0.5], gamma, lower, upper);
        Assert.Equal(0.8, upper[0], 12);
        Assert.Equal(0.2, lower[0], 12);
    }

    /// <summary>
    /// The KL member's temperature solves <c>KL(q_T || p) = gamma</c> to 1e-12 relative however the solver got there (the
    /// closed form steers Newton far from the level, the term sum decides): checked here with the scalar term sum in
    /// double-double-free form, on logits with gaps up to 2,000 and radii from 1e-8 to 20 nats.
    /// </summary>
    [Fact]
    public void Kl_max_entropy_temperature_meets_the_radius_on_extreme_rows()
    {
        var kl = KullbackLeibler.Instance;
        var gen = Gen.Select(Gen.Int[2, 40], Gen.OneOf(Gen.Double[1e-8, 1e-3], Gen.Double[1e-3, 1.0], Gen.Double[1.0, 20.0]), Gen.OneOf(Gen.Double[0.1, 5.0], Gen.Double[5.0, 2000.0]), Gen.Int[0, int.MaxValue]);
        int checkedRows = 0, insideRows = 0;
        gen.Sample((k, gamma, spread, seed) =>
        {
            var random = new Random(seed);
            var z = Enumerable.Range(0, k).Select(_ => spread * random.NextDouble()).ToArray();
            var logP = new double[k];
            EdgeRow.FromLogits(z).LogProbabilities(logP);
            double beta = TemperedMaximumEntropy.InverseTemperature(logP, gamma, new double[k]);
            if (beta == 0.0)
            {
                // The uniform distribution is inside the ball: then KL(uniform || p) <= gamma must hold.
                double klUniform = logP.Sum(lp => kl.LogTerm(lp, -Math.Log(k)));
                Assert.True(klUniform <= gamma * (1 + 1e-12), $"beta = 0 but KL(uniform || p) = {klUniform:R} > gamma {gamma:R}");
                insideRows++;
                return;
            }

            checkedRows++;
            // log Z = log sum_k exp(beta log p_k), then h = sum_k p_k phi(q_k / p_k) term by term (scalar).
            double max = logP.Max() * beta;
            double logZ = max + Math.Log(logP.Sum(lp => Math.Exp((beta * lp) - max)));
            double h = logP.Sum(lp => kl.LogTerm(lp, (beta * lp) - logZ));
            Assert.True(Math.Abs(h - gamma) <= 1e-11 * gamma, $"K {k} gamma {gamma:R} spread {spread:R} seed {seed}: KL(q_beta || p) = {h:R} at beta {beta:R}");
        }, iter: 3000, threads: 1);
        Assert.True(checkedRows >= 2000, $"only {checkedRows} of 3,000 samples met the radius on the boundary ({insideRows} had the uniform inside)");
    }

    [Fact]
    public void Kl_max_entropy_is_a_tempered_edge_output()
    {
        double[] p = [0.7, 0.2, 0.1];
        double gamma = 0.05;
        var me = new double[3];
        MaximumEntropy.Compute(KullbackLeibler.Instance, p, gamma, me);
        double t = MaximumEntropy.KlTemperature(p, gamma);
        Assert.True(t > 1.0);
        double z = 0.0;
        foreach (double v in p)
        {
            z += Math.Pow(v, 1.0 / t);
        }

        for (int k = 0; k < 3; k++)
        {
            Assert.Equal(Math.Pow(p[k], 1.0 / t) / z, me[k], 12);
        }

        Assert.Equal(gamma, KullbackLeibler.Instance.Compute(me, p), 11);
    }

    internal static double Entropy(ReadOnlySpan<double> q)
    {
        double h = 0.0;
        foreach (double v in q)
        {
            if (v > 0.0)
            {
                h -= v * Math.Log(v);
            }
        }

        return h;
    }

    private static void AssertDistribution(double[] q, string what)
    {
        double s = 0.0;
        foreach (double v in q)
        {
            Assert.True(v >= -Tol && double.IsFinite(v), $"{what}: entry {v}");
            s += v;
        }

        Assert.True(Math.Abs(s - 1.0) <= 1e-9, $"{what}: sums to {s}");
    }
}
