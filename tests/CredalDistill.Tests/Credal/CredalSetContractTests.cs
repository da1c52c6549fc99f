using CredalDistill.Credal;
using CredalDistill.Divergences;

namespace CredalDistill.Tests.Credal;

/// <summary>
/// One behavioural suite run against every <see cref="ICredalSet"/> implementation: the summaries must be consistent
/// with each other and with membership, whatever the construction.
/// </summary>
public abstract class CredalSetContractTests
{
    protected abstract ICredalSet Create(double[] p, double gamma);

    /// <summary>Tolerance of the implementation's bounds (0 for exact, ~resolution for a grid).</summary>
    protected abstract double Resolution { get; }

    public static TheoryData<double[], double> Cases() => new()
    {
        { [0.7, 0.2, 0.1], 0.05 },
        { [0.34, 0.33, 0.33], 0.2 },
        { [0.9, 0.08, 0.02], 0.5 },
        { [0.6, 0.39, 0.01], 0.01 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bounds_bracket_the_summaries_and_one(double[] p, double gamma)
    {
        var set = Create(p, gamma);
        int k = set.Classes;
        var lower = new double[k];
        var upper = new double[k];
        var ip = new double[k];
        var me = new double[k];
        var c = new double[k];
        var se = new double[k];
        set.Bounds(lower, upper);
        set.IntersectionProbability(ip);
        set.MaximumEntropy(me);
        set.Centroid(c, se);
        Assert.True(lower.Sum() <= 1.0 + 1e-12 && upper.Sum() >= 1.0 - 1e-12);
        foreach (var q in new[] { ip, me, c })
        {
            Assert.Equal(1.0, q.Sum(), 9);
            for (int i = 0; i < k; i++)
            {
                Assert.InRange(q[i], lower[i] - 1e-9, upper[i] + 1e-9);
            }
        }

        // The max-entropy member is on the boundary, so rounding may put it a hair outside; by convexity in q, the point a
        // fraction 1e-9 of the way to the centre p has divergence <= (1 - 1e-9) gamma, far above rounding, and must be inside.
        var inward = me.Select((m, i) => ((1.0 - 1e-9) * m) + (1e-9 * p[i])).ToArray();
        Assert.True(set.Contains(inward), "max-entropy member must be in the set (to a relative 1e-9)");
        Assert.True(set.Contains(c), "centroid of a convex set is in the set");
        for (int i = 0; i < k; i++)
        {
            Assert.InRange(p[i], lower[i] - Resolution, upper[i] + Resolution);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Label_sets_nest_and_contain_the_mode(double[] p, double gamma)
    {
        var set = Create(p, gamma);
        var interval = new bool[set.Classes];
        var maximal = new bool[set.Classes];
        set.IntervalDominance(interval);
        set.Maximality(maximal);
        int mode = Array.IndexOf(p, p.Max());
        Assert.True(interval[mode] && maximal[mode]);
        for (int i = 0; i < set.Classes; i++)
        {
            Assert.True(!maximal[i] || interval[i], "maximal labels are interval-dominant");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Volume_grows_with_gamma_and_matches_the_fraction_of_members_on_a_fine_lattice(double[] p, double gamma)
    {
        var set = Create(p, gamma);
        double small = set.VolumeFraction().Value;
        double large = Create(p, gamma * 3).VolumeFraction().Value;
        Assert.True(small > 0.0 && large > small && large <= 1.0, $"volume {small} at gamma, {large} at 3 gamma");

        // Lattice q = (i, j, N - i - j) / N, N = 300: the member fraction differs from the area by about the boundary
        // cells, perimeter x (spacing + the set's resolution); a convex set's perimeter is of order sqrt(area), margin 4.
        const int n = 300;
        int inside = 0, total = 0;
        Span<double> q = stackalloc double[3];
        for (int i = 0; i <= n; i++)
        {
            for (int j = 0; i + j <= n; j++)
            {
                (q[0], q[1], q[2]) = ((double)i / n, (double)j / n, (double)(n - i - j) / n);
                total++;
                inside += set.Contains(q) ? 1 : 0;
            }
        }

        Assert.Equal((double)inside / total, small, 4.0 * Math.Sqrt(small) * ((1.0 / n) + Resolution));
    }
}

public sealed class KlBallContractTests : CredalSetContractTests
{
    protected override double Resolution => 0.0;

    protected override ICredalSet Create(double[] p, double gamma) => new DivergenceBall(KullbackLeibler.Instance, p, gamma);
}

public sealed class HellingerBallContractTests : CredalSetContractTests
{
    protected override double Resolution => 0.0;

    protected override ICredalSet Create(double[] p, double gamma) => new DivergenceBall(SquaredHellinger.Instance, p, gamma);
}

public sealed class AlphaBallContractTests : CredalSetContractTests
{
    protected override double Resolution => 0.0;

    protected override ICredalSet Create(double[] p, double gamma) => new DivergenceBall(new AlphaDivergence(0.9), p, gamma);
}

public sealed class TotalVariationBallContractTests : CredalSetContractTests
{
    protected override double Resolution => 0.0;

    protected override ICredalSet Create(double[] p, double gamma) => new DivergenceBall(TotalVariation.Instance, p, gamma);
}

public sealed class PaperGridContractTests : CredalSetContractTests
{
    protected override double Resolution => 0.01;

    protected override ICredalSet Create(double[] p, double gamma) => new GridCredalSet(KullbackLeibler.Instance, p, gamma, 0.01);
}
