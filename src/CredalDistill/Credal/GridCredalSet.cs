using CredalDistill.Divergences;
using CredalDistill.Validation;

namespace CredalDistill.Credal;

/// <summary>
/// The paper's reference construction for three classes: enumerate the simplex grid
/// <c>{ (i h, j h, 1 - i h - j h) }</c> (resolution <c>h</c>; the paper uses 0.005, 20,301 points) and keep the points with
/// <c>D(q || p) &lt;= gamma</c>. Bounds, maximum entropy, centroid and volume are the min/max/arg-max/mean/share over the
/// kept points: O(grid) per input and only approximate (error ~h), which is what <see cref="DivergenceBall"/> replaces.
/// When no grid point is inside, the set is taken as <c>{ p }</c>.
/// </summary>
public sealed class GridCredalSet : ICredalSet
{
    private readonly double[] _points; // kept points, row-major (count x 3)
    private readonly int _total;
    private readonly double[] _center;

    /// <summary>Enumerates the grid of resolution <paramref name="resolution"/> (1/h must be an integer) inside the ball.</summary>
    public GridCredalSet(FDivergence divergence, ReadOnlySpan<double> center, double gamma, double resolution = 0.005)
    {
        ArgumentNullException.ThrowIfNull(divergence);
        if (center.Length != 3)
        {
            throw new ArgumentException($"The grid construction supports exactly 3 classes; got {center.Length}.", nameof(center));
        }

        Check.Distribution(center, nameof(center));
        Check.Gamma(gamma, nameof(gamma));
        int steps = (int)Math.Round(1.0 / resolution);
        if (!(resolution > 0.0) || Math.Abs((steps * resolution) - 1.0) > 1e-9)
        {
            throw new ArgumentOutOfRangeException(nameof(resolution), resolution, "1/resolution must be a positive integer.");
        }

        Divergence = divergence;
        Gamma = gamma;
        _center = center.ToArray();
        var kept = new List<double>();
        Span<double> q = stackalloc double[3];
        for (int i = 0; i <= steps; i++)
        {
            for (int j = 0; i + j <= steps; j++)
            {
                _total++;
                q[0] = (double)i / steps;
                q[1] = (double)j / steps;
                q[2] = (double)(steps - i - j) / steps;
                if (divergence.Compute(q, center) <= gamma)
                {
                    kept.Add(q[0]);
                    kept.Add(q[1]);
                    kept.Add(q[2]);
                }
            }
        }

        if (kept.Count == 0)
        {
            kept.AddRange(_center);
        }

        _points = kept.ToArray();
    }

    /// <summary>The divergence.</summary>
    public FDivergence Divergence { get; }

    /// <summary>The radius in nats.</summary>
    public double Gamma { get; }

    /// <summary>Number of grid points inside the set.</summary>
    public int Count => _points.Length / 3;

    /// <inheritdoc />
    public int Classes => 3;

    /// <inheritdoc />
    public bool Contains(ReadOnlySpan<double> q)
    {
        Check.SameLength(3, q.Length, nameof(q));
        return Divergence.Compute(q, _center) <= Gamma;
    }

    /// <inheritdoc />
    public void Bounds(Span<double> lower, Span<double> upper)
    {
        Check.SameLength(3, lower.Length, nameof(lower));
        Check.SameLength(3, upper.Length, nameof(upper));
        lower.Fill(double.PositiveInfinity);
        upper.Fill(double.NegativeInfinity);
        for (int i = 0; i < _points.Length; i += 3)
        {
            for (int k = 0; k < 3; k++)
            {
                lower[k] = Math.Min(lower[k], _points[i + k]);
                upper[k] = Math.Max(upper[k], _points[i + k]);
            }
        }
    }

    /// <inheritdoc />
    public void IntersectionProbability(Span<double> destination)
    {
        Span<double> lower = stackalloc double[3];
        Span<double> upper = stackalloc double[3];
        Bounds(lower, upper);
        Credal.IntersectionProbability.ComputeUnchecked(lower, upper, _center, destination);
    }

    /// <inheritdoc />
    public void MaximumEntropy(Span<double> destination)
    {
        Check.SameLength(3, destination.Length, nameof(destination));
        double best = double.NegativeInfinity;
        for (int i = 0; i < _points.Length; i += 3)
        {
            double h = 0.0;
            for (int k = 0; k < 3; k++)
            {
                double v = _points[i + k];
                h -= v > 0.0 ? v * Math.Log(v) : 0.0;
            }

            if (h > best)
            {
                best = h;
                _points.AsSpan(i, 3).CopyTo(destination);
            }
        }
    }

    /// <inheritdoc />
    public double Centroid(Span<double> destination, Span<double> standardError)
    {
        Check.SameLength(3, destination.Length, nameof(destination));
        destination.Clear();
        standardError.Clear();
        for (int i = 0; i < _points.Length; i += 3)
        {
            for (int k = 0; k < 3; k++)
            {
                destination[k] += _points[i + k];
            }
        }

        for (int k = 0; k < 3; k++)
        {
            destination[k] /= Count;
        }

        return 0.0;
    }

    /// <inheritdoc />
    public Estimate VolumeFraction() => new((double)Count / _total, 0.0, false);

    /// <inheritdoc />
    public void IntervalDominance(Span<bool> members)
    {
        Span<double> lower = stackalloc double[3];
        Span<double> upper = stackalloc double[3];
        Bounds(lower, upper);
        LabelSets.IntervalDominance(lower, upper, members);
    }

    /// <inheritdoc />
    public void Maximality(Span<bool> members)
    {
        Check.SameLength(3, members.Length, nameof(members));
        for (int k = 0; k < 3; k++)
        {
            bool dominated = false;
            for (int j = 0; j < 3 && !dominated; j++)
            {
                if (j == k)
                {
                    continue;
                }

                double min = double.PositiveInfinity;
                for (int i = 0; i < _points.Length; i += 3)
                {
                    min = Math.Min(min, _points[i + j] - _points[i + k]);
                }

                dominated = min > 0.0;
            }

            members[k] = !dominated;
        }
    }
}
