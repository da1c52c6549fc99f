using CredalDistill.Calibration;
using CredalDistill.Credal;
using CredalDistill.Divergences;
using CredalDistill.Tests.Support;
using CsCheck;
using DD = CredalDistill.Tests.Support.DoubleDouble;

namespace CredalDistill.Tests.Credal;

/// <summary>
/// Issue 8 property tests: near-one-hot and degenerate edges (logit gaps 0..5000, exact ties, common offsets of 1e4,
/// exact zeros in probability rows, rows summing to 1 +- 5e-10, K from 2 to 100,000, gamma from 0 to 50 and +inf) under all
/// six divergences (alpha 0.9, 1.2, 2, -0.5). Each row checks the invariants of METHOD.md section 3.1a and compares the bounds
/// with the double-double <see cref="ReferenceBounds"/>.
/// </summary>
/// <remarks>
/// Tolerances:
/// <list type="bullet">
/// <item><c>0 &lt;= lower_k &lt;= upper_k &lt;= 1</c> and coherence <c>lower_k + max_{j != k} upper_j &lt;= 1</c>: exact in double
/// (the library enforces them).</item>
/// <item><c>lower_k &lt;= p_k &lt;= upper_k</c> against the true <c>p_k</c> (double-double): relative <c>(8 + |log p_k|) 2^-52</c>
/// (+1e-322 for subnormals), because the library's own <c>p_k = exp(log p_k)</c> carries the rounding of <c>log p_k</c>.</item>
/// <item><c>sum lower &lt;= 1 &lt;= sum upper</c> (compensated sums): <c>4 K 2^-53</c>.</item>
/// <item>The intersection probability and the maximum-entropy member inside <c>[lower, upper]</c>: <c>1e-12</c> relative plus
/// <c>1e-15</c> absolute (plus <c>1e-15 (u_k - l_k) / gamma</c> for the non-KL maximum entropy, which evaluates the divergence
/// from probabilities in double); their sums within <c>1e-12</c> of 1.</item>
/// <item>Bounds against the reference: <c>|got - t| &lt;= 1e-9 min(t, 1 - t) + 2^-53 t + 1e-300</c>, i.e. 1e-9 relative on
/// <c>t</c> and on <c>1 - t</c> down to the rounding of <c>t</c> itself next to 1; the library's internal complements
/// <c>1 - lower</c>, <c>1 - upper</c> (used by the intersection probability) to 1e-9 relative (+1e-300).</item>
/// </list>
/// </remarks>
public class ExtremeBoundsPropertyTests
{
    private const double Eps = 1.0 / (1L << 52);

    /// <summary>Classes compared with the reference per row: all up to this K, else top, smallest and a spread.</summary>
    private const int FullComparison = 16;

    [Fact]
    public void Small_rows_satisfy_the_invariants_and_match_the_reference()
    {
        Gen.Select(ExtremeRow.Generate(2, 6), ExtremeRow.Gamma, Generators.AnyDivergence)
            .Sample((row, gamma, d) => CheckRow(row, d, gamma, 20), iter: 1500, seed: "0N0XIzNsQ1A1", threads: 1);
    }

    [Fact]
    public void Hellinger_at_the_radius_of_a_vertex_is_exact_to_the_resolution_of_gamma()
    {
        // Found by the property test above (seed 8g2FosIkahn2): D(e_0 || p) = 1 for p_0 = 1/4, and gamma is 1.5 ulps below it,
        // so 1 - u_0 ~ (1 - gamma)^2 / 3 = 3.7e-32; the library's 9.9e-31 is the exact bound for a radius 6 ulps away, within
        // the solver's documented |d - gamma| <= 2e-15 gamma. The check accepts it only between the references at gamma -+ 16 ulps.
        CheckRow(new ExtremeRow(true, [10000, 9627.606607909558, 8885, 10000, 10000, 10000]), Divergence.Parse("hellinger"), 0.9999999999999997, 20);
    }

    [Fact]
    public void A_point_set_keeps_lower_at_most_upper_after_the_coherence_ulp()
    {
        // Found by the property test above (seed 9yQh8lQxhfo1): gamma = 0, so l = u = p, and p_0 + p_2 rounds above 1; the
        // coherence step takes u_2 an ulp down to 1 - l_0, below l_2, unless l_2 follows it.
        CheckRow(new ExtremeRow(false, [0.4999986193034054, 1.6782576705747727E-275, 0.5000013808034057]), Divergence.Parse("alpha:2"), 0.0, 20);
    }

    [Fact]
    public void Medium_rows_satisfy_the_invariants_and_match_the_reference()
    {
        Gen.Select(ExtremeRow.Generate(7, 300), ExtremeRow.Gamma, Generators.AnyDivergence)
            .Sample((row, gamma, d) => CheckRow(row, d, gamma, 8), iter: 300, seed: "0N0XIzNsQ1A2", threads: 1);
    }

    [Fact]
    public void Rows_with_100000_classes_satisfy_the_invariants_and_match_the_reference_on_a_sample()
    {
        // A handful of rows: every class is checked against the invariants, top, smallest and 20 spread classes against the reference.
        var gen = Gen.Select(ExtremeRow.Generate(100_000, 100_000), ExtremeRow.Gamma.Where(g => g > 0.0 && double.IsFinite(g)), Generators.AnyDivergence);
        gen.Sample((row, gamma, d) => CheckRow(row, d, gamma, 20), iter: 3, seed: "0N0XIzNsQ1A3", threads: 1);
    }

    [Fact]
    public void Logits_and_their_exact_shift_give_identical_results()
    {
        // z and z + c with c a power of two far above the logits' spacing: z_k - max is the same double, so every output is
        // identical. Only rows whose shift is exact are generated (the generator retries the others), so every sample checks.
        static bool ExactShift(double[] values) => values.All(v => v + 16384.0 - 16384.0 == v);
        Gen.Select(ExtremeRow.Generate(2, 40).Where(r => r.IsLogits && ExactShift(r.Values)), ExtremeRow.Gamma, Generators.AnyDivergence).Sample((row, gamma, d) =>
        {
            var shifted = row.Values.Select(v => v + 16384.0).ToArray();
            var predictor = new CredalPredictor(d, gamma);
            Outputs(predictor, EdgeRow.FromLogits(row.Values), out var l1, out var u1, out var i1);
            Outputs(predictor, EdgeRow.FromLogits(shifted), out var l2, out var u2, out var i2);
            Assert.Equal(l1, l2);
            Assert.Equal(u1, u2);
            Assert.Equal(i1, i2);
        }, iter: 300, seed: "0N0XIzNsQ1A4", threads: 1);
    }

    [Fact]
    public void Logits_and_the_equivalent_log_probabilities_agree()
    {
        // log p = z - logsumexp(z) rounds each entry once (relative 2^-53 of |log p|), so the results agree to that conditioning.
        Gen.Select(ExtremeRow.Generate(2, 40).Where(r => r.IsLogits), ExtremeRow.Gamma, Generators.AnyDivergence).Sample((row, gamma, d) =>
        {
            var logSum = ReferenceBounds.LogSumExp(row.Values, -1);
            var logP = row.Values.Select(v => (double)((DD)v - logSum)).ToArray();
            double magnitude = logP.Where(double.IsFinite).Select(Math.Abs).Max();
            double relative = 1e-12 + (64 * Eps * magnitude);
            var predictor = new CredalPredictor(d, gamma);
            Outputs(predictor, EdgeRow.FromLogits(row.Values), out var l1, out var u1, out var i1);
            Outputs(predictor, EdgeRow.FromLogits(logP), out var l2, out var u2, out var i2);
            // The intersection's beta = (1 - sum l) / sum (u - l) is known to about K ulps of 1 in its numerator, so each entry
            // also carries 8 K eps (u_k - l_k) / sum (u - l) of conditioning (large when gamma is tiny).
            double widths = Enumerable.Range(0, row.Classes).Sum(j => u1[j] - l1[j]);
            for (int k = 0; k < row.Classes; k++)
            {
                AssertNear(l1[k], l2[k], relative, $"{d.Name} gamma {gamma:R} lower_{k}");
                AssertNear(u1[k], u2[k], relative, $"{d.Name} gamma {gamma:R} upper_{k}");
                double conditioning = widths > 0.0 ? 8 * row.Classes * Eps * (u1[k] - l1[k]) / widths : 0.0;
                Assert.True(Math.Abs(i1[k] - i2[k]) <= conditioning || Near(i1[k], i2[k], relative), $"{d.Name} gamma {gamma:R} intersection_{k}: {i1[k]:R} vs {i2[k]:R}");
            }
        }, iter: 300, seed: "0N0XIzNsQ1A5", threads: 1);
    }

    /// <summary>
    /// Regression (fixed: the Lagrange divergence now takes a subnormal p through its logarithm, so p^(1 - a) cannot overflow).
    /// Failing row found by the medium-row property (also: probabilities with p_0 = 2.7e-92, K = 100, alpha:2, gamma 1.00000001:
    /// max-entropy_0 = 0.0149 outside [0, 2.3e-46]): alpha:2, gamma 5.2768906476161044e-8, K = 42 logits with gaps
    /// up to 4818 (offset -1e4; the same with the offset removed). Bounds are right (class 0: [0.0564653, 0.0566154]), the
    /// maximum-entropy member is 1/30 on 30 classes, far outside. Removing the classes with gaps above 700 makes it correct.
    /// </summary>
    [Fact]
    public void Maximum_entropy_with_subnormal_edge_probabilities_stays_in_the_set()
    {
        double[] z = [-10000, -10000, -10000, -11457.2425647897, -10000.917203479881, -10000.917203479881, -10034, -14702, -10560.551590521363, -11269, -10000, -10001.425593908918, -10000, -10000.766141615873, -10000.766141615873, -10000.904761904761, -10289.3581572994, -13010, -13010, -13010, -10000, -10000.44, -11861.375517197761, -10000.6, -10000.740408087999, -10006.02380952381, -10000.604166666666, -10000.670588235294, -10003, -10003, -10000.727935274848, -10025.769475799845, -10000, -10000, -10735.666666666666, -10000, -14818.520547945205, -10553.357245875211, -10000, -10000, -10400.367240498532, -10000];
        var d = new AlphaDivergence(2.0);
        var predictor = new CredalPredictor(d, 5.2768906476161044e-8);
        var maxEnt = new double[z.Length];
        predictor.Predict(EdgeRow.FromLogits(z), CalibratedOutput.MaximumEntropy, maxEnt);
        Outputs(predictor, EdgeRow.FromLogits(z), out var lower, out var upper, out _);
        for (int k = 0; k < z.Length; k++)
        {
            Assert.True(maxEnt[k] >= lower[k] * (1 - 1e-9) - 1e-15 && maxEnt[k] <= upper[k] * (1 + 1e-9) + 1e-15, $"max-entropy_{k} {maxEnt[k]:R} outside [{lower[k]:R}, {upper[k]:R}]");
        }
    }

    private static void Outputs(CredalPredictor predictor, EdgeRow edge, out double[] lower, out double[] upper, out double[] intersection)
    {
        lower = new double[edge.Classes];
        upper = new double[edge.Classes];
        intersection = new double[edge.Classes];
        predictor.BoundsAndIntersection(edge, lower, upper, intersection);
    }

    private static void AssertNear(double a, double b, double relative, string what)
        => Assert.True(Near(a, b, relative), $"{what}: {a:R} vs {b:R}");

    private static bool Near(double a, double b, double relative)
        => Math.Abs(a - b) <= (relative * Math.Max(Math.Min(Math.Abs(a), 1.0 - Math.Abs(a)), 0.0)) + (2 * Eps * Math.Abs(a)) + 1e-300;

    /// <summary>All invariants on every class, and the reference on up to <paramref name="sampled"/> classes.</summary>
    internal static void CheckRow(ExtremeRow row, FDivergence d, double gamma, int sampled)
    {
        int n = row.Classes;
        string context = $"{d.Name}, gamma {gamma:R}, {row}";
        var predictor = new CredalPredictor(d, gamma);
        var edge = row.Edge;
        var lower = new double[n];
        var upper = new double[n];
        var intersection = new double[n];
        var maxEnt = new double[n];
        predictor.BoundsAndIntersection(edge, lower, upper, intersection);
        // Lagrange max-entropy is slow at large K in a test build: checked up to 1,000 classes (KL and TV always).
        var referenceLogP = row.ReferenceLogProbabilities();
        bool checkMaxEnt = n <= 1000 || d is KullbackLeibler or TotalVariation;
        if (checkMaxEnt)
        {
            predictor.Predict(edge, CalibratedOutput.MaximumEntropy, maxEnt);
        }
        else
        {
            intersection.CopyTo(maxEnt); // the Lagrange solver costs ~10 s per row at K = 1e5 in a Debug build; covered by smaller rows
        }

        // The library's complements 1 - lower, 1 - upper (internal kernel, same bounds).
        var f = CredalBounds.Resolve(d);
        var work = new double[4 * n];
        var lower2 = new double[n];
        var upper2 = new double[n];
        var lowerComplement = new double[n];
        var upperComplement = new double[n];
        var masses = RowMasses.Of(edge, work, logs: d is not TotalVariation);
        CredalBounds.ComputeLog(f, masses, gamma, lower2, upper2, lowerComplement, upperComplement);
        Assert.Equal(lower, lower2);
        Assert.Equal(upper, upper2);

        CheckInvariants(lower, upper, intersection, maxEnt, referenceLogP, d is KullbackLeibler, gamma, context);

        var reference = new ReferenceBounds(d.Name);
        foreach (int k in SampledClasses(referenceLogP, sampled))
        {
            var (refLower, refUpper) = row.Reference(reference, k, gamma);
            int kk = k;
            AssertBound(lower[k], lowerComplement[k], refLower, gamma, $"lower_{k}", context, g => row.Reference(reference, kk, g).Lower);
            AssertBound(upper[k], upperComplement[k], refUpper, gamma, $"upper_{k}", context, g => row.Reference(reference, kk, g).Upper);
        }
    }

    private static void CheckInvariants(double[] lower, double[] upper, double[] intersection, double[] maxEnt, DD[] referenceLogP, bool isKl, double gamma, string context)
    {
        int n = lower.Length;
        double firstUpper = double.NegativeInfinity;
        double secondUpper = double.NegativeInfinity;
        int first = -1;
        for (int k = 0; k < n; k++)
        {
            Assert.True(lower[k] >= 0.0 && lower[k] <= upper[k] && upper[k] <= 1.0, $"class {k}: [{lower[k]:R}, {upper[k]:R}] not in 0 <= l <= u <= 1 ({context})");
            double pk = (double)DD.Exp(referenceLogP[k]);
            double slack = (pk == 0.0 ? 0.0 : (8 + Math.Abs((double)referenceLogP[k])) * Eps * pk) + 1e-322;
            Assert.True(lower[k] <= pk + slack && upper[k] >= pk - slack, $"class {k}: p_k {pk:R} not in [{lower[k]:R}, {upper[k]:R}] ({context})");
            if (upper[k] > firstUpper)
            {
                secondUpper = firstUpper;
                firstUpper = upper[k];
                first = k;
            }
            else if (upper[k] > secondUpper)
            {
                secondUpper = upper[k];
            }
        }

        for (int k = 0; k < n; k++)
        {
            double other = k == first ? secondUpper : firstUpper;
            Assert.True(lower[k] + other <= 1.0, $"incoherent: lower_{k} {lower[k]:R} + max other upper {other:R} > 1 ({context})");
        }

        double sumTolerance = 4 * n * Eps / 2;
        double sumLower = CompensatedSum(lower);
        double sumUpper = CompensatedSum(upper);
        Assert.True(sumLower <= 1.0 + sumTolerance && sumUpper >= 1.0 - sumTolerance, $"sum lower {sumLower:R}, sum upper {sumUpper:R} ({context})");

        foreach (var (name, q) in new[] { ("intersection", intersection), ("max-entropy", maxEnt) })
        {
            for (int k = 0; k < n; k++)
            {
                // Non-KL maximum entropy evaluates D(q || p) from probabilities in double (absolute error ~1e-16), which moves the
                // member by about 1e-16 / (dD/dq) ~ 1e-16 (u - l) / gamma: allowed as 1e-15 (u - l) / gamma.
                double conditioning = name == "max-entropy" && !isKl && gamma > 0.0 ? 1e-15 * (upper[k] - lower[k]) / gamma : 0.0;
                double tolerance = 1e-15 + conditioning;
                Assert.True(
                    q[k] >= lower[k] - ((1e-12 * lower[k]) + tolerance) && q[k] <= upper[k] + ((1e-12 * upper[k]) + tolerance),
                    $"{name}_{k} {q[k]:R} outside [{lower[k]:R}, {upper[k]:R}] ({context})");
            }

            // Each entry is rounded once or twice: the sum of K of them is 1 up to a few K ulps.
            double sum = CompensatedSum(q);
            Assert.True(Math.Abs(sum - 1.0) <= Math.Max(1e-12, 4 * q.Length * Eps), $"{name} sums to {sum:R} ({context})");
        }
    }

    /// <summary>
    /// <c>|got - t| &lt;= 1e-9 min(t, 1 - t) + 2^-53 t + 1e-300</c> and the library's complement to 1e-9 relative: a bound near 0
    /// and a bound near 1 both keep relative precision (the latter through its complement). Where the solution moves faster
    /// than linearly with the radius (an infinite slope at an end of [0, 1], e.g. Hellinger's <c>1 - t ~ (gamma_max - gamma)^2</c>),
    /// a value or complement outside that tolerance must still lie between the references at <c>gamma (1 -+ 16 eps)</c>: the
    /// library resolves the radius to a few ulps (docs/NUMERICS.md, binary bound solver), not better.
    /// </summary>
    private static void AssertBound(double got, double gotComplement, ReferenceBound expected, double gamma, string what, string context, Func<double, ReferenceBound> at)
    {
        double t = expected.Value;
        double s = expected.Complement;

        // Conditioning: the library evaluates d to a few ulps of gamma, which moves the crossing by ~ 16 eps gamma / |d'(t)|;
        // this only matters where the slope is finite at an end of [0, 1] (e.g. d(1) = gamma up to rounding).
        double conditioning = gamma > 0.0 && double.IsFinite(gamma) && expected.Slope > 0.0 ? 16 * Eps * gamma / expected.Slope : 0.0;
        double tolerance = (1e-9 * Math.Min(t, s)) + (Eps / 2 * t) + conditioning + 1e-300;
        bool valueOk = Math.Abs(got - t) <= tolerance;
        bool complementOk = Math.Abs(gotComplement - s) <= (1e-9 * s) + conditioning + 1e-300;
        if ((!valueOk || !complementOk) && gamma > 0.0 && double.IsFinite(gamma))
        {
            var below = at(gamma * (1 - (16 * Eps)));
            var above = at(gamma * (1 + (16 * Eps)));
            static bool Between(double x, double a, double b) => x >= (Math.Min(a, b) * (1 - 1e-9)) - 1e-300 && x <= (Math.Max(a, b) * (1 + 1e-9)) + 1e-300;
            valueOk = valueOk || Between(got, below.Value, above.Value);
            complementOk = complementOk || Between(gotComplement, below.Complement, above.Complement);
        }

        Assert.True(valueOk, $"{what}: got {got:R}, reference {t:R} (1 - t = {s:R}), error {Math.Abs(got - t):E3} > {tolerance:E3} ({context})");
        Assert.True(complementOk, $"{what} complement: got {gotComplement:R}, reference {s:R}, relative error {Math.Abs(gotComplement - s) / s:E3} ({context})");
    }

    /// <summary>Every class up to <see cref="FullComparison"/>; otherwise the largest and smallest <c>p_k</c> and a spread of others.</summary>
    private static IEnumerable<int> SampledClasses(DD[] logP, int count)
    {
        int n = logP.Length;
        if (n <= FullComparison)
        {
            return Enumerable.Range(0, n);
        }

        int top = 0;
        int bottom = 0;
        for (int k = 1; k < n; k++)
        {
            top = logP[k] > logP[top] ? k : top;
            bottom = logP[k] < logP[bottom] ? k : bottom;
        }

        var classes = new SortedSet<int> { top, bottom };
        for (int i = 0; i < count; i++)
        {
            classes.Add((int)((long)i * (n - 1) / Math.Max(count - 1, 1)) + (i % 3));
        }

        classes.RemoveWhere(k => k >= n);
        return classes;
    }

    private static double CompensatedSum(double[] values)
    {
        DD sum = DD.Zero;
        foreach (double v in values)
        {
            sum += v;
        }

        return (double)sum;
    }
}
