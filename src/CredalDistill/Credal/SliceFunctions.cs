using CredalDistill.Divergences;
using CredalDistill.Numerics;

namespace CredalDistill.Credal;

/// <summary>
/// A slice <c>q_0 = x</c> of a three-class ball, seen from the edge <c>q_2 = 0</c>:
/// <c>g(delta) = T_0 + T(R - delta, p_1) + T(delta, p_2)</c>, <c>R = 1 - x</c>, where <c>T(q, p) = p phi(q/p)</c> is the tilted term
/// (<see cref="FDivergence.HybridTerm"/>: from the double <c>p</c>, or from <c>log p</c> where <c>p</c> underflowed). When no
/// probability of the row underflowed (<c>plain</c>) the untilted double terms are used: the tilts sum to zero over the slice.
/// </summary>
internal readonly struct SliceTowardSecond(FDivergence divergence, bool plain, double termX, double rest, double p1, double logP1, double p2, double logP2) : IScalarFunction
{
    public double Value(double x) => plain
        ? termX + divergence.Term(rest - x, p1) + divergence.Term(x, p2)
        : termX + divergence.HybridTerm(rest - x, p1, logP1) + divergence.HybridTerm(x, p2, logP2);

    public double Slope(double x) => plain
        ? divergence.TermDerivative(x, p2) - divergence.TermDerivative(rest - x, p1)
        : divergence.HybridSlope(x, p2, logP2) - divergence.HybridSlope(rest - x, p1, logP1);
}

/// <summary>The same slice seen from the edge <c>q_1 = 0</c>: <c>g(delta) = T_0 + T(delta, p_1) + T(R - delta, p_2)</c>.</summary>
internal readonly struct SliceTowardFirst(FDivergence divergence, bool plain, double termX, double rest, double p1, double logP1, double p2, double logP2) : IScalarFunction
{
    public double Value(double x) => plain
        ? termX + divergence.Term(x, p1) + divergence.Term(rest - x, p2)
        : termX + divergence.HybridTerm(x, p1, logP1) + divergence.HybridTerm(rest - x, p2, logP2);

    public double Slope(double x) => plain
        ? divergence.TermDerivative(x, p1) - divergence.TermDerivative(rest - x, p2)
        : divergence.HybridSlope(x, p1, logP1) - divergence.HybridSlope(rest - x, p2, logP2);
}

/// <summary>
/// A chord <c>q(t) = x + t v</c> through the ball, seen from an end <c>t_edge</c> of the simplex chord:
/// <c>g(delta) = D(x + (t_edge + sign delta) v || p)</c> with the point moving inward as <c>delta</c> grows; tilted terms as above.
/// </summary>
internal readonly ref struct ChordFunction(FDivergence divergence, ReadOnlySpan<double> p, ReadOnlySpan<double> logP, ReadOnlySpan<double> x, ReadOnlySpan<double> v, double edge, double sign) : IScalarFunction
{
    private readonly ReadOnlySpan<double> _p = p;
    private readonly ReadOnlySpan<double> _logP = logP;
    private readonly ReadOnlySpan<double> _x = x;
    private readonly ReadOnlySpan<double> _v = v;

    public double Value(double delta)
    {
        double t = edge + (sign * delta);
        double sum = 0.0;
        for (int i = 0; i < _p.Length; i++)
        {
            sum += divergence.HybridTerm(Math.Max(_x[i] + (t * _v[i]), 0.0), _p[i], _logP[i]);
        }

        return sum;
    }

    public double Slope(double delta)
    {
        double t = edge + (sign * delta);
        double sum = 0.0;
        for (int i = 0; i < _p.Length; i++)
        {
            if (_v[i] != 0.0)
            {
                sum += _v[i] * divergence.HybridSlope(Math.Max(_x[i] + (t * _v[i]), 0.0), _p[i], _logP[i]);
            }
        }

        return sign * sum;
    }
}
