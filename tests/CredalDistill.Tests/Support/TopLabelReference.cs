namespace CredalDistill.Tests.Support;

/// <summary>
/// Independent reference implementations of the labelled metrics from their written definitions (docs/METRICS.md), kept
/// deliberately plain: LINQ stable sort by (confidence, row index), explicit position-by-position bins, a prefix loop.
/// Used by the core tests and (linked) by the CLI tests; nothing here calls the code under test.
/// </summary>
internal static class TopLabelReference
{
    /// <summary>The six metrics of one data set.</summary>
    public sealed record Metrics(double Accuracy, double Ece, double EceDebiased, double KsError, double Nll, double Brier);

    /// <summary>Top-1 confidence and correctness (first index on ties) of row-major probabilities.</summary>
    public static (double[] Confidence, bool[] Correct) TopLabel(double[] p, int k, int[] labels)
    {
        int n = labels.Length;
        var c = new double[n];
        var a = new bool[n];
        for (int i = 0; i < n; i++)
        {
            int best = 0;
            for (int j = 1; j < k; j++)
            {
                if (p[(i * k) + j] > p[(i * k) + best])
                {
                    best = j;
                }
            }

            c[i] = p[(i * k) + best];
            a[i] = best == labels[i];
        }

        return (c, a);
    }

    /// <summary>Every metric of the data set; NLL without any floor (test data have no zero probabilities).</summary>
    public static Metrics All(double[] p, int k, int[] labels, int bins = 15)
    {
        var (c, a) = TopLabel(p, k, labels);
        int n = labels.Length;
        double nll = 0;
        double brier = 0;
        for (int i = 0; i < n; i++)
        {
            nll += -Math.Log(p[(i * k) + labels[i]]);
            for (int j = 0; j < k; j++)
            {
                double d = p[(i * k) + j] - (j == labels[i] ? 1 : 0);
                brier += d * d;
            }
        }

        var order = Sorted(c);
        return new Metrics(a.Count(x => x) / (double)n, EqualWidthEce(c, a, bins), Debiased(c, a, order, bins), Ks(c, a, order), nll / n, brier / n);
    }

    /// <summary>Plug-in ECE, bins <c>clamp(ceil(B c) - 1, 0, B - 1)</c>.</summary>
    public static double EqualWidthEce(double[] c, bool[] a, int bins = 15)
    {
        int n = c.Length;
        var count = new int[bins];
        var conf = new double[bins];
        var acc = new double[bins];
        for (int i = 0; i < n; i++)
        {
            int b = Math.Clamp((int)Math.Ceiling(bins * c[i]) - 1, 0, bins - 1);
            count[b]++;
            conf[b] += c[i];
            acc[b] += a[i] ? 1 : 0;
        }

        double total = 0;
        for (int b = 0; b < bins; b++)
        {
            if (count[b] > 0)
            {
                total += count[b] / (double)n * Math.Abs((acc[b] / count[b]) - (conf[b] / count[b]));
            }
        }

        return total;
    }

    /// <summary>Stable order by confidence, ties by row index.</summary>
    public static int[] Sorted(double[] c) => [.. Enumerable.Range(0, c.Length).OrderBy(i => c[i]).ThenBy(i => i)];

    /// <summary>Debiased top-label L2 ECE over equal-mass bins of positions <c>floor(b n / B) .. floor((b + 1) n / B) - 1</c>.</summary>
    public static double Debiased(double[] c, bool[] a, int bins = 15) => Debiased(c, a, Sorted(c), bins);

    /// <summary>Debiased ECE with a precomputed stable order.</summary>
    public static double Debiased(double[] c, bool[] a, int[] order, int bins = 15)
    {
        int n = c.Length;
        double e2 = 0;
        for (int b = 0; b < bins; b++)
        {
            long from = (long)b * n / bins;
            long to = ((long)(b + 1) * n / bins) - 1;
            int nb = (int)(to - from + 1);
            if (nb <= 0)
            {
                continue;
            }

            double cbar = 0;
            double abar = 0;
            for (long pos = from; pos <= to; pos++)
            {
                cbar += c[order[pos]];
                abar += a[order[pos]] ? 1 : 0;
            }

            cbar /= nb;
            abar /= nb;
            double term = (abar - cbar) * (abar - cbar);
            if (nb >= 2)
            {
                term -= abar * (1 - abar) / (nb - 1);
            }

            e2 += nb / (double)n * term;
        }

        return Math.Sqrt(Math.Max(e2, 0));
    }

    /// <summary>KS error: largest |(1/n) sum_{j &lt;= i} (c_(j) - a_(j))| over every prefix, the empty one included.</summary>
    public static double Ks(double[] c, bool[] a) => Ks(c, a, Sorted(c));

    /// <summary>KS error with a precomputed stable order.</summary>
    public static double Ks(double[] c, bool[] a, int[] order)
    {
        int n = c.Length;
        double best = 0; // empty prefix
        double s = 0;
        for (int i = 0; i < n; i++)
        {
            s += c[order[i]] - (a[order[i]] ? 1 : 0);
            best = Math.Max(best, Math.Abs(s / n));
        }

        return best;
    }

    /// <summary>
    /// K-class test data whose top-1 confidences tie often: each row's logits are rounded to a coarse grid, so many rows share
    /// the same softmax; no probability is zero.
    /// </summary>
    public static (double[] P, int[] Labels) TiedData(int n, int k, int seed, double sharpness = 2.0, double miscalibration = 1.0)
    {
        var rng = new Random(seed);
        var p = new double[n * k];
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            int y = rng.Next(k);
            labels[i] = y;
            int favoured = rng.NextDouble() < 0.7 ? y : rng.Next(k);
            double sum = 0;
            for (int j = 0; j < k; j++)
            {
                double logit = Math.Round((j == favoured ? sharpness * miscalibration : 0) + rng.Next(3) * 0.5, 1);
                p[(i * k) + j] = Math.Exp(logit);
                sum += p[(i * k) + j];
            }

            for (int j = 0; j < k; j++)
            {
                p[(i * k) + j] /= sum;
            }
        }

        return (p, labels);
    }
}
