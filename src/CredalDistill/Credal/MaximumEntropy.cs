using CredalDistill.Divergences;
using CredalDistill.Numerics;
using CredalDistill.Validation;


namespace CredalDistill.Credal;

/// <summary>
/// The maximum-entropy member <c>argmax { H(q) : D(q || p) &lt;= gamma }</c> of the credal set (METHOD.md section 3.2).
/// <list type="bullet">
/// <item>KL: the edge output at a per-input temperature, <c>q_T ∝ p^(1/T)</c>, <c>T &gt;= 1</c> the root of
/// <c>KL(q_T || p) = gamma</c>; the uniform distribution on the support of <c>p</c> when that is inside the ball.</item>
/// <item>Total variation: water-filling, <c>q_k = min(max(p_k, low), high)</c> with <c>sum (p_k - high)_+ = gamma =
/// sum (low - p_k)_+</c>.</item>
/// <item>Other divergences: the Lagrange conditions <c>log q_k + lambda f'(q_k / p_k) = nu</c>, solved exactly by nested
/// monotone one-dimensional roots (per-class <c>q_k</c>, normalising <c>nu</c>, and <c>lambda</c> such that
/// <c>D(q || p) = gamma</c>).</item>
/// </list>
/// When the unconstrained maximiser (uniform on the classes the divergence allows) is inside the ball it is returned.
/// </summary>
public static class MaximumEntropy
{
    /// <summary>Writes the maximum-entropy member into <paramref name="destination"/>. Allocation-free.</summary>
    public static void Compute(IDivergence divergence, ReadOnlySpan<double> p, double gamma, Span<double> destination)
        => Compute(divergence, EdgeRow.FromProbabilities(p), gamma, destination);

    /// <summary>
    /// Writes the maximum-entropy member of the set around an edge output given as probabilities or logits
    /// (<see cref="EdgeRow"/>); for KL the tempered member is built from <c>log p</c>, so logits stay logits.
    /// </summary>
    public static void Compute(IDivergence divergence, EdgeRow edge, double gamma, Span<double> destination)
    {
        var f = CredalBounds.Resolve(divergence);
        Check.Gamma(gamma, nameof(gamma));
        Check.SameLength(edge.Classes, destination.Length, nameof(destination));
        int k = edge.Classes;
        using var lease = new ScratchLease();
        Span<double> work = k <= ScratchLease.StackDoubles ? stackalloc double[k] : lease.Rent(k);
        ComputeUnchecked(f, edge, gamma, destination, work);
    }

    /// <summary>
    /// For the KL ball: the per-input temperature <c>T &gt;= 1</c> with <c>KL(q_T || p) = gamma</c>,
    /// <c>q_T ∝ p^(1/T)</c>; +infinity when the uniform distribution on the support is inside the ball.
    /// </summary>
    public static double KlTemperature(ReadOnlySpan<double> p, double gamma)
    {
        var edge = EdgeRow.FromProbabilities(p);
        Check.Gamma(gamma, nameof(gamma));
        using var lease = new ScratchLease();
        Span<double> logP = p.Length <= ScratchLease.StackDoubles ? stackalloc double[p.Length] : lease.Rent(p.Length);
        edge.LogProbabilities(logP);
        double beta = KlInverseTemperature(logP, gamma);
        return beta > 0.0 ? 1.0 / beta : double.PositiveInfinity;
    }

    /// <summary>The member for a validated row; <paramref name="work"/> holds at least <c>K</c> doubles.</summary>
    internal static void ComputeUnchecked(FDivergence divergence, EdgeRow edge, double gamma, Span<double> destination, Span<double> work)
    {
        var scratch = work[..edge.Classes];
        if (divergence is KullbackLeibler)
        {
            edge.LogProbabilities(scratch);
            TemperedKl(scratch, gamma == 0.0 ? 1.0 : KlInverseTemperature(scratch, gamma), destination);
            return;
        }

        edge.Probabilities(scratch);
        ComputeFromProbabilities(divergence, scratch, gamma, destination);
    }

    private static void ComputeFromProbabilities(FDivergence divergence, ReadOnlySpan<double> p, double gamma, Span<double> destination)
    {
        if (gamma == 0.0)
        {
            p.CopyTo(destination);
            return;
        }

        if (divergence is TotalVariation)
        {
            WaterFilling(p, gamma, destination);
            return;
        }

        bool all = divergence.AllowsMassOutsideSupport;
        Uniform(p, all, destination);
        if (RobustDivergence(divergence, destination, p) <= gamma)
        {
            return;
        }

        Lagrange(divergence, p, gamma, destination);
    }

    /// <summary>Uniform over all classes, or over the support of <paramref name="p"/>.</summary>
    internal static void Uniform(ReadOnlySpan<double> p, bool allClasses, Span<double> destination)
    {
        int m = 0;
        for (int k = 0; k < p.Length; k++)
        {
            if (allClasses || p[k] > 0.0)
            {
                m++;
            }
        }

        for (int k = 0; k < p.Length; k++)
        {
            destination[k] = allClasses || p[k] > 0.0 ? 1.0 / m : 0.0;
        }
    }

    // ---------------------------------------------------------------- KL: per-input temperature

    /// <summary>The inverse temperature <c>beta = 1/T</c> in [0, 1] from log-probabilities (entries -inf are outside the support).</summary>
    internal static double KlInverseTemperature(ReadOnlySpan<double> logP, double gamma)
    {
        var h = new TemperedKlFunction(logP);
        double atUniform = h.Value(0.0);
        if (atUniform <= gamma)
        {
            return 0.0;
        }

        if (gamma == 0.0)
        {
            return 1.0;
        }

        return MonotoneRoot.Solve(ref h, 0.0, 1.0, atUniform - gamma, -gamma, gamma, 1e-12 * gamma);
    }

    /// <summary><c>q_k = exp(beta log p_k) / sum_j exp(beta log p_j)</c> over the support (stable: the largest exponent is subtracted).</summary>
    internal static void TemperedKl(ReadOnlySpan<double> logP, double beta, Span<double> destination)
    {
        double max = double.NegativeInfinity;
        for (int k = 0; k < logP.Length; k++)
        {
            if (!double.IsNegativeInfinity(logP[k]))
            {
                max = Math.Max(max, beta * logP[k]);
            }
        }

        double sum = 0.0;
        for (int k = 0; k < logP.Length; k++)
        {
            double v = double.IsNegativeInfinity(logP[k]) ? 0.0 : Math.Exp((beta * logP[k]) - max);
            destination[k] = v;
            sum += v;
        }

        for (int k = 0; k < logP.Length; k++)
        {
            destination[k] /= sum;
        }
    }

    /// <summary><c>h(beta) = KL(q_beta || p)</c> with <c>q_beta ∝ p^beta</c>; <c>h'(beta) = (beta - 1) Var_q(log p)</c>.</summary>
    private readonly ref struct TemperedKlFunction(ReadOnlySpan<double> logP) : IScalarFunction
    {
        private readonly ReadOnlySpan<double> _logP = logP;

        /// <summary>
        /// <c>sum_k p_k phi(q_k / p_k)</c> with the tilted KL generator (non-negative terms, <see cref="FDivergence.LogTerm(double, double)"/>), not
        /// <c>(beta - 1) E_q[log p] - log Z</c>, which cancels to an absolute error of about 1e-16 and so misses a small gamma.
        /// </summary>
        public double Value(double beta)
        {
            Moments(beta, out double logZ, out _, out _);
            double sum = 0.0;
            for (int k = 0; k < _logP.Length; k++)
            {
                double lp = _logP[k];
                if (!double.IsNegativeInfinity(lp))
                {
                    sum += KullbackLeibler.Instance.LogTerm(lp, (beta * lp) - logZ);
                }
            }

            return sum;
        }

        public double Slope(double beta)
        {
            Moments(beta, out _, out _, out double variance);
            return (beta - 1.0) * variance;
        }

        private void Moments(double beta, out double logZ, out double mean, out double variance)
        {
            double max = double.NegativeInfinity;
            for (int k = 0; k < _logP.Length; k++)
            {
                if (!double.IsNegativeInfinity(_logP[k]))
                {
                    max = Math.Max(max, beta * _logP[k]);
                }
            }

            double z = 0.0;
            double s1 = 0.0;
            double s2 = 0.0;
            for (int k = 0; k < _logP.Length; k++)
            {
                double lp = _logP[k];
                if (!double.IsNegativeInfinity(lp))
                {
                    double w = Math.Exp((beta * lp) - max);
                    z += w;
                    s1 += w * lp;
                    s2 += w * lp * lp;
                }
            }

            logZ = max + Math.Log(z);
            mean = s1 / z;
            variance = Math.Max(0.0, (s2 / z) - (mean * mean));
        }
    }

    // ---------------------------------------------------------------- TV: water-filling

    internal static void WaterFilling(ReadOnlySpan<double> p, double gamma, Span<double> destination)
    {
        int n = p.Length;
        double uniform = 1.0 / n;
        double distance = 0.0;
        for (int k = 0; k < n; k++)
        {
            distance += Math.Abs(p[k] - uniform);
        }

        if (0.5 * distance <= gamma)
        {
            destination.Fill(uniform);
            return;
        }

        double high = Level(p, gamma, top: true);
        double low = Level(p, gamma, top: false);
        for (int k = 0; k < n; k++)
        {
            destination[k] = Math.Min(Math.Max(p[k], low), high);
        }
    }

    /// <summary>The level <c>h</c> with <c>sum (p_k - h)_+ = gamma</c> (top) or <c>sum (h - p_k)_+ = gamma</c> (bottom), exact on the active set.</summary>
    private static double Level(ReadOnlySpan<double> p, double gamma, bool top)
    {
        double lo = 0.0;
        double hi = 1.0;
        for (int iteration = 0; iteration < 80; iteration++)
        {
            double mid = 0.5 * (lo + hi);
            double moved = 0.0;
            for (int k = 0; k < p.Length; k++)
            {
                moved += top ? Math.Max(p[k] - mid, 0.0) : Math.Max(mid - p[k], 0.0);
            }

            bool tooMuch = moved > gamma;
            if (top == tooMuch)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        // Exact solve on the active set found by bisection.
        double level = 0.5 * (lo + hi);
        double sum = 0.0;
        int count = 0;
        for (int k = 0; k < p.Length; k++)
        {
            if (top ? p[k] > level : p[k] < level)
            {
                sum += p[k];
                count++;
            }
        }

        return count == 0 ? level : (top ? (sum - gamma) / count : (sum + gamma) / count);
    }

    // ---------------------------------------------------------------- Generic f-divergence: Lagrange conditions

    private static void Lagrange(FDivergence divergence, ReadOnlySpan<double> p, double gamma, Span<double> q)
    {
        // D(q(lambda) || p) decreases from D(uniform || p) > gamma (lambda -> 0) to 0 (lambda -> inf).
        // Bracket x = log(lambda), then safeguarded Newton with the exact derivative (implicit differentiation).
        Span<double> last = stackalloc double[1];
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
    /// <c>g_k = f'(q_k / p_k)</c>, <c>dD/dlambda = -(sum w g^2 - (sum w g)^2 / sum w)</c>.
    /// </summary>
    private readonly ref struct LagrangeFunction(IDivergence divergence, ReadOnlySpan<double> p, Span<double> q, Span<double> last) : IScalarFunction
    {
        private readonly ReadOnlySpan<double> _p = p;
        private readonly Span<double> _q = q;
        private readonly Span<double> _last = last;

        public double Value(double x)
        {
            _last[0] = x;
            return Evaluate(divergence, _p, Math.Exp(x), _q);
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

    /// <summary>Fills <paramref name="q"/> with the stationary point for multiplier <paramref name="lambda"/> and returns <c>D(q || p)</c>.</summary>
    private static double Evaluate(IDivergence divergence, ReadOnlySpan<double> p, double lambda, Span<double> q)
    {
        // Normalising constant nu: S(nu) = sum_k q_k(nu) = 1, S increasing.
        Span<double> last = stackalloc double[1];
        var s = new NormaliserFunction(divergence, p, lambda, q, last);
        double nu = -Math.Log(p.Length);
        double snu = s.Value(nu) - 1.0;
        double step = 1.0;
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
    private readonly ref struct NormaliserFunction(IDivergence divergence, ReadOnlySpan<double> p, double lambda, Span<double> q, Span<double> last) : IScalarFunction
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
    private static double ClassMass(IDivergence divergence, double pk, double lambda, double nu, double guess)
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
    private static double RobustDivergence(FDivergence divergence, ReadOnlySpan<double> q, ReadOnlySpan<double> p)
    {
        double sum = 0.0;
        for (int k = 0; k < p.Length; k++)
        {
            sum += divergence.HybridTerm(q[k], p[k], p[k] > 0.0 ? Math.Log(p[k]) : double.NegativeInfinity);
        }

        return sum > 0.0 ? sum : 0.0;
    }
}
