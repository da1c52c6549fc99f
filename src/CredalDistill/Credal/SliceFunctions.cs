using CredalDistill.Divergences;
using CredalDistill.Numerics;

namespace CredalDistill.Credal;

/// <summary>
/// A slice <c>q_0 = x</c> of a three-class ball, seen from the edge <c>q_2 = 0</c>:
/// <c>g(delta) = T(x, p_0) + T(R - delta, p_1) + T(delta, p_2)</c>, <c>R = 1 - x</c>, where <c>T(q, p) = p f(q/p)</c>.
/// </summary>
internal readonly struct SliceTowardSecond(IDivergence divergence, double termX, double rest, double p1, double p2) : IScalarFunction
{
    public double Value(double x) => termX + divergence.Term(rest - x, p1) + divergence.Term(x, p2);

    public double Slope(double x) => divergence.TermDerivative(x, p2) - divergence.TermDerivative(rest - x, p1);
}

/// <summary>The same slice seen from the edge <c>q_1 = 0</c>: <c>g(delta) = T(x, p_0) + T(delta, p_1) + T(R - delta, p_2)</c>.</summary>
internal readonly struct SliceTowardFirst(IDivergence divergence, double termX, double rest, double p1, double p2) : IScalarFunction
{
    public double Value(double x) => termX + divergence.Term(x, p1) + divergence.Term(rest - x, p2);

    public double Slope(double x) => divergence.TermDerivative(x, p1) - divergence.TermDerivative(rest - x, p2);
}

/// <summary>
/// A chord <c>q(t) = x + t v</c> through the ball, seen from an end <c>t_edge</c> of the simplex chord:
/// <c>g(delta) = D(x + (t_edge + sign delta) v || p)</c> with the point moving inward as <c>delta</c> grows.
/// </summary>
internal readonly ref struct ChordFunction(IDivergence divergence, ReadOnlySpan<double> p, ReadOnlySpan<double> x, ReadOnlySpan<double> v, double edge, double sign) : IScalarFunction
{
    private readonly ReadOnlySpan<double> _p = p;
    private readonly ReadOnlySpan<double> _x = x;
    private readonly ReadOnlySpan<double> _v = v;

    public double Value(double delta)
    {
        double t = edge + (sign * delta);
        double sum = 0.0;
        for (int i = 0; i < _p.Length; i++)
        {
            sum += divergence.Term(Math.Max(_x[i] + (t * _v[i]), 0.0), _p[i]);
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
                sum += _v[i] * divergence.TermDerivative(Math.Max(_x[i] + (t * _v[i]), 0.0), _p[i]);
            }
        }

        return sign * sum;
    }
}
