using CredalDistill.Divergences;
using CredalDistill.Validation;

using CredalDistill.Numerics;

namespace CredalDistill.Credal;

/// <summary>
/// The boundary of a three-class credal ball <c>{ q : D(q || p) &lt;= gamma }</c> as a closed polygon of simplex points,
/// for drawing: slices <c>q_0 = x</c> at cosine-spaced <c>x in [lower_0, upper_0]</c>, each giving the feasible
/// <c>q_1 in [a(x), b(x)]</c> exactly (see <see cref="Centroid"/>); the polygon runs along the <c>a</c> side and back along <c>b</c>.
/// </summary>
public static class CredalBoundary
{
    /// <summary>Returns <c>2 * slices</c> boundary points, row-major <c>(q_0, q_1, q_2)</c>.</summary>
    public static double[] Trace(FDivergence divergence, ReadOnlySpan<double> p, double gamma, int slices = 200)
    {
        ArgumentNullException.ThrowIfNull(divergence);
        if (p.Length != 3)
        {
            throw new ArgumentException($"The boundary can be traced for exactly 3 classes; got {p.Length}.", nameof(p));
        }

        var f = CredalBounds.Resolve(divergence);
        Check.Distribution(p, nameof(p));
        Check.Gamma(gamma, nameof(gamma));
        if (slices < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(slices), slices, "slices must be at least 2.");
        }

        Span<double> logP = stackalloc double[3];
        EdgeRow.Trusted(p, false).LogProbabilities(logP);
        double lo = CredalBounds.LowerOf(f, Math.Exp(logP[0]), Math.Exp(LogMath.Add(logP[1], logP[2])), gamma);
        double hi = CredalBounds.UpperOf(f, Math.Exp(logP[0]), Math.Exp(LogMath.Add(logP[1], logP[2])), gamma);
        var row = new CredalGeometry.TriangleRow(logP);
        var points = new double[2 * slices * 3];
        for (int i = 0; i < slices; i++)
        {
            double x = lo + ((hi - lo) * 0.5 * (1.0 - Math.Cos(Math.PI * i / (slices - 1))));
            CredalGeometry.Slice(f, x, row, gamma, out double a, out double b);
            int forward = i * 3;
            points[forward] = x;
            points[forward + 1] = a;
            points[forward + 2] = 1.0 - x - a;
            int backward = ((2 * slices) - 1 - i) * 3;
            points[backward] = x;
            points[backward + 1] = b;
            points[backward + 2] = 1.0 - x - b;
        }

        return points;
    }
}
