using CredalDistill.Divergences;

namespace CredalDistill.Credal;

/// <summary>
/// The per-threshold approximant of <see cref="BinaryBound"/> (issue 10): for a fixed divergence and radius the root
/// <c>v*(u)</c> (log-odds of the bound) depends on one number, the log-odds <c>u = log a - log b</c> of the class, so it is
/// tabulated on <c>u = -64 + j / 128</c> (and on <c>w = -log(u* - u)</c> within one unit below the vertex threshold <c>u*</c>,
/// see <see cref="Start"/>) and read by four-point (cubic) Lagrange interpolation, error about
/// <c>h^4 |v''''| / 40 &lt; 1e-10</c>. The read value is only a start: <see cref="BinaryBound"/> evaluates <c>d</c> there with the
/// row's own <c>log a</c>, <c>log b</c> and accepts it, or one Newton step from it, under the solver's own convergence tests;
/// anything else falls back to the full solve. The table is built in segments of 64 nodes on first use, each node a full
/// solve, so its content (and every result) is a pure function of <c>(divergence, gamma, log a, log b)</c>. Tables are shared
/// by all threads through a small process-wide cache, and each thread also keeps its last eight (divergence instance,
/// threshold) pairs, so that other threads' thresholds never evict the ones it is using; the first input of a new threshold
/// pays for the segments it touches (a few hundred solves), later inputs allocate nothing.
/// </summary>
internal sealed class BoundTable
{
    /// <summary>Node spacing in <c>u</c>.</summary>
    private const double Step = 1.0 / 128.0;

    /// <summary>Intervals per lazily built segment.</summary>
    private const int SegmentIntervals = 64;

    /// <summary>Smallest tabulated <c>u</c> (<c>a</c> about 1.6e-28).</summary>
    private const double MinU = -64.0;

    /// <summary>Largest tabulated <c>u</c> (also capped one unit below where the bound becomes 1).</summary>
    private const double CapU = 64.0;

    /// <summary>Node spacing in <c>w = -log(u* - u)</c> near the vertex threshold <c>u*</c>.</summary>
    private const double NearStep = 1.0 / 32.0;

    /// <summary>Largest tabulated <c>w</c> (<c>u* - u</c> about 2e-16, below which <c>u</c> cannot resolve the distance).</summary>
    private const double NearMaxW = 36.0;

    private const int CacheSize = 8;

    private const int SharedSize = 32;

    private static readonly BoundTable?[] Shared = new BoundTable?[SharedSize];

    private static int _nextShared;

    [ThreadStatic]
    private static BoundTable?[]? _cache;

    [ThreadStatic]
    private static int _nextSlot;

    private readonly FDivergence _f;
    private readonly double _gamma;
    private readonly double _maxU;
    private readonly double _vertexU;
    private readonly double[]?[] _segments;
    private readonly double[]?[] _nearSegments;

    private BoundTable(FDivergence f, double gamma)
    {
        _f = f;
        _gamma = gamma;
        _vertexU = VertexThreshold(f, gamma);
        _maxU = Math.Min(CapU, _vertexU - 1.0);
        int segments = _maxU > MinU ? (int)Math.Ceiling((_maxU - MinU) / (Step * SegmentIntervals)) : 0;
        _segments = new double[]?[segments];
        _nearSegments = new double[]?[HasVertex ? (int)Math.Ceiling(NearMaxW / (NearStep * SegmentIntervals)) : 0];
    }

    /// <summary>The table of <paramref name="f"/> at radius <paramref name="gamma"/> (finite, positive), from the cache or new.</summary>
    public static BoundTable For(FDivergence f, double gamma)
    {
        var cache = _cache ??= new BoundTable?[CacheSize];
        for (int i = 0; i < CacheSize; i++)
        {
            var entry = cache[i];
            if (entry is not null && entry.Matches(f, gamma))
            {
                return entry;
            }
        }

        BoundTable? table = null;
        for (int i = 0; i < SharedSize && table is null; i++)
        {
            var entry = Volatile.Read(ref Shared[i]);
            table = entry is not null && entry.Matches(f, gamma) ? entry : null;
        }

        if (table is null)
        {
            table = new BoundTable(f, gamma);
            int slot = (int)((uint)Interlocked.Increment(ref _nextShared) % SharedSize);
            Volatile.Write(ref Shared[slot], table);
        }

        cache[_nextSlot] = table;
        _nextSlot = (_nextSlot + 1) % CacheSize;
        return table;
    }

    /// <summary>
    /// Whether the bound reaches the vertex <c>t = 1</c> at a threshold <see cref="VertexU"/> located inside the search range
    /// (not when it never does, nor when it does for every <c>u</c> from <c>-66</c> on).
    /// </summary>
    public bool HasVertex => double.IsFinite(_vertexU) && _vertexU > MinU - 2.0;

    /// <summary>The vertex threshold <c>u*</c>: from there on the bound is <c>t = 1</c> (+infinity when it never is).</summary>
    public double VertexU => _vertexU;

    /// <summary>
    /// The interpolated root <c>v*(u)</c> for <c>u = log a - log b</c>, or NaN outside the table (or where a node's bound is
    /// the vertex <c>t = 1</c>). Within one unit below the vertex threshold <c>u*</c>, where <c>v*</c> grows like
    /// <c>-log(u* - u)</c>, the nodes are on <c>w = -log(u* - u)</c> instead (spacing 1/32, up to <c>w = 36</c>), in which
    /// <c>v*</c> is smooth.
    /// </summary>
    public double Start(double u)
    {
        if (u >= MinU && u < _maxU)
        {
            return Interpolate(_segments, (u - MinU) / Step, near: false);
        }

        if (_nearSegments.Length > 0 && u >= _vertexU - 1.0 && u < _vertexU)
        {
            double w = -Math.Log(_vertexU - u);
            return w < NearMaxW ? Interpolate(_nearSegments, Math.Max(w, 0.0) / NearStep, near: true) : double.NaN;
        }

        return double.NaN;
    }

    /// <summary>Four-point Lagrange interpolation at node coordinate <paramref name="x"/> (node <c>j</c> at <c>x = j</c>).</summary>
    private double Interpolate(double[]?[] segments, double x, bool near)
    {
        int j = (int)x;
        double t = x - j;
        int s = j / SegmentIntervals;
        var nodes = Volatile.Read(ref segments[s]) ?? BuildSegment(s, near);
        int i = j - (s * SegmentIntervals);
        double tm1 = t - 1.0;
        double tm2 = t - 2.0;
        double tp1 = t + 1.0;
        double w0 = -t * tm1 * tm2 / 6.0;
        double w1 = tp1 * tm1 * tm2 / 2.0;
        double w2 = -tp1 * t * tm2 / 2.0;
        double w3 = tp1 * t * tm1 / 6.0;
        return (w0 * nodes[i]) + (w1 * nodes[i + 1]) + (w2 * nodes[i + 2]) + (w3 * nodes[i + 3]);
    }

    /// <summary>Nodes <c>j = 64 s - 1 .. 64 s + 65</c> of segment <paramref name="s"/> (in <c>u</c>, or in <c>w</c> near the vertex), each a full solve.</summary>
    private double[] BuildSegment(int s, bool near)
    {
        var nodes = new double[SegmentIntervals + 3];
        for (int i = 0; i < nodes.Length; i++)
        {
            int j = (s * SegmentIntervals) + i - 1;
            double u = near ? _vertexU - Math.Exp(-j * NearStep) : MinU + (j * Step);
            var a = BinaryPoint.FromLogOdds(u);
            var root = BinaryBound.SolveDirect(_f, a.LogT, a.LogS, a.T, a.S, _gamma);
            double v = root.LogT - root.LogS;
            nodes[i] = double.IsFinite(v) ? v : double.NaN;
        }

        Volatile.Write(ref (near ? _nearSegments : _segments)[s], nodes); // complete before it is published; a concurrent duplicate build is identical
        return nodes;
    }

    /// <summary>
    /// The smallest <c>u</c> at which <c>d(1) = a phi(1/a) + b phi(0) &lt;= gamma</c> (the bound is the vertex), by bisection;
    /// <c>d(1)</c> decreases in <c>a</c> (the divergence from the vertex is convex along the segment to it, and 0 there).
    /// +infinity when it never is (e.g. reverse KL).
    /// </summary>
    private static double VertexThreshold(FDivergence f, double gamma)
    {
        if (!AtVertex(f, CapU + 2.0, gamma))
        {
            return double.PositiveInfinity;
        }

        double lo = MinU - 2.0;
        double hi = CapU + 2.0;
        if (AtVertex(f, lo, gamma))
        {
            return lo;
        }

        for (int i = 0; i < 60; i++)
        {
            double mid = 0.5 * (lo + hi);
            if (AtVertex(f, mid, gamma))
            {
                hi = mid;
            }
            else
            {
                lo = mid;
            }
        }

        return hi;
    }

    private bool Matches(FDivergence f, double gamma) => _gamma == gamma && ReferenceEquals(_f, f);

    private static bool AtVertex(FDivergence f, double u, double gamma)
    {
        var a = BinaryPoint.FromLogOdds(u);
        return f.PhiAboveScaled(-a.LogT) + f.LogTerm(a.LogS, double.NegativeInfinity) <= gamma;
    }
}
