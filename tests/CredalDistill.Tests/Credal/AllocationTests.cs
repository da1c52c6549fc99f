using CredalDistill.Credal;
using CredalDistill.Divergences;
using CredalDistill.Tests.Support;

namespace CredalDistill.Tests.Credal;

/// <summary>The per-row kernels allocate nothing on the managed heap (counted, not timed).</summary>
public class AllocationTests
{
    [Theory]
    [MemberData(nameof(Generators.DivergenceNames), MemberType = typeof(Generators))]
    public void Per_row_kernels_do_not_allocate(string name)
    {
        var d = Divergence.Parse(name);
        double[] p = [0.05, 0.6, 0.2, 0.1, 0.05];
        var lower = new double[5];
        var upper = new double[5];
        var q = new double[5];
        var se = new double[5];
        var members = new bool[5];
        double[] p3 = [0.5, 0.3, 0.2];
        var options = new MonteCarloOptions { Samples = 200, BurnIn = 20, Seed = 1 };

        void Run()
        {
            CredalBounds.Compute(d, p, 0.3, lower, upper);
            IntersectionProbability.Compute(lower, upper, p, q);
            MaximumEntropy.Compute(d, p, 0.3, q);
            LabelSets.IntervalDominance(lower, upper, members);
            LabelSets.Maximality(d, p, 0.3, members);
            Centroid.Compute(d, p, 0.3, q, se, options);
            Centroid.Compute(d, p3, 0.3, q.AsSpan(0, 3), se.AsSpan(0, 3), options);
            _ = VolumeFraction.Compute(d, p, 0.3, options);
        }

        Run(); // warm up (JIT, statics)
        long before = GC.GetAllocatedBytesForCurrentThread();
        Run();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
    }
}
