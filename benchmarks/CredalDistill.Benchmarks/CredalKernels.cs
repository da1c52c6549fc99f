using BenchmarkDotNet.Attributes;
using CredalDistill.Credal;
using CredalDistill.Divergences;

namespace CredalDistill.Benchmarks;

/// <summary>
/// Per-input run-time cost of the CD-CI kernels, and the exact O(K) bounds against the paper's grid enumeration (K = 3,
/// resolution 0.005). Run: <c>dotnet run -c Release --project benchmarks/CredalDistill.Benchmarks -- --filter '*CredalKernels*'</c>.
/// </summary>
[MemoryDiagnoser]
public class CredalKernels
{
    private readonly double[] _p3 = [0.72, 0.2, 0.08];
    private readonly double[] _p10 = [0.61, 0.12, 0.08, 0.06, 0.04, 0.03, 0.025, 0.02, 0.01, 0.005];
    private readonly double[] _lower = new double[10];
    private readonly double[] _upper = new double[10];
    private readonly double[] _q = new double[10];
    private readonly double[] _se = new double[10];

    [Params("kl", "alpha:0.9", "tv", "hellinger")]
    public string Divergence { get; set; } = "kl";

    private FDivergence _d = KullbackLeibler.Instance;

    [GlobalSetup]
    public void Setup() => _d = Divergences.Divergence.Parse(Divergence);

    [Benchmark(Description = "exact bounds, K = 3")]
    public void BoundsK3() => CredalBounds.Compute(_d, _p3, 0.3, _lower.AsSpan(0, 3), _upper.AsSpan(0, 3));

    [Benchmark(Description = "paper grid (0.005) bounds, K = 3")]
    public void GridK3()
    {
        var grid = new GridCredalSet(_d, _p3, 0.3, 0.005);
        grid.Bounds(_lower.AsSpan(0, 3), _upper.AsSpan(0, 3));
    }

    [Benchmark(Description = "exact bounds + intersection probability, K = 10")]
    public void IntersectionK10()
    {
        CredalBounds.Compute(_d, _p10, 0.3, _lower, _upper);
        IntersectionProbability.Compute(_lower, _upper, _p10, _q);
    }

    [Benchmark(Description = "max-entropy member, K = 10")]
    public void MaxEntropyK10() => MaximumEntropy.Compute(_d, _p10, 0.3, _q);

    [Benchmark(Description = "centroid (exact quadrature), K = 3")]
    public void CentroidK3() => Centroid.Compute(_d, _p3, 0.3, _q.AsSpan(0, 3), _se.AsSpan(0, 3));

    [Benchmark(Description = "centroid (hit-and-run, 2000 + 200 burn-in), K = 10")]
    public void CentroidK10() => Centroid.Compute(_d, _p10, 0.3, _q, _se);
}
