using CredalDistill.Calibration;
using CredalDistill.Credal;
using CredalDistill.Divergences;

namespace CredalDistill.Onnx.Tests.Export;

/// <summary>
/// Expected outputs for one row of logits, in double precision. <see cref="Library"/> calls the library
/// (CredalPredictor on the logits row, EdgeRow.FromLogits: bounds, intersection or max-entropy, interval-dominance label set); <see cref="LogDomain"/> is a slow
/// independent reference from the logits alone: log-domain binary divergence, 400 bisection steps in
/// <c>v = logit t</c>, used where the library's probability-space kernel cannot resolve the row (see the tests).
/// </summary>
public sealed record ReferenceCredal(double[] P, double[] Lower, double[] Upper, double[] Probabilities, bool[] LabelSet)
{
    public static ReferenceCredal Library(FDivergence divergence, double gamma, double[] logits, bool maxEntropy)
    {
        int k = logits.Length;
        double[] p = ProbabilityMatrix.FromLogits(logits, k).ToArray();
        var predictor = new CredalPredictor(divergence, gamma);
        var (lower, upper, q, set) = (new double[k], new double[k], new double[k], new bool[k]);
        var row = EdgeRow.FromLogits(logits);
        predictor.Bounds(row, lower, upper);
        predictor.Predict(row, maxEntropy ? CalibratedOutput.MaximumEntropy : CalibratedOutput.Intersection, q);
        predictor.LabelSet(row, LabelSetRule.IntervalDominance, set);
        return new ReferenceCredal(p, lower, upper, q, set);
    }

    /// <summary>
    /// Asserts that the exported model's outputs <paramref name="o"/> on <paramref name="rows"/> match <see cref="Library"/> with
    /// each row's own threshold <paramref name="gammaOf"/>(row) within <paramref name="tolerance"/>, and that the distribution lies
    /// inside its bounds; returns the largest difference.
    /// </summary>
    public static double AssertRowsMatch(Dictionary<string, double[]> o, List<(double[] Logits, bool Extreme)> rows, FDivergence divergence, Func<int, double> gammaOf, bool maxEntropy, double tolerance, Func<int, string> label)
    {
        double maxError = 0;
        for (int r = 0; r < rows.Count; r++)
        {
            var z = rows[r].Logits;
            int k = z.Length;
            var expected = Library(divergence, gammaOf(r), z, maxEntropy);
            for (int j = 0; j < k; j++)
            {
                int at = (r * k) + j;
                string where = $"{divergence.Name} row {r} ({label(r)}, gamma {gammaOf(r)}) class {j}";
                double lower = o["lower"][at], upper = o["upper"][at], q = o["probabilities"][at];
                maxError = Math.Max(maxError, Math.Max(Math.Abs(q - expected.Probabilities[j]), Math.Max(Math.Abs(lower - expected.Lower[j]), Math.Abs(upper - expected.Upper[j]))));
                Assert.True(Math.Abs(lower - expected.Lower[j]) <= tolerance, $"{where}: lower {lower} vs {expected.Lower[j]}");
                Assert.True(Math.Abs(upper - expected.Upper[j]) <= tolerance, $"{where}: upper {upper} vs {expected.Upper[j]}");
                Assert.True(Math.Abs(q - expected.Probabilities[j]) <= tolerance, $"{where}: probabilities {q} vs {expected.Probabilities[j]}");
                Assert.True(lower <= q && q <= upper, $"{where}: {q} outside [{lower}, {upper}]");
            }
        }

        return maxError;
    }

    public static ReferenceCredal LogDomain(FDivergence divergence, double gamma, double[] z, bool maxEntropy = false)
    {
        int k = z.Length;
        double m = z.Max();
        double lse = LogSumExp(z.Select(v => v - m));
        var a = z.Select(v => v - m - lse).ToArray();
        var b = new double[k];
        for (int i = 0; i < k; i++)
        {
            b[i] = LogSumExp(z.Where((_, j) => j != i).Select(v => v - m)) - lse;
        }

        var p = a.Select(Math.Exp).ToArray();
        var lower = new double[k];
        var upper = new double[k];
        for (int i = 0; i < k; i++)
        {
            (lower[i], upper[i]) = Bounds(divergence, gamma, a[i], b[i]);
        }

        var q = new double[k];
        double sl = lower.Sum();
        double sw = upper.Sum() - sl;
        for (int i = 0; i < k; i++)
        {
            q[i] = sw > 0 ? lower[i] + ((1 - sl) / sw * (upper[i] - lower[i])) : p[i];
        }

        if (maxEntropy)
        {
            q = TemperedKl(a, gamma);
        }

        var set = new bool[k];
        LabelSets.IntervalDominance(lower, upper, set);
        return new ReferenceCredal(p, lower, upper, q, set);
    }

    /// <summary>KL max-entropy member softmax(beta log p), beta in [0, 1] by 200 bisection steps on KL(q || p) = gamma.</summary>
    private static double[] TemperedKl(double[] a, double gamma)
    {
        double inside = 1, outside = 0;
        for (int i = 0; i < 200 && gamma > 0; i++)
        {
            double mid = 0.5 * (inside + outside);
            var logQ = Tempered(a, mid);
            double kl = logQ.Select((lq, j) => Math.Exp(lq) * (lq - a[j])).Sum();
            if (kl <= gamma)
            {
                inside = mid;
            }
            else
            {
                outside = mid;
            }
        }

        return Tempered(a, double.IsPositiveInfinity(gamma) ? 0 : inside).Select(Math.Exp).ToArray();
    }

    private static double[] Tempered(double[] a, double beta)
    {
        double lz = LogSumExp(a.Select(x => beta * x));
        return a.Select(x => (beta * x) - lz).ToArray();
    }

    private static (double Lower, double Upper) Bounds(FDivergence divergence, double gamma, double a, double b)
    {
        double p = Math.Exp(a);
        if (gamma == 0)
        {
            return (p, p);
        }

        if (double.IsPositiveInfinity(gamma))
        {
            return (0, 1);
        }

        if (divergence is TotalVariation)
        {
            return (Math.Max(0, p - gamma), Math.Min(1, p + gamma));
        }

        if (divergence is PearsonChiSquare)
        {
            double r = Math.Exp(0.5 * (Math.Log(gamma) + a + b));
            return (Math.Max(0, p - r), Math.Min(1, p + r));
        }

        double vp = a - b;
        return (Math.Exp(LogT(Search(divergence, gamma, a, b, vp, Math.Min(vp, 0) - 800))), Math.Exp(LogT(Search(divergence, gamma, a, b, vp, Math.Max(vp, 0) + 800))));
    }

    private static double Search(FDivergence divergence, double gamma, double a, double b, double inside, double outside)
    {
        for (int i = 0; i < 400; i++)
        {
            double mid = 0.5 * (inside + outside);
            if (Binary(divergence, a, b, LogT(mid), LogT(-mid)) <= gamma)
            {
                inside = mid;
            }
            else
            {
                outside = mid;
            }
        }

        return inside;
    }

    private static double LogT(double v) => -(Math.Max(-v, 0) + Math.Log(1 + Math.Exp(-Math.Abs(v))));

    private static double Binary(FDivergence divergence, double a, double b, double lt, double l1t) => divergence switch
    {
        KullbackLeibler => (Math.Exp(lt) * (lt - a)) + (Math.Exp(l1t) * (l1t - b)),
        ReverseKullbackLeibler => (Math.Exp(a) * (a - lt)) + (Math.Exp(b) * (b - l1t)),
        AlphaDivergence d => (Math.Exp(((1 - d.Alpha) * a) + (d.Alpha * lt)) + Math.Exp(((1 - d.Alpha) * b) + (d.Alpha * l1t)) - 1) / (d.Alpha * (d.Alpha - 1)),
        SquaredHellinger => Math.Pow(Math.Exp(lt / 2) - Math.Exp(a / 2), 2) + Math.Pow(Math.Exp(l1t / 2) - Math.Exp(b / 2), 2),
        _ => throw new ArgumentException(divergence.Name),
    };

    private static double LogSumExp(IEnumerable<double> values)
    {
        var v = values.ToArray();
        double m = v.Max();
        return m + Math.Log(v.Sum(x => Math.Exp(x - m)));
    }
}
