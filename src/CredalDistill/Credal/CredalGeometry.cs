using CredalDistill.Divergences;
using CredalDistill.Numerics;

namespace CredalDistill.Credal;

/// <summary>
/// Integrals over the credal ball <c>{ q : D(q || p) &lt;= gamma }</c> under the uniform (Lebesgue) measure on the simplex:
/// exact quadrature for three classes, seeded hit-and-run / uniform sampling above.
/// </summary>
internal static class CredalGeometry
{
    /// <summary>Batch means behind the hit-and-run standard error.</summary>
    internal const int Batches = 10;

    private const int Panels = 6;

    /// <summary>
    /// Three-class ball in coordinates <c>(x, y) = (q_0, q_1)</c>: area and first moments
    /// <c>A = int w(x) dx</c>, <c>M_x = int x w(x) dx</c>, <c>M_y = int (b^2 - a^2)/2 dx</c>, where the slice at <c>q_0 = x</c>
    /// is <c>y in [a(x), b(x)]</c>. The substitution <c>x = l + (u - l)(1 - cos phi)/2</c> removes the square-root
    /// behaviour of the width at the ends, then composite 24-point Gauss-Legendre on <c>phi in [0, pi]</c>.
    /// </summary>
    public static void TriangleMoments(FDivergence divergence, ReadOnlySpan<double> logP, double gamma, out double area, out double momentX, out double momentY)
    {
        double logRest0 = LogMath.Add(logP[1], logP[2]);
        double upperX = BinaryBound.Solve(divergence, logP[0], logRest0, gamma).T;
        double lowerX = BinaryBound.Solve(divergence, logRest0, logP[0], gamma).S;
        area = 0.0;
        momentX = 0.0;
        momentY = 0.0;
        if (!(upperX > lowerX))
        {
            return;
        }

        var row = new TriangleRow(logP);
        var rule = GaussLegendre.Rule24;
        double half = 0.5 * (upperX - lowerX);
        double panelWidth = Math.PI / Panels;
        for (int panel = 0; panel < Panels; panel++)
        {
            double phiMid = (panel + 0.5) * panelWidth;
            for (int i = 0; i < rule.Nodes.Length; i++)
            {
                double phi = phiMid + (0.5 * panelWidth * rule.Nodes[i]);
                double weight = 0.5 * panelWidth * rule.Weights[i] * half * Math.Sin(phi);
                double x = lowerX + (half * (1.0 - Math.Cos(phi)));
                Slice(divergence, x, row, gamma, out double a, out double b);
                double w = b - a;
                area += weight * w;
                momentX += weight * x * w;
                momentY += weight * 0.5 * (b - a) * (b + a);
            }
        }
    }

    /// <summary>The feasible interval <c>[a, b]</c> of <c>q_1</c> on the slice <c>q_0 = x</c>.</summary>
    public static void Slice(FDivergence divergence, double x, in TriangleRow row, double gamma, out double a, out double b)
    {
        double rest = 1.0 - x;
        double termX = row.Plain ? divergence.Term(x, row.P0) : divergence.HybridTerm(x, row.P0, row.LogP0);
        double yStar = rest * row.ShareOfFirst;
        var towardSecond = new SliceTowardSecond(divergence, row.Plain, termX, rest, row.P1, row.LogP1, row.P2, row.LogP2);
        var towardFirst = new SliceTowardFirst(divergence, row.Plain, termX, rest, row.P1, row.LogP1, row.P2, row.LogP2);
        if (towardFirst.Value(yStar) > gamma)
        {
            a = yStar;
            b = yStar;
            return;
        }

        b = rest - BoundarySolver.Solve(ref towardSecond, rest - yStar, gamma);
        a = BoundarySolver.Solve(ref towardFirst, yStar, gamma);
    }

    /// <summary>
    /// Hit-and-run (Smith 1984) inside the ball intersected with the simplex of the <c>m</c> classes in <c>p</c>, with
    /// preconditioned directions: <c>v = W g - c sum_j (W g)_j</c>, <c>g</c> standard normal, <c>W = diag(w)</c> with
    /// <c>w_i = upper_i - lower_i</c> the ball's exact extent along class <c>i</c> and <c>c_i = w_i^2 / sum_j w_j^2</c>, so
    /// <c>sum v = 0</c>. Any fixed centrally symmetric direction law keeps the uniform distribution invariant; this one
    /// matches the ball's elongation (about <c>sqrt(p_i)</c> for KL), which an isotropic law ignores, so the chain mixes
    /// several times faster (measured: 1.3x to 3x smaller error at K = 5 to 30 for the same steps). Exact chord ends by
    /// convex root finding, uniform point on the chord. Writes the sample mean and its standard error from
    /// <see cref="Batches"/> batch means (few, long batches: the batch means must be nearly independent).
    /// </summary>
    public static void HitAndRun(FDivergence divergence, ReadOnlySpan<double> logP, double gamma, Span<double> mean, Span<double> standardError, MonteCarloOptions options)
    {
        int m = logP.Length;
        using var lease = new ScratchLease();
        int size = (4 + Batches) * m;
        int boundsSize = 2 * m + CredalBounds.WorkSize(m);
        Span<double> buffer = size + boundsSize <= ScratchLease.StackDoubles ? stackalloc double[size + boundsSize] : lease.Rent(size + boundsSize);
        var x = buffer[..m];
        var v = buffer.Slice(m, m);
        var w = buffer.Slice(2 * m, m);
        var p = buffer.Slice(3 * m, m);
        var batchSums = buffer.Slice(4 * m, Batches * m);
        batchSums.Clear();

        // Start strictly inside: x0 = (1 - eta) p + eta u with D(x0 || p) <= eta D(u || p) <= gamma / 2 by convexity.
        w.Fill(-Math.Log(m));
        double du = divergence.ComputeLog(w, logP);
        double eta = double.IsFinite(du) && du > 0.0 ? Math.Min(0.5, 0.5 * gamma / du) : 0.5;
        for (int i = 0; i < m; i++)
        {
            p[i] = Math.Exp(logP[i]);
            x[i] = ((1.0 - eta) * p[i]) + (eta / m);
        }

        // Direction scales: the exact extent of the ball along each class.
        var lower = buffer.Slice(size, m);
        var upper = buffer.Slice(size + m, m);
        CredalBounds.ComputeUnchecked(divergence, EdgeRow.Trusted(logP, true), gamma, lower, upper, buffer.Slice(size + (2 * m), CredalBounds.WorkSize(m)));
        double squares = 0.0;
        for (int i = 0; i < m; i++)
        {
            w[i] = upper[i] - lower[i];
            squares += w[i] * w[i];
        }

        var rng = SplitMix64.Hashed(options.Seed, options.Stream);
        int total = options.BurnIn + options.Samples;
        for (int step = 0; step < total; step++)
        {
            double vSum = 0.0;
            for (int i = 0; i < m; i++)
            {
                v[i] = w[i] * rng.NextGaussian();
                vSum += v[i];
            }

            double tMax = double.PositiveInfinity;
            double tMin = double.NegativeInfinity;
            for (int i = 0; i < m; i++)
            {
                v[i] -= w[i] * w[i] / squares * vSum;
                if (v[i] < 0.0)
                {
                    tMax = Math.Min(tMax, -x[i] / v[i]);
                }
                else if (v[i] > 0.0)
                {
                    tMin = Math.Max(tMin, -x[i] / v[i]);
                }
            }

            var forward = new ChordFunction(divergence, p, logP, x, v, tMax, -1.0);
            double tPlus = tMax - BoundarySolver.Solve(ref forward, tMax, gamma);
            var backward = new ChordFunction(divergence, p, logP, x, v, tMin, 1.0);
            double tMinus = tMin + BoundarySolver.Solve(ref backward, -tMin, gamma);
            double t = tMinus + (rng.NextDouble() * (tPlus - tMinus));
            double sum = 0.0;
            for (int i = 0; i < m; i++)
            {
                x[i] = Math.Max(x[i] + (t * v[i]), 0.0);
                sum += x[i];
            }

            for (int i = 0; i < m; i++)
            {
                x[i] /= sum;
            }

            if (step >= options.BurnIn)
            {
                int batch = (int)((long)(step - options.BurnIn) * Batches / options.Samples);
                var target = batchSums.Slice(batch * m, m);
                for (int i = 0; i < m; i++)
                {
                    target[i] += x[i];
                }
            }
        }

        for (int i = 0; i < m; i++)
        {
            double s = 0.0;
            double s2 = 0.0;
            for (int b = 0; b < Batches; b++)
            {
                int count = (int)(((long)(b + 1) * options.Samples / Batches) - ((long)b * options.Samples / Batches));
                double batchMean = batchSums[(b * m) + i] / Math.Max(count, 1);
                s += batchMean;
                s2 += batchMean * batchMean;
            }

            double grand = s / Batches;
            double variance = Math.Max(0.0, (s2 / Batches) - (grand * grand)) * Batches / (Batches - 1);
            mean[i] = grand;
            standardError[i] = Math.Sqrt(variance / Batches);
        }
    }

    /// <summary>Fraction of uniform (Dirichlet(1,...,1)) draws on the simplex that fall in the ball, with its binomial standard error.</summary>
    public static Estimate SampledVolume(FDivergence divergence, ReadOnlySpan<double> logP, double gamma, MonteCarloOptions options)
    {
        int m = logP.Length;
        using var lease = new ScratchLease();
        Span<double> q = m <= ScratchLease.StackDoubles ? stackalloc double[m] : lease.Rent(m);
        var rng = SplitMix64.Hashed(options.Seed, options.Stream);
        int inside = 0;
        for (int s = 0; s < options.Samples; s++)
        {
            double sum = 0.0;
            for (int i = 0; i < m; i++)
            {
                q[i] = rng.NextExponential();
                sum += q[i];
            }

            double logSum = Math.Log(sum);
            for (int i = 0; i < m; i++)
            {
                q[i] = Math.Log(q[i]) - logSum;
            }

            if (divergence.ComputeLog(q, logP) <= gamma)
            {
                inside++;
            }
        }

        double f = (double)inside / options.Samples;
        return new Estimate(f, Math.Sqrt(f * (1.0 - f) / options.Samples), false);
    }

    /// <summary>A three-class row's masses (doubles and logs) and <c>p_1 / (p_1 + p_2)</c>, computed once per set.</summary>
    internal readonly struct TriangleRow
    {
        public TriangleRow(ReadOnlySpan<double> logP)
        {
            LogP0 = logP[0];
            LogP1 = logP[1];
            LogP2 = logP[2];
            P0 = Math.Exp(LogP0);
            P1 = Math.Exp(LogP1);
            P2 = Math.Exp(LogP2);
            double logPr = LogMath.Add(LogP1, LogP2);
            ShareOfFirst = double.IsNegativeInfinity(logPr) ? 0.5 : Math.Exp(LogP1 - logPr);
            Plain = Normal(P0, LogP0) && Normal(P1, LogP1) && Normal(P2, LogP2);
        }

        /// <summary>No probability underflowed: every term can be taken from the doubles.</summary>
        public bool Plain { get; }

        public double LogP0 { get; }

        public double LogP1 { get; }

        public double LogP2 { get; }

        public double P0 { get; }

        public double P1 { get; }

        public double P2 { get; }

        public double ShareOfFirst { get; }

        private static bool Normal(double p, double logP) => p >= 1e-300 || double.IsNegativeInfinity(logP);
    }
}
