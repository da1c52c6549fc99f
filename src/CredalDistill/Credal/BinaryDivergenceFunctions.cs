using CredalDistill.Divergences;
using CredalDistill.Numerics;

namespace CredalDistill.Credal;

/// <summary>
/// The binary divergence <c>d(t; p) = p f(t/p) + pc f((1-t)/pc)</c> seen from the edge <c>t = 0</c>:
/// <c>g(delta) = d(delta; p)</c>, with <c>1 - t</c> computed as <c>pc + (p - t)</c> to keep precision.
/// </summary>
internal readonly struct LowerEdgeFunction(IDivergence divergence, double p, double pc) : IScalarFunction
{
    public double Value(double x) => divergence.Term(x, p) + divergence.Term(pc + (p - x), pc);

    public double Slope(double x) => divergence.TermDerivative(x, p) - divergence.TermDerivative(pc + (p - x), pc);
}

/// <summary>
/// The binary divergence seen from the edge <c>t = 1</c>: <c>g(delta) = d(1 - delta; p)</c>, with
/// <c>t = p + (pc - delta)</c> and <c>1 - t = delta</c> exactly.
/// </summary>
internal readonly struct UpperEdgeFunction(IDivergence divergence, double p, double pc) : IScalarFunction
{
    public double Value(double x) => divergence.Term(p + (pc - x), p) + divergence.Term(x, pc);

    public double Slope(double x) => divergence.TermDerivative(x, pc) - divergence.TermDerivative(p + (pc - x), p);
}
