using CredalDistill.Divergences;
using CredalDistill.Numerics;

namespace CredalDistill.Credal;

/// <summary>
/// Maximum entropy in the KL ball (METHOD.md section 3.2): the edge output at a per-input temperature,
/// <c>q_beta ∝ p^beta = exp(beta log p)</c>, <c>beta = 1/T</c> in [0, 1] the root of <c>KL(q_beta || p) = gamma</c> (0, the
/// uniform distribution on the support, when that is inside the ball); built from <c>log p</c>, so logits stay logits.
/// </summary>
internal static class TemperedMaximumEntropy
{
    /// <summary>The inverse temperature <c>beta = 1/T</c> in [0, 1] from log-probabilities (entries -inf are outside the support).</summary>
    internal static double InverseTemperature(ReadOnlySpan<double> logP, double gamma)
    {
        Span<double> last = stackalloc double[2];
        var h = new TemperedKlFunction(logP, last, gamma);
        double atUniform = h.Value(0.0);
        if (atUniform <= gamma)
        {
            return 0.0;
        }

        if (gamma == 0.0)
        {
            return 1.0;
        }

        // Start from the quadratic model h(beta) ~ (1 - beta)^2 Var_p(log p) / 2 (exact to second order at beta = 1): one
        // evaluation there splits [0, 1], and Newton from that end of the bracket needs two or three steps.
        double tolerance = 1e-12 * gamma;
        double start = 1.0 - Math.Sqrt(2.0 * gamma / h.Variance(1.0));
        if (start > 0.0 && start < 1.0)
        {
            double g = h.Value(start) - gamma;
            if (Math.Abs(g) <= tolerance)
            {
                return start;
            }

            return g > 0.0
                ? MonotoneRoot.Solve(ref h, start, 1.0, g, -gamma, gamma, tolerance)
                : MonotoneRoot.Solve(ref h, 0.0, start, atUniform - gamma, g, gamma, tolerance);
        }

        return MonotoneRoot.Solve(ref h, 0.0, 1.0, atUniform - gamma, -gamma, gamma, tolerance);
    }

    /// <summary><c>q_k = exp(beta log p_k) / sum_j exp(beta log p_j)</c> over the support (stable: the largest exponent is subtracted).</summary>
    internal static void Tempered(ReadOnlySpan<double> logP, double beta, Span<double> destination)
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

    /// <summary>
    /// <c>h(beta) = KL(q_beta || p)</c> with <c>q_beta ∝ p^beta</c>; <c>h'(beta) = (beta - 1) Var_q(log p)</c>. <c>last</c> keeps
    /// the <c>beta</c> of the latest value and <c>Var_q(log p)</c> there, so the slope at that point costs nothing.
    /// </summary>
    private readonly ref struct TemperedKlFunction(ReadOnlySpan<double> logP, Span<double> last, double gamma) : IScalarFunction
    {
        private const double Eps = 2.220446049250313e-16;

        private readonly ReadOnlySpan<double> _logP = logP;
        private readonly Span<double> _last = last;
        private readonly double _gamma = gamma;

        /// <summary>
        /// <c>h(beta)</c>. Far from the level it is the closed form <c>(beta - 1) E_q[log p] - log Z</c> from the moments (no
        /// further exponential): used only when its rounding bound <c>4 eps (K + 2M + 4)(1 + |beta - 1| |E_q[log p]| + |log Z|)</c>
        /// (<c>M = max |beta log p_k|</c>) is below a thousandth of its distance to gamma and that distance exceeds
        /// <c>1e-9 gamma</c>, so the sign (the bracket) is certain and a Newton step from it is as good. Otherwise, and so
        /// for every value the solver accepts, <c>sum_k p_k phi(q_k / p_k)</c> with the tilted KL generator (non-negative
        /// terms, <see cref="FDivergence.LogTerm(double, double)"/>): the closed form cancels to an absolute error of about
        /// 1e-16 and so misses a small gamma.
        /// </summary>
        public double Value(double beta)
        {
            Moments(beta, out double logZ, out double mean, out double variance, out double reach);
            _last[0] = beta;
            _last[1] = variance;
            double closed = ((beta - 1.0) * mean) - logZ;
            double error = 4.0 * Eps * (_logP.Length + (2.0 * reach) + 4.0) * (1.0 + Math.Abs((beta - 1.0) * mean) + Math.Abs(logZ));
            double distance = Math.Abs(closed - _gamma);
            if (distance > 1e-9 * _gamma && error <= 1e-3 * distance)
            {
                return closed;
            }

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

        /// <summary><c>Var_q(log p)</c> at <paramref name="beta"/> (the moments alone; also the slope's cache).</summary>
        public double Variance(double beta)
        {
            Moments(beta, out _, out _, out double variance, out _);
            _last[0] = beta;
            _last[1] = variance;
            return variance;
        }

        public double Slope(double beta)
        {
            if (_last[0] != beta)
            {
                Value(beta);
            }

            return (beta - 1.0) * _last[1];
        }

        /// <summary>The moments of <c>log p</c> under <c>q_beta</c>, and <c>M = max |beta log p_k|</c> over the support.</summary>
        private void Moments(double beta, out double logZ, out double mean, out double variance, out double reach)
        {
            double max = double.NegativeInfinity;
            double min = 0.0;
            for (int k = 0; k < _logP.Length; k++)
            {
                if (!double.IsNegativeInfinity(_logP[k]))
                {
                    max = Math.Max(max, beta * _logP[k]);
                    min = Math.Min(min, beta * _logP[k]);
                }
            }

            reach = Math.Max(Math.Abs(max), -min);

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
}
