using System.Runtime.Intrinsics;
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
    /// <param name="logP">Log-probabilities.</param>
    /// <param name="gamma">The radius.</param>
    /// <param name="weights">Scratch of <c>K</c> doubles (the unnormalised tempered weights of each evaluation).</param>
    /// <param name="probabilities">The row as probabilities (any positive scale) when it came so, or empty: the start's
    /// <c>Var_p(log p)</c> is then taken from them without exponentials.</param>
    internal static double InverseTemperature(ReadOnlySpan<double> logP, double gamma, Span<double> weights, ReadOnlySpan<double> probabilities = default)
        => InverseTemperature(logP, gamma, weights, probabilities, out _);

    /// <summary>
    /// <see cref="InverseTemperature(ReadOnlySpan{double}, double, Span{double}, ReadOnlySpan{double})"/>;
    /// <paramref name="weightsReady"/> tells whether <paramref name="weights"/> holds the unnormalised tempered weights
    /// <c>exp(beta log p_k - max_j beta log p_j)</c> of the returned <c>beta</c> (its last evaluation), as
    /// <see cref="Tempered"/> would compute them.
    /// </summary>
    internal static double InverseTemperature(ReadOnlySpan<double> logP, double gamma, Span<double> weights, ReadOnlySpan<double> probabilities, out bool weightsReady)
    {
        Span<double> last = stackalloc double[3];
        last[0] = double.NaN; // no evaluation yet
        var h = new TemperedKlFunction(logP, weights, last, gamma);
        double beta = Solve(ref h, logP, gamma, probabilities);
        weightsReady = last[0] == beta;
        return beta;
    }

    private static double Solve(ref TemperedKlFunction h, ReadOnlySpan<double> logP, double gamma, ReadOnlySpan<double> probabilities)
    {
        double atUniform = h.AtUniform();
        if (atUniform <= gamma)
        {
            return 0.0;
        }

        if (gamma == 0.0)
        {
            return 1.0;
        }

        // Newton on log h(beta) = log gamma: near a one-hot edge h grows by orders of magnitude over [0, 1] and Newton on h
        // itself overshoots for several steps, while log h is close to linear there (and to 2 log(1 - beta) near 1).
        // |log h - log gamma| <= 0.999e-12 gives |h - gamma| <= 1e-12 gamma. Start from the quadratic model
        // h(beta) ~ (1 - beta)^2 Var_p(log p) / 2 (exact to second order at beta = 1): one evaluation there splits [0, 1],
        // and Newton continues from it (its slope comes with the value).
        double logGamma = Math.Log(gamma);
        double tolerance = 0.999e-12;
        // Where the model puts the root outside (0, 1) (a near one-hot edge: little variance under p), the midpoint instead.
        double start = 1.0 - Math.Sqrt(2.0 * gamma / (probabilities.IsEmpty ? h.Variance(1.0) : Variance(logP, probabilities)));
        start = start > 0.0 && start < 1.0 ? start : 0.5;
        double g = h.Value(start) - logGamma;
        if (Math.Abs(g) <= tolerance)
        {
            return start;
        }

        return g > 0.0
            ? MonotoneRoot.Solve(ref h, start, 1.0, g, double.NegativeInfinity, logGamma, tolerance)
            : MonotoneRoot.Solve(ref h, 0.0, start, Math.Log(atUniform) - logGamma, g, logGamma, tolerance);
    }

    /// <summary><c>Var_p(log p)</c> with weights <c>p_k</c> given directly (normalised here); classes outside the support are skipped.</summary>
    private static double Variance(ReadOnlySpan<double> logP, ReadOnlySpan<double> p)
    {
        WeightedMoments(logP, p, out _, out _, out double variance);
        return variance;
    }

    /// <summary>
    /// The total weight <c>z = sum_k w_k</c> and the mean and variance of <c>log p</c> under the weights <c>w_k / z</c>, over
    /// the support.
    /// </summary>
    private static void WeightedMoments(ReadOnlySpan<double> logP, ReadOnlySpan<double> w, out double z, out double mean, out double variance)
    {
        z = 0.0;
        double s1 = 0.0;
        double s2 = 0.0;
        for (int k = 0; k < logP.Length; k++)
        {
            double lp = logP[k];
            if (!double.IsNegativeInfinity(lp))
            {
                z += w[k];
                s1 += w[k] * lp;
                s2 += w[k] * lp * lp;
            }
        }

        mean = s1 / z;
        variance = Math.Max(0.0, (s2 / z) - (mean * mean));
    }

    /// <summary>
    /// <c>q_k = exp(beta log p_k) / sum_j exp(beta log p_j)</c> over the support (stable: the largest exponent is subtracted);
    /// with <paramref name="weightsReady"/> <paramref name="destination"/> already holds the unnormalised weights.
    /// </summary>
    internal static void Tempered(ReadOnlySpan<double> logP, double beta, Span<double> destination, bool weightsReady = false)
    {
        double max = double.NegativeInfinity;
        for (int k = 0; k < logP.Length; k++)
        {
            if (!double.IsNegativeInfinity(logP[k]))
            {
                max = Math.Max(max, beta * logP[k]);
            }
        }

        if (!weightsReady)
        {
            VectorLogMath.ExpAffine(logP, beta, max, destination);
        }

        double sum = 0.0;
        for (int k = 0; k < logP.Length; k++)
        {
            sum += destination[k];
        }

        for (int k = 0; k < logP.Length; k++)
        {
            destination[k] /= sum;
        }
    }

    /// <summary>
    /// <c>log h(beta)</c>, <c>h(beta) = KL(q_beta || p)</c> with <c>q_beta ∝ p^beta</c>; <c>h'(beta) = (beta - 1) Var_q(log p)</c>,
    /// so the slope is <c>h' / h</c>. <c>last</c> keeps the <c>beta</c> of the latest value, <c>Var_q(log p)</c> and <c>h</c>
    /// there, so the slope at that point costs nothing.
    /// </summary>
    private readonly ref struct TemperedKlFunction(ReadOnlySpan<double> logP, Span<double> weights, Span<double> last, double gamma) : IScalarFunction
    {
        private const double Eps = 2.220446049250313e-16;

        private readonly ReadOnlySpan<double> _logP = logP;
        private readonly Span<double> _weights = weights;
        private readonly Span<double> _last = last;
        private readonly double _gamma = gamma;

        /// <summary><c>log h(beta)</c> (<see cref="KlAt"/>).</summary>
        public double Value(double beta) => Math.Log(KlAt(beta));

        /// <summary>
        /// <c>h(beta)</c>. Far from the level it is the closed form <c>(beta - 1) E_q[log p] - log Z</c> from the moments (no
        /// further exponential): used only when its rounding bound <c>4 eps (K + 2M + 4)(1 + |beta - 1| |E_q[log p]| + |log Z|)</c>
        /// (<c>M = max |beta log p_k|</c>) is below a thousandth of its distance to gamma and that distance exceeds
        /// <c>1e-9 gamma</c>, so the sign (the bracket) is certain and a Newton step from it is as good. Otherwise, and so
        /// for every value the solver accepts, <c>sum_k p_k phi(q_k / p_k)</c> with the tilted KL generator (non-negative
        /// terms, <see cref="FDivergence.LogTerm(double, double)"/>): the closed form cancels to an absolute error of about
        /// 1e-16 and so misses a small gamma.
        /// </summary>
        private double KlAt(double beta)
        {
            Moments(beta, out double logZ, out double mean, out double variance, out double reach);
            _last[0] = beta;
            _last[1] = variance;
            double closed = ((beta - 1.0) * mean) - logZ;
            double error = 4.0 * Eps * (_logP.Length + (2.0 * reach) + 4.0) * (1.0 + Math.Abs((beta - 1.0) * mean) + Math.Abs(logZ));
            double distance = Math.Abs(closed - _gamma);
            _last[2] = distance > 1e-9 * _gamma && error <= 1e-3 * distance && closed > 2.0 * error ? closed : Exact(beta, logZ);
            return _last[2];
        }

        /// <summary>
        /// <c>h(0) = KL(uniform on the support || p) = -log m - mean_k log p_k</c> (no exponential), under the same rounding
        /// rule as <see cref="Value"/> (bound <c>4 eps (m + 4)(1 + |mean| + log m)</c>); the exact term sum otherwise.
        /// </summary>
        public double AtUniform()
        {
            int m = 0;
            double sum = 0.0;
            foreach (double lp in _logP)
            {
                if (!double.IsNegativeInfinity(lp))
                {
                    m++;
                    sum += lp;
                }
            }

            double mean = sum / m;
            double logM = Math.Log(m);
            double closed = -logM - mean;
            double error = 4.0 * Eps * (m + 4.0) * (1.0 + Math.Abs(mean) + logM);
            double distance = Math.Abs(closed - _gamma);
            return distance > 1e-9 * _gamma && error <= 1e-3 * distance ? closed : KlAt(0.0);
        }

        /// <summary>
        /// <c>sum_k p_k phi(q_k / p_k)</c> over the support, <c>log q_k = beta log p_k - log Z</c>: each term
        /// <see cref="FDivergence.LogTerm(double, double)"/> (scale <c>p_k</c> or <c>q_k</c>, whichever is larger, times the
        /// tilted generator), four classes at a time where <see cref="Vector256"/> runs in hardware.
        /// </summary>
        private double Exact(double beta, double logZ)
        {
            double sum = 0.0;
            int k = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                var minusInfinity = Vector256.Create(double.NegativeInfinity);
                var total = Vector256<double>.Zero;
                Span<double> tail = stackalloc double[4];
                for (; k < _logP.Length; k += 4)
                {
                    int lanes = Math.Min(4, _logP.Length - k);
                    tail.Fill(double.NegativeInfinity);
                    _logP.Slice(k, lanes).CopyTo(tail);
                    var lp = Vector256.Create(tail);
                    var outside = Vector256.Equals(lp, minusInfinity);
                    lp = Vector256.ConditionalSelect(outside, Vector256<double>.Zero, lp);
                    var logQ = (Vector256.Create(beta) * lp) - Vector256.Create(logZ);
                    var x = logQ - lp;
                    var scale = Vector256.Exp(Vector256.ConditionalSelect(Vector256.LessThanOrEqual(x, Vector256<double>.Zero), lp, logQ));
                    total += Vector256.AndNot(KlTableBounds.Term(x, scale, scale), outside);
                }

                return Vector256.Sum(total);
            }

            for (; k < _logP.Length; k++)
            {
                double lp = _logP[k];
                if (!double.IsNegativeInfinity(lp))
                {
                    sum += KullbackLeibler.Instance.LogTerm(lp, (beta * lp) - logZ);
                }
            }

            return sum;
        }

        /// <summary><c>Var_q(log p)</c> at <paramref name="beta"/> (the moments alone; <c>h</c> is not known there, so the slope's cache is cleared).</summary>
        public double Variance(double beta)
        {
            Moments(beta, out _, out _, out double variance, out _);
            _last[0] = double.NaN; // h is not cached: a slope here evaluates it
            return variance;
        }

        public double Slope(double beta)
        {
            if (_last[0] != beta)
            {
                Value(beta);
            }

            return (beta - 1.0) * _last[1] / _last[2];
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

            VectorLogMath.ExpAffine(_logP, beta, max, _weights);
            WeightedMoments(_logP, _weights, out double z, out mean, out variance);
            logZ = max + Math.Log(z);
        }
    }
}
