using System.Globalization;
using CredalDistill.Conformal;
using CredalDistill.Divergences;

namespace CredalDistill.Engines.Tests;

/// <summary>
/// A seeded table of (cloud, edge) pairs with the cases that matter for the threshold: ties (repeated rows), zero scores
/// (cloud = edge), cloud zeros (0 log 0), edge zeros where the cloud has mass (+infinity for KL) and, for logits, gaps
/// large enough that probabilities underflow. Shared by the DuckDB tests and the PostgreSQL tests.
/// </summary>
public sealed class PairTable
{
    private PairTable(int classes, bool logits, double[] cloud, double[] edge, string[] groups)
    {
        Classes = classes;
        Logits = logits;
        Cloud = cloud;
        Edge = edge;
        Groups = groups;
    }

    /// <summary>Every divergence of the library (alpha on both sides of 1 and below 0), on probabilities and on logits.</summary>
    public static TheoryData<string, bool> DivergenceCases()
    {
        var data = new TheoryData<string, bool>();
        foreach (string d in new[] { "kl", "reverse-kl", "alpha:0.9", "alpha:1.2", "alpha:-0.5", "tv", "hellinger", "chi2" })
        {
            data.Add(d, false);
            data.Add(d, true);
        }

        return data;
    }

    public int Classes { get; }

    public bool Logits { get; }

    public int Rows => Groups.Length;

    public double[] Cloud { get; }

    public double[] Edge { get; }

    public string[] Groups { get; }

    /// <summary>Generates <paramref name="rows"/> pairs in <paramref name="groupCount"/> groups of uneven sizes (and a tiny one when grouped).</summary>
    public static PairTable Generate(int seed, int rows, int classes, bool logits, int groupCount = 1, bool zeros = true)
    {
        var rng = new Random(seed);
        var cloud = new double[rows * classes];
        var edge = new double[rows * classes];
        var groups = new string[rows];
        for (int i = 0; i < rows; i++)
        {
            // Uneven groups (weights growing with g), plus one tiny group of rows/400 rows: unbounded at small eps.
            int g = groupCount == 1 ? 0 : Math.Min(groupCount - 1, (int)Math.Floor(Math.Sqrt(rng.NextDouble()) * groupCount));
            groups[i] = groupCount == 1 ? "all" : i % 400 == 7 ? "model-tiny" : "model-" + g.ToString(CultureInfo.InvariantCulture);
            var c = cloud.AsSpan(i * classes, classes);
            var e = edge.AsSpan(i * classes, classes);
            double kind = rng.NextDouble();
            if (i > 0 && kind < 0.08)
            {
                // A tie: repeat an earlier row (same group, so the tie is within the group).
                int j = rng.Next(i);
                cloud.AsSpan(j * classes, classes).CopyTo(c);
                edge.AsSpan(j * classes, classes).CopyTo(e);
                groups[i] = groups[j];
                continue;
            }

            if (logits)
            {
                for (int k = 0; k < classes; k++)
                {
                    c[k] = Normal(rng) * 2.0;
                    e[k] = c[k] + (Normal(rng) * 0.7);
                }

                if (zeros && kind < 0.14)
                {
                    e[rng.Next(classes)] += rng.NextDouble() < 0.5 ? 60.0 : 800.0; // near one-hot: probabilities underflow
                }
                else if (zeros && kind < 0.18)
                {
                    c.CopyTo(e); // score 0
                }
            }
            else
            {
                Dirichlet(rng, c);
                for (int k = 0; k < classes; k++)
                {
                    e[k] = c[k] * Math.Exp(Normal(rng) * 0.5);
                }

                if (zeros && kind < 0.13)
                {
                    c[rng.Next(classes)] = 0.0; // cloud zero: 0 log 0 = 0
                }
                else if (zeros && kind < 0.17)
                {
                    e[rng.Next(classes)] = 0.0; // edge zero where the cloud has mass: +infinity (KL)
                }

                Normalise(c);
                Normalise(e);
                if (zeros && kind >= 0.17 && kind < 0.20)
                {
                    c.CopyTo(e); // score 0
                }
            }
        }

        return new PairTable(classes, logits, cloud, edge, groups);
    }

    public ProbabilityMatrix CloudMatrix(IEnumerable<int> rows) => Matrix(Cloud, rows);

    public ProbabilityMatrix EdgeMatrix(IEnumerable<int> rows) => Matrix(Edge, rows);

    /// <summary>The rows of each group (ordinal order of the group values).</summary>
    public SortedDictionary<string, List<int>> RowsByGroup()
    {
        var result = new SortedDictionary<string, List<int>>(StringComparer.Ordinal);
        for (int i = 0; i < Rows; i++)
        {
            if (!result.TryGetValue(Groups[i], out var list))
            {
                result[Groups[i]] = list = [];
            }

            list.Add(i);
        }

        return result;
    }

    /// <summary>
    /// The reference threshold from the definition: the library's scores of the rows, an independent sort, and
    /// <c>k = ceil((n + 1)(1 - eps))</c> in decimal arithmetic of eps's shortest decimal.
    /// </summary>
    public (long Rank, double Gamma, double[] Sorted) Reference(IEnumerable<int> rows, FDivergence divergence, double epsilon)
    {
        var list = rows.ToList();
        var scores = SplitConformal.Scores(CloudMatrix(list), EdgeMatrix(list), divergence);
        var sorted = scores.OrderBy(s => s).ToArray();
        long k = ReferenceRank(sorted.Length, epsilon);
        return (k, k > sorted.Length ? double.PositiveInfinity : sorted[k - 1], sorted);
    }

    /// <summary><c>ceil((n + 1)(1 - eps))</c> in <see cref="decimal"/> (exact for these sizes).</summary>
    public static long ReferenceRank(long n, double epsilon)
    {
        decimal eps = decimal.Parse(epsilon.ToString("R", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture);
        return (long)decimal.Ceiling((n + 1) * (1m - eps));
    }

    /// <summary>
    /// True when the two thresholds agree: both +infinity, or within 1e-12 relative plus 1e-14 nats absolute. The
    /// absolute part is the engines' <c>exp</c>/<c>ln</c> (the C library's, not .NET's) differing by an ulp: a score
    /// sums K terms of size up to 1 (scaled by <c>1 / (a |a - 1|)</c> for alpha-divergences), so near 0 its absolute
    /// error is a few 1e-16 whatever its size (seen: 1e-4 nats scores differing by 5e-16, docs/NUMERICS.md).
    /// </summary>
    public static bool Close(double expected, double actual, double relative = 1e-12)
        => expected == actual || (double.IsFinite(expected) && double.IsFinite(actual) && Math.Abs(expected - actual) <= (relative * Math.Abs(expected)) + 1e-14);

    /// <summary>A seed fixed by <paramref name="name"/> (string.GetHashCode is randomised per process).</summary>
    public static int StableSeed(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        int seed = 17;
        foreach (char c in name)
        {
            seed = unchecked((seed * 31) + c);
        }

        return seed & 0xffff;
    }

    private ProbabilityMatrix Matrix(double[] data, IEnumerable<int> rows)
    {
        var list = rows.ToList();
        var values = new double[list.Count * Classes];
        for (int i = 0; i < list.Count; i++)
        {
            data.AsSpan(list[i] * Classes, Classes).CopyTo(values.AsSpan(i * Classes, Classes));
        }

        return Logits ? ProbabilityMatrix.FromLogits(values, Classes) : ProbabilityMatrix.FromProbabilities(values, Classes);
    }

    private static double Normal(Random rng) => Math.Sqrt(-2.0 * Math.Log(1.0 - rng.NextDouble())) * Math.Cos(2.0 * Math.PI * rng.NextDouble());

    private static void Dirichlet(Random rng, Span<double> p)
    {
        for (int k = 0; k < p.Length; k++)
        {
            p[k] = -Math.Log(1.0 - rng.NextDouble()) * (0.2 + rng.NextDouble());
        }

        Normalise(p);
    }

    private static void Normalise(Span<double> p)
    {
        double sum = 0.0;
        foreach (double v in p)
        {
            sum += v;
        }

        for (int k = 0; k < p.Length; k++)
        {
            p[k] /= sum;
        }
    }
}
