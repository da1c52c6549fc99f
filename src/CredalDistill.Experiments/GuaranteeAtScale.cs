using System.Globalization;
using System.Text;
using CredalDistill.Conformal;
using CredalDistill.Divergences;

namespace CredalDistill.Experiments;

/// <summary>
/// The statistical test of the CD-CI coverage guarantee at scale (docs/RELIABILITY.md, docs/GUARANTEE.md): over many
/// seeded random splits of a pool of N paired cloud/edge outputs into n calibration and m = N - n test inputs,
/// gamma = s_(k) with k = ceil((n + 1)(1 - eps)) and the test coverage C = #{test scores &lt;= gamma} / m.
/// <list type="bullet">
/// <item>The mean coverage must lie in <c>[1 - eps, 1 - eps + 1/(n + 1)]</c> within 3 Monte Carlo standard errors
/// (its exact expectation is <c>k/(n + 1)</c>).</item>
/// <item>The spread across splits must match the exact reference law by a Kolmogorov-Smirnov test: with distinct pool
/// scores, <c>m C = r - k</c> where the pool rank r of the k-th calibration score has
/// <c>P(r) = C(r-1, k-1) C(N-r, n-k) / C(N, n)</c> (negative hypergeometric), the finite-test-set form of the
/// Beta(k, n + 1 - k) law of split-conformal coverage.</item>
/// </list>
/// Only the scores are needed, so the test is cheap: each split sorts n scores.
/// </summary>
public static class GuaranteeAtScale
{
    /// <summary>Significance level per cell, before a Bonferroni correction over the cells.</summary>
    public const double Alpha = 0.01;

    /// <summary>Runs the test for every divergence and eps on one pool of scores.</summary>
    /// <param name="task">Name shown in the results.</param>
    /// <param name="cloud">Cloud outputs of the pool, <c>N x K</c>.</param>
    /// <param name="edge">Edge outputs of the pool, same shape.</param>
    /// <param name="calibrationSize">n.</param>
    /// <param name="splits">Number of random splits (at least 2).</param>
    /// <param name="epsilons">Miscoverage levels.</param>
    /// <param name="divergences">Divergence names.</param>
    /// <param name="seed">Seed of the splits.</param>
    /// <param name="cancellationToken">Checked between splits.</param>
    public static List<CoverageCheck> Run(string task, ProbabilityMatrix cloud, ProbabilityMatrix edge, int calibrationSize, int splits, IReadOnlyList<double> epsilons, IReadOnlyList<string> divergences, ulong seed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cloud);
        ArgumentNullException.ThrowIfNull(edge);
        ArgumentNullException.ThrowIfNull(epsilons);
        ArgumentNullException.ThrowIfNull(divergences);
        ArgumentOutOfRangeException.ThrowIfLessThan(splits, 2);
        int pool = cloud.Rows;
        var results = new List<CoverageCheck>();
        foreach (string name in divergences)
        {
            var all = SplitConformal.Scores(cloud, edge, Divergence.Parse(name));
            var sortedAll = all.Order().ToArray();
            int ties = 0;
            for (int i = 0; i < sortedAll.Length; i++)
            {
                bool tied = (i > 0 && sortedAll[i] == sortedAll[i - 1]) || (i + 1 < sortedAll.Length && sortedAll[i] == sortedAll[i + 1]);
                ties += tied ? 1 : 0;
            }

            var coverage = new double[epsilons.Count][];
            for (int e = 0; e < epsilons.Count; e++)
            {
                coverage[e] = new double[splits];
            }

            var cal = new double[calibrationSize];
            for (int s = 0; s < splits; s++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var plan = SplitPlan.Create(pool, calibrationSize, 0, seed, s);
                for (int i = 0; i < calibrationSize; i++)
                {
                    cal[i] = all[plan.Calibration[i]];
                }

                for (int e = 0; e < epsilons.Count; e++)
                {
                    double gamma = SplitConformal.Threshold(cal, epsilons[e]);
                    int covered = 0;
                    foreach (int i in plan.Test)
                    {
                        covered += all[i] <= gamma ? 1 : 0;
                    }

                    coverage[e][s] = (double)covered / plan.Test.Length;
                }
            }

            for (int e = 0; e < epsilons.Count; e++)
            {
                results.Add(Check(task, name, epsilons[e], coverage[e], pool, calibrationSize, ties));
            }
        }

        return results;
    }

    /// <summary>Summarises per-split coverages against the guarantee band and the exact reference law.</summary>
    public static CoverageCheck Check(string task, string divergence, double epsilon, double[] coverages, int pool, int calibrationSize, int tiedScores = 0)
    {
        ArgumentNullException.ThrowIfNull(coverages);
        int n = calibrationSize;
        int m = pool - n;
        long k = SplitConformal.Rank(n, epsilon);
        double mean = coverages.Average();
        double std = Math.Sqrt(coverages.Sum(c => (c - mean) * (c - mean)) / (coverages.Length - 1));
        double se = std / Math.Sqrt(coverages.Length);
        double lower = 1.0 - epsilon;
        double upper = 1.0 - epsilon + (1.0 / (n + 1));
        bool within = mean >= lower - (3 * se) && mean <= upper + (3 * se);
        var pmf = ReferencePmf(pool, n, k);
        double refMean = 0.0;
        for (int t = 0; t < pmf.Length; t++)
        {
            refMean += pmf[t] * t / m;
        }

        double refVar = 0.0;
        for (int t = 0; t < pmf.Length; t++)
        {
            double d = ((double)t / m) - refMean;
            refVar += pmf[t] * d * d;
        }

        double a = k;
        double b = n + 1 - k;
        double betaStd = k > n ? 0.0 : Math.Sqrt(a * b / ((a + b) * (a + b) * (a + b + 1)));
        var (ks, p) = KolmogorovSmirnov(coverages, pmf, m);
        return new CoverageCheck(task, divergence, epsilon, coverages.Length, n, m, k, mean, std, Math.Sqrt(refVar), betaStd, within, ks, p, tiedScores);
    }

    /// <summary>
    /// P(m C = t) for t = 0..m: with r = t + k the pool rank of the k-th smallest of n calibration scores drawn without
    /// replacement from N distinct scores, <c>P = C(r-1, k-1) C(N-r, n-k) / C(N, n)</c>. When k &gt; n, C = 1.
    /// </summary>
    public static double[] ReferencePmf(int pool, int calibrationSize, long rank)
    {
        int m = pool - calibrationSize;
        var pmf = new double[m + 1];
        if (rank > calibrationSize)
        {
            pmf[m] = 1.0;
            return pmf;
        }

        var logFactorial = new double[pool + 1];
        for (int i = 1; i <= pool; i++)
        {
            logFactorial[i] = logFactorial[i - 1] + Math.Log(i);
        }

        double LogChoose(long x, long y) => logFactorial[x] - logFactorial[y] - logFactorial[x - y];
        int k = (int)rank;
        double denominator = LogChoose(pool, calibrationSize);
        for (int t = 0; t <= m; t++)
        {
            int r = t + k;
            pmf[t] = Math.Exp(LogChoose(r - 1, k - 1) + LogChoose(pool - r, calibrationSize - k) - denominator);
        }

        return pmf;
    }

    /// <summary>
    /// KS distance <c>sup_t |F_emp(t) - F_ref(t)|</c> between coverages (multiples of 1/m) and a reference pmf on 0..m,
    /// and the asymptotic p-value <c>Q(sqrt(S) D)</c>, <c>Q(x) = 2 sum_j (-1)^(j-1) exp(-2 j^2 x^2)</c> (conservative for a
    /// discrete reference).
    /// </summary>
    public static (double Statistic, double PValue) KolmogorovSmirnov(double[] coverages, double[] pmf, int testSize)
    {
        ArgumentNullException.ThrowIfNull(coverages);
        ArgumentNullException.ThrowIfNull(pmf);
        var counts = new int[testSize + 1];
        foreach (double c in coverages)
        {
            counts[Math.Clamp((int)Math.Round(c * testSize), 0, testSize)]++;
        }

        double d = 0.0;
        double fe = 0.0;
        double fr = 0.0;
        for (int t = 0; t <= testSize; t++)
        {
            fe += (double)counts[t] / coverages.Length;
            fr += pmf[t];
            d = Math.Max(d, Math.Abs(fe - fr));
        }

        double x = Math.Sqrt(coverages.Length) * d;
        double q = 0.0;
        for (int j = 1; j <= 100; j++)
        {
            q += (j % 2 == 1 ? 2.0 : -2.0) * Math.Exp(-2.0 * j * j * x * x);
        }

        return (d, x < 0.2 ? 1.0 : Math.Clamp(q, 0.0, 1.0));
    }

    /// <summary>True when every cell's mean is in its band and no KS p-value is below <see cref="Alpha"/> / cells.</summary>
    public static bool Passed(IReadOnlyList<CoverageCheck> checks)
    {
        ArgumentNullException.ThrowIfNull(checks);
        return checks.All(c => c.MeanWithinBand && c.KsPValue >= Alpha / checks.Count);
    }

    /// <summary>The docs/GUARANTEE.md report.</summary>
    public static string Markdown(IReadOnlyList<CoverageCheck> checks, string command, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(checks);
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("# The coverage guarantee at scale");
        sb.AppendLine();
        sb.AppendLine(string.Create(inv, $"Generated by `{command}` (seed {seed}); see docs/RELIABILITY.md for the method. For each task, divergence and eps: {checks.FirstOrDefault()?.Splits ?? 0} random splits of the bundled test images' cloud/edge outputs into n calibration and m test inputs; coverage = share of test inputs with D(cloud || edge) <= gamma. The mean must lie in [1 - eps, 1 - eps + 1/(n+1)] within 3 Monte Carlo standard errors; the per-split spread is compared with the exact reference law (the finite-test-set form of Beta(k, n+1-k)) by a Kolmogorov-Smirnov test at level {Alpha} / {checks.Count} (Bonferroni)."));
        sb.AppendLine();
        sb.AppendLine(string.Create(inv, $"**Overall: {(Passed(checks) ? "PASS" : "FAIL")}** ({checks.Count(c => c.MeanWithinBand)}/{checks.Count} means in band, {checks.Count(c => c.KsPValue >= Alpha / checks.Count)}/{checks.Count} spreads consistent)."));
        sb.AppendLine();
        sb.AppendLine("| task | divergence | eps | n | m | k | mean coverage | MC s.e. | band | in band | std | reference std | Beta std | KS D | KS p | tied scores |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var c in checks)
        {
            sb.AppendLine(string.Create(inv, $"| {c.Task} | {c.Divergence} | {c.Epsilon} | {c.CalibrationSize} | {c.TestSize} | {c.Rank} | {c.MeanCoverage:F4} | {c.StandardError:F4} | [{c.Lower:F4}, {c.Upper:F4}] | {(c.MeanWithinBand ? "yes" : "NO")} | {c.StdCoverage:F4} | {c.ExpectedStd:F4} | {c.BetaStd:F4} | {c.KsStatistic:F3} | {c.KsPValue:F3} | {c.TiedScores} |"));
        }

        return sb.ToString();
    }
}
