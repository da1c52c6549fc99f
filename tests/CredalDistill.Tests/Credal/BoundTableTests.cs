using CredalDistill.Credal;
using CredalDistill.Divergences;
using CredalDistill.Tests.Support;
using CsCheck;

namespace CredalDistill.Tests.Credal;

/// <summary>
/// The per-threshold bound table (issue 10) changes only the start of the binary solve: its results agree with the full
/// solve to the solver's precision, do not depend on what the caches hold, and are the same on every thread.
/// </summary>
public class BoundTableTests
{
    private const double Eps = 2.220446049250313e-16;

    private static readonly Gen<double> LogOdds = Gen.OneOf(Gen.Double[-70.0, 70.0], Gen.Double[-5.0, 5.0]);

    private static readonly Gen<double> Radius = Gen.OneOf(Gen.Double[1e-8, 1e-3], Gen.Double[1e-3, 1.0], Gen.Double[1.0, 20.0]);

    [Fact]
    public void Table_solves_agree_with_the_full_solve()
    {
        Gen.Select(Generators.AnyDivergence, Radius, LogOdds).Sample((d, gamma, u) =>
        {
            AssertTableAgrees((FDivergence)d, u, gamma, $"{d.Name} gamma {gamma:R} u {u:R}");
        }, iter: 5000, threads: 1);
    }

    [Fact]
    public void Results_do_not_depend_on_what_the_caches_hold()
    {
        double[] p = [0.6, 0.25, 0.1, 0.04, 0.01];
        foreach (var d in Generators.AllDivergences)
        {
            var lower = new double[5];
            var upper = new double[5];
            CredalBounds.Compute(d, p, 0.37, lower, upper);

            // Evict this threshold from every cache, then compute again from a freshly built table.
            for (int i = 0; i < 50; i++)
            {
                CredalBounds.Compute(d, p, 0.5 + (i * 1e-3), new double[5], new double[5]);
            }

            var lower2 = new double[5];
            var upper2 = new double[5];
            CredalBounds.Compute(d, p, 0.37, lower2, upper2);
            Assert.Equal(lower, lower2);
            Assert.Equal(upper, upper2);
        }
    }

    [Fact]
    public void Batch_rows_are_identical_on_one_thread_and_on_many()
    {
        var random = new Random(3);
        var logits = Enumerable.Range(0, 4000).Select(_ => 3.0 * random.NextDouble()).ToArray();
        var matrix = ProbabilityMatrix.FromLogits(logits, 10);
        foreach (var d in new FDivergence[] { KullbackLeibler.Instance, SquaredHellinger.Instance, new AlphaDivergence(0.9) })
        {
            var serial = new CredalPredictor(d, 0.21, new CredalPredictorOptions { MaxDegreeOfParallelism = 1 }).Bounds(matrix);
            var parallel = new CredalPredictor(d, 0.21, new CredalPredictorOptions { MaxDegreeOfParallelism = 4 }).Bounds(matrix);
            Assert.Equal(serial.Lower, parallel.Lower);
            Assert.Equal(serial.Upper, parallel.Upper);
        }
    }

    /// <summary>
    /// Within one unit below the vertex threshold <c>u*</c> (the bound becomes 1 at <c>u*</c>; KL's upper bound of a class with
    /// <c>p = 0.72</c> at gamma 0.3, for example) the table reads its second axis <c>w = -log(u* - u)</c>: a start is
    /// available there, and both the table's solve and the full solve agree with the double-double reference
    /// (<see cref="ReferenceBounds"/>) to the solver's resolution (<see cref="AssertNearReference"/>). Only divergences and
    /// radii whose bound reaches the vertex inside the table are generated.
    /// </summary>
    [Fact]
    public void Near_the_vertex_the_table_starts_agree_with_the_full_solve()
    {
        var withVertex = Gen.Select(Generators.AnyDivergence, Radius, Gen.Double[0.0, 30.0])
            .Where(x => x.Item1 is FDivergence f and not (PearsonChiSquare or TotalVariation) && BoundTable.For(f, x.Item2).HasVertex);
        withVertex.Sample((d, gamma, w) => AssertNearVertex((FDivergence)d, gamma, w), iter: 3000, threads: 1);
    }

    /// <summary>
    /// The case of CsCheck seed <c>5p4FvZa2Xy61</c> (issue 22): KL at gamma 9.0e-4, <c>u* - u = e^-26.5</c>, where the bound
    /// is <c>1 - t = 9e-17</c> and <c>d'(v)</c> is 2.7e-15. The full solve stops with <c>|d - gamma| = 2.8e-15 gamma</c>
    /// (2e-15 as evaluated in double, plus the evaluation's own rounding), so its <c>log(1 - t)</c> is 9.3e-4 from the
    /// reference and 1.5e-3 from the table's, which the earlier tolerance (the stopping rule alone, both solves) rejected.
    /// </summary>
    [Fact]
    public void Near_the_vertex_regression_seed_5p4FvZa2Xy61()
        => AssertNearVertex(KullbackLeibler.Instance, 0.0009007925721866788, 26.49880368524795);

    private static void AssertNearVertex(FDivergence f, double gamma, double w)
    {
        string what = $"{f.Name} gamma {gamma:R} w {w:R}";
        double u = BoundTable.For(f, gamma).VertexU - Math.Exp(-w);
        Assert.True(w > 25.0 || double.IsFinite(BoundTable.For(f, gamma).Start(u)), $"{what}: no start");
        var a = BinaryPoint.FromLogOdds(u);
        ReferenceBounds.LogOdds(u, out var logA, out var logB);
        var reference = new ReferenceBounds(f.Name).UpperWithSlope(logA, logB, gamma);
        AssertNearReference(reference, BinaryBound.Solve(f, a.LogT, a.LogS, a.T, a.S, gamma), gamma, what + " (table)");
        AssertNearReference(reference, BinaryBound.SolveDirect(f, a.LogT, a.LogS, a.T, a.S, gamma), gamma, what + " (full solve)");
    }

    /// <summary>
    /// A solve agrees with the exact root to the solver's resolution: it stops at <c>|d - gamma| &lt;= 2e-15 gamma</c> as
    /// evaluated in double, and that evaluation has its own rounding (measured up to 0.8e-15 gamma next to the vertex; allowed
    /// 2e-15), so the exact residual is at most <see cref="ResidualBound"/> gamma and the log-odds is fixed only to
    /// <c>dv = ResidualBound gamma / |d'(v)|</c>: <c>log t</c> to <c>(1 - t) dv</c>, <c>log(1 - t)</c> to <c>t dv</c>, beyond
    /// <see cref="AssertClose"/>. <c>d'(v) = t (1 - t) |f'(t / a) - f'((1 - t) / b)|</c> is taken at the reference root.
    /// </summary>
    private static void AssertNearReference(ReferenceBound reference, BinaryPoint solved, double gamma, string what)
    {
        double logT = (double)reference.LogT;
        double logS = (double)reference.LogS;
        double slope = Math.Exp(logT + logS) * reference.Slope;
        double dv = double.IsFinite(slope) && slope > 0.0 ? ResidualBound * gamma / slope : 0.0;
        AssertClose(logT, solved.LogT, what + " log t", Math.Exp(logS) * dv);
        AssertClose(logS, solved.LogS, what + " log(1 - t)", Math.Exp(logT) * dv);
    }

    /// <summary>Largest exact <c>|d - gamma| / gamma</c> of a solve: the stopping rule's 2e-15 plus 2e-15 for the rounding of <c>d</c> in double.</summary>
    private const double ResidualBound = 4e-15;

    /// <summary>
    /// The KL row kernel solves four classes at a time (<see cref="KlTableBounds"/>, vector exponentials and logarithms):
    /// every bound agrees with the scalar solve of its own class (<see cref="BinaryBound.Solve(FDivergence, double, double, double, double, double, BoundTable)"/>)
    /// to 1e-12 (the coherence step moves a value by a few ulps at most), on rows of 2 to 13 classes (partial groups of
    /// four), from logits with gaps up to 2,000 (near one-hot rows, classes below double's range).
    /// </summary>
    [Fact]
    public void Kl_vector_kernel_agrees_with_the_scalar_solve_of_each_class()
    {
        var kl = KullbackLeibler.Instance;
        var gen = Gen.Select(Gen.Int[2, 13], Radius, Gen.OneOf(Gen.Double[0.1, 5.0], Gen.Double[5.0, 2000.0]), Gen.Int[0, int.MaxValue]);
        gen.Sample((k, gamma, spread, seed) =>
        {
            var random = new Random(seed);
            var z = Enumerable.Range(0, k).Select(_ => spread * random.NextDouble()).ToArray();
            var edge = EdgeRow.FromLogits(z);
            var lower = new double[k];
            var upper = new double[k];
            CredalBounds.Compute(kl, edge, gamma, lower, upper);

            var work = new double[CredalBounds.WorkSize(k)];
            var masses = RowMasses.Of(edge, work);
            for (int c = 0; c < k; c++)
            {
                var up = BinaryBound.Solve(kl, masses.LogP[c], masses.LogRest[c], masses.P[c], masses.Rest[c], gamma);
                var down = BinaryBound.Solve(kl, masses.LogRest[c], masses.LogP[c], masses.Rest[c], masses.P[c], gamma);
                string what = $"K {k} gamma {gamma:R} spread {spread:R} seed {seed} class {c}";
                AssertRelative(Math.Max(up.T, masses.P[c]), upper[c], what + " upper");
                AssertRelative(Math.Min(down.S, masses.P[c]), lower[c], what + " lower");
            }
        }, iter: 3000, threads: 1);
    }

    private static void AssertRelative(double expected, double actual, string what)
        => Assert.True(Math.Abs(expected - actual) <= 1e-12 * Math.Abs(expected), $"{what}: {expected:R} vs {actual:R}");

    /// <summary>The solve of the class with log-odds <paramref name="u"/> (through the table) against the full solve.</summary>
    private static void AssertTableAgrees(FDivergence f, double u, double gamma, string what)
    {
        var a = BinaryPoint.FromLogOdds(u);
        var table = BinaryBound.Solve(f, a.LogT, a.LogS, a.T, a.S, gamma);
        var direct = BinaryBound.SolveDirect(f, a.LogT, a.LogS, a.T, a.S, gamma);
        AssertSameRoot(f, a, gamma, direct, table, what);
    }

    /// <summary>
    /// Two solves of the binary problem of <paramref name="a"/> agree to the solver's own resolution: it stops at
    /// <c>|d - gamma| &lt;= 2e-15 gamma</c>, which fixes the log-odds only to <c>dv = 4e-15 gamma / |d'(v)|</c> (both solves), so
    /// <c>log t</c> may differ by <c>(1 - t) dv</c> and <c>log(1 - t)</c> by <c>t dv</c> beyond <see cref="AssertClose"/>. The slope
    /// is small only next to the vertex threshold (<c>1 - t</c> tiny), where the problem is ill-conditioned.
    /// </summary>
    private static void AssertSameRoot(FDivergence f, BinaryPoint a, double gamma, BinaryPoint direct, BinaryPoint table, string what)
    {
        double slope = Math.Abs(direct.T * direct.S * (f.PhiSlope(direct.LogT - a.LogT) - f.PhiSlope(direct.LogS - a.LogS)));
        double dv = double.IsFinite(slope) && slope > 0.0 ? 4e-15 * gamma / slope : 0.0;
        AssertClose(direct.LogT, table.LogT, what + " log t", direct.S * dv);
        AssertClose(direct.LogS, table.LogS, what + " log(1 - t)", direct.T * dv);
    }

    /// <summary>
    /// Two logarithms of masses agree to 1e-12 of the mass (relative), the library's precision, widened by 32 ulps of the
    /// logarithm itself: the unknown is the log-odds v, and a mass e^-v with v in the hundreds cannot be resolved more finely
    /// than v's own ulps (the solver stops at |d - gamma| &lt;= 2e-15 gamma, a few ulps of v there), and by
    /// <paramref name="slack"/>. Or both are -inf.
    /// </summary>
    private static void AssertClose(double expected, double actual, string what, double slack = 0.0)
    {
        if (double.IsNegativeInfinity(expected) || double.IsNegativeInfinity(actual))
        {
            Assert.True(expected == actual, $"{what}: {expected:R} vs {actual:R}");
            return;
        }

        Assert.True(Math.Abs(expected - actual) <= 1e-12 + (32 * Eps * Math.Abs(expected)) + slack, $"{what}: {expected:R} vs {actual:R}");
    }
}
