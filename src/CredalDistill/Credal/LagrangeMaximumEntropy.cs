using CredalDistill.Divergences;
using CredalDistill.Numerics;

namespace CredalDistill.Credal;

/// <summary>
/// Maximum entropy in the ball of a divergence other than KL and total variation: the Lagrange conditions
/// <c>log q_k + lambda f'(q_k / p_k) = nu</c>, solved exactly by nested monotone one-dimensional roots (per-class <c>q_k</c>,
/// the normalising <c>nu</c>, and <c>lambda</c> such that <c>D(q || p) = gamma</c>).
/// </summary>
internal static class LagrangeMaximumEntropy
{
    /// <summary>Writes the member solving the Lagrange conditions with <c>D(q || p) = gamma</c> (the uniform member is outside the ball).</summary>
    internal static void Compute(FDivergence divergence, ReadOnlySpan<double> p, double gamma, Span<double> q)
    {
        // D(q(lambda) || p) decreases from D(uniform || p) > gamma (lambda -> 0) to 0 (lambda -> inf).
        // Bracket x = log(lambda), then safeguarded Newton with the exact derivative (implicit differentiation).
        Span<double> last = stackalloc double[2];
        last[1] = double.NaN; // no normaliser yet
        var g = new LagrangeFunction(divergence, p, q, last);
        double lo = 0.0;
        double dLo = g.Value(lo) - gamma;
        double hi = lo;
        double dHi = dLo;
        if (dLo > 0.0)
        {
            for (hi = lo + 2.0; hi < 700.0; hi += 2.0)
            {
                dHi = g.Value(hi) - gamma;
                if (dHi <= 0.0)
                {
                    break;
                }

                lo = hi;
                dLo = dHi;
            }
        }
        else
        {
            for (lo = hi - 2.0; lo > -700.0; lo -= 2.0)
            {
                dLo = g.Value(lo) - gamma;
                if (dLo > 0.0)
                {
                    break;
                }

                hi = lo;
                dHi = dLo;
            }
        }

        double x = MonotoneRoot.Solve(ref g, lo, hi, dLo, dHi, gamma, 1e-12 * gamma);
        g.Value(x);
    }

    /// <summary>
    /// <c>D(q(lambda) || p)</c> as a function of <c>x = log lambda</c>, writing <c>q(lambda)</c>. Its derivative by implicit
    /// differentiation of the stationarity conditions: with <c>w_k = q_k / (1 + lambda q_k f''(q_k/p_k)/p_k)</c> and
    /// <c>g_k = f'(q_k / p_k)</c>, <c>dD/dlambda = -(sum w g^2 - (sum w g)^2 / sum w)</c>. <c>last</c> holds the latest
    /// <c>x</c> and its normaliser <c>nu</c>, the warm start of the next one.
    /// </summary>
    private readonly ref struct LagrangeFunction(FDivergence divergence, ReadOnlySpan<double> p, Span<double> q, Span<double> last) : IScalarFunction
    {
        private readonly ReadOnlySpan<double> _p = p;
        private readonly Span<double> _q = q;
        private readonly Span<double> _last = last;

        public double Value(double x)
        {
            _last[0] = x;
            return Evaluate(divergence, _p, Math.Exp(x), _q, ref _last[1]);
        }

        public double Slope(double x)
        {
            if (_last[0] != x)
            {
                Value(x);
            }

            double lambda = Math.Exp(x);
            double sw = 0.0;
            double swg = 0.0;
            double swg2 = 0.0;
            for (int k = 0; k < _p.Length; k++)
            {
                double qk = _q[k];
                if (!(qk > 0.0))
                {
                    continue;
                }

                double w = qk / (1.0 + (lambda * qk * divergence.TermSecondDerivative(qk, _p[k])));
                double gk = divergence.TermDerivative(qk, _p[k]);
                sw += w;
                swg += w * gk;
                swg2 += w * gk * gk;
            }

            return sw > 0.0 ? -lambda * (swg2 - (swg * swg / sw)) : 0.0;
        }
    }

    /// <summary>
    /// Fills <paramref name="q"/> with the stationary point for multiplier <paramref name="lambda"/> and returns <c>D(q || p)</c>;
    /// <paramref name="nu"/> is the normaliser of the previous multiplier (NaN for none) and receives this one's.
    /// </summary>
    private static double Evaluate(FDivergence divergence, ReadOnlySpan<double> p, double lambda, Span<double> q, ref double nu)
    {
        // Normalising constant nu: S(nu) = sum_k q_k(nu) = 1, S increasing. From the previous multiplier's nu the bracket
        // opens with twice the Newton distance (S' is a pass over the classes without solves) instead of a unit step.
        Span<double> last = stackalloc double[1];
        var s = new NormaliserFunction(divergence, p, lambda, q, last);
        bool warm = double.IsFinite(nu);
        nu = warm ? nu : -Math.Log(p.Length);
        double snu = s.Value(nu) - 1.0;
        double newton = warm ? 2.0 * Math.Abs(snu / s.Slope(nu)) : double.NaN;
        double step = double.IsFinite(newton) && newton > 0.0 ? Math.Min(newton, 1.0) : 1.0;
        double a = nu;
        double sa = snu;
        double b = nu;
        double sb = snu;
        for (int i = 0; i < 200 && sa * sb > 0.0; i++)
        {
            if (sa > 0.0)
            {
                a -= step;
                sa = s.Value(a) - 1.0;
            }
            else
            {
                b += step;
                sb = s.Value(b) - 1.0;
            }

            step *= 2.0;
        }

        nu = MonotoneRoot.Solve(ref s, a, b, sa, sb, 1.0, 1e-15);
        double total = s.Value(nu);
        for (int k = 0; k < q.Length; k++)
        {
            q[k] /= total;
        }

        return RobustDivergence((FDivergence)divergence, q, p);
    }

    /// <summary><c>S(nu) = sum_k q_k(nu)</c>, where <c>log q_k + lambda f'(q_k / p_k) = nu</c>; writes the <c>q_k</c>.</summary>
    private readonly ref struct NormaliserFunction(FDivergence divergence, ReadOnlySpan<double> p, double lambda, Span<double> q, Span<double> last) : IScalarFunction
    {
        private readonly ReadOnlySpan<double> _p = p;
        private readonly Span<double> _q = q;
        private readonly Span<double> _last = last;

        public double Value(double nu)
        {
            _last[0] = nu;
            double sum = 0.0;
            for (int k = 0; k < _p.Length; k++)
            {
                _q[k] = ClassMass(divergence, _p[k], lambda, nu, _q[k]);
                sum += _q[k];
            }

            return sum;
        }

        public double Slope(double nu)
        {
            // dq_k/dnu = q_k / (1 + lambda q_k f''(q_k/p_k)/p_k), from the q_k at nu.
            if (_last[0] != nu)
            {
                Value(nu);
            }

            double sum = 0.0;
            for (int k = 0; k < _p.Length; k++)
            {
                double qk = _q[k];
                if (qk > 0.0)
                {
                    sum += qk / (1.0 + (lambda * qk * divergence.TermSecondDerivative(qk, _p[k])));
                }
            }

            return sum;
        }
    }

    /// <summary>Solves <c>x + lambda f'(e^x / p) = nu</c> for <c>x = log q</c> (increasing in x) and returns <c>q</c>.</summary>
    private static double ClassMass(FDivergence divergence, double pk, double lambda, double nu, double guess)
    {
        if (pk <= 0.0)
        {
            return divergence.AllowsMassOutsideSupport ? Math.Exp(Math.Min(nu - (lambda * divergence.SlopeAtInfinity), 700.0)) : 0.0;
        }

        // phi(x) = x + lambda f'(e^x / p) is increasing; its root lies between log p and nu - lambda f'(1).
        double xp = Math.Log(pk);
        double other = nu - (lambda * divergence.TermDerivative(pk, pk));
        double lo = Math.Min(xp, other);
        double hi = Math.Max(xp, other);
        if (lo == hi)
        {
            return pk;
        }

        // Safeguarded Newton, warm-started from the previous mass of this class.
        double x = guess > 0.0 ? Math.Clamp(Math.Log(guess), lo, hi) : 0.5 * (lo + hi);
        double tolerance = 1e-15 * Math.Max(1.0, Math.Abs(nu));
        for (int iteration = 0; iteration < 200; iteration++)
        {
            double q = Math.Exp(x);
            double f = x + (lambda * divergence.TermDerivative(q, pk)) - nu;
            if (Math.Abs(f) <= tolerance)
            {
                break;
            }

            if (f < 0.0)
            {
                lo = x;
            }
            else
            {
                hi = x;
            }

            double slope = 1.0 + (lambda * q * divergence.TermSecondDerivative(q, pk));
            double next = x - (f / slope);
            if (!(next > lo && next < hi))
            {
                next = 0.5 * (lo + hi);
            }

            if (Math.Abs(next - x) <= 1e-15 * (1.0 + Math.Abs(x)))
            {
                x = next;
                break;
            }

            x = next;
        }

        return Math.Exp(Math.Min(x, 700.0));
    }

    /// <summary>
    /// <c>D(q || p)</c> with the tilted terms of <see cref="FDivergence.HybridTerm"/>: a probability below double's normal range
    /// (subnormal after a large logit gap) is taken through its logarithm, so <c>p^(1 - a)</c> cannot overflow.
    /// </summary>
    internal static double RobustDivergence(FDivergence divergence, ReadOnlySpan<double> q, ReadOnlySpan<double> p)
    {
        double sum = 0.0;
        for (int k = 0; k < p.Length; k++)
        {
            sum += divergence.HybridTerm(q[k], p[k], p[k] > 0.0 ? Math.Log(p[k]) : double.NegativeInfinity);
        }

        return sum > 0.0 ? sum : 0.0;
    }
}
