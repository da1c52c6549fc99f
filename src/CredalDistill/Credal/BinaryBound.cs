using CredalDistill.Divergences;
using CredalDistill.Numerics;

namespace CredalDistill.Credal;

/// <summary>
/// The binary reduction of METHOD.md section 3.1 in the log domain (section 3.1a). Two outcomes with masses <c>a</c> and
/// <c>b = 1 - a</c>, given as <c>log a</c>, <c>log b</c> (and as doubles, possibly underflowed to 0); the member
/// <c>(t, 1 - t)</c> has divergence <c>d(t) = a phi(t / a) + b phi((1 - t) / b)</c> (<c>phi</c> the tilted generator of
/// <see cref="FDivergence"/>). <see cref="Solve(FDivergence, double, double, double, double, double, BoundTable)"/> returns the largest
/// <c>t &gt;= a</c> with <c>d(t) &lt;= gamma</c> with <c>log t</c> and <c>log(1 - t)</c>: the upper probability of a class is
/// <c>Solve(log p_k, log r_k)</c> and its lower probability is the <c>1 - t</c> of <c>Solve(log r_k, log p_k)</c>. The unknown
/// is the log-odds <c>v = log(t / (1 - t))</c>, so <c>log t = -softplus(-v)</c> and <c>log(1 - t) = -softplus(v)</c> keep full
/// relative precision at both ends; safeguarded Newton on <c>d(v) - gamma</c>
/// (<c>d'(v) = t (1 - t) (phi'(t / a) - phi'((1 - t) / b))</c>) from a quadratic-model start, inside a bracket that expands by
/// doubling and otherwise shrinks by bisection whenever Newton does not at least halve its step.
/// </summary>
internal static class BinaryBound
{
    private const int MaxIterations = 200;

    /// <summary>Largest <c>t</c> in <c>[a, 1]</c> with <c>d(t) &lt;= gamma</c>, from the logs alone.</summary>
    public static BinaryPoint Solve(FDivergence f, double logA, double logB, double gamma)
        => Solve(f, logA, logB, Math.Exp(logA), Math.Exp(logB), gamma);

    /// <summary>
    /// Largest <c>t</c> in <c>[a, 1]</c> with <c>d(t) &lt;= gamma</c> (the closure for <c>gamma = +inf</c>); <c>a = 0</c> stays at 0
    /// for divergences that forbid mass outside the support.
    /// </summary>
    /// <param name="f">The divergence.</param>
    /// <param name="logA">log a.</param>
    /// <param name="logB">log b.</param>
    /// <param name="a">a (0 where it underflows).</param>
    /// <param name="b">b (0 where it underflows).</param>
    /// <param name="gamma">The radius.</param>
    /// <param name="table">The threshold's table when the caller already holds it (a row kernel looks it up once), or null.</param>
    public static BinaryPoint Solve(FDivergence f, double logA, double logB, double a, double b, double gamma, BoundTable? table = null)
    {
        if (gamma == 0.0 || double.IsNegativeInfinity(logB))
        {
            return new BinaryPoint(logA, logB, a, b); // the point itself, or a = 1 already.
        }

        if (double.IsNegativeInfinity(logA) && !f.AllowsMassOutsideSupport)
        {
            return new BinaryPoint(logA, logB, a, b); // mass where a = 0 costs +inf.
        }

        if (f is TotalVariation)
        {
            // d(t) = t - a: t = min(1, a + gamma).
            return gamma >= b ? BinaryPoint.One : new BinaryPoint(Math.Log(a + gamma), Math.Log(b - gamma), a + gamma, b - gamma);
        }

        if (f is not PearsonChiSquare && !double.IsPositiveInfinity(gamma) && TryFromTable(table ?? BoundTable.For(f, gamma), f, logA, logB, a, b, gamma, out var point))
        {
            return point;
        }

        return SolveDirect(f, logA, logB, a, b, gamma);
    }

    /// <summary>
    /// <see cref="Solve(FDivergence, double, double, double, double, double, BoundTable)"/> without the table (which is built from it):
    /// safeguarded Newton from the quadratic-model start.
    /// </summary>
    internal static BinaryPoint SolveDirect(FDivergence f, double logA, double logB, double a, double b, double gamma)
    {
        if (double.IsPositiveInfinity(gamma) || f.PhiAboveScaled(-logA) + f.LogTerm(logB, double.NegativeInfinity) <= gamma)
        {
            return BinaryPoint.One; // d(1) = a phi(1/a) + b phi(0) is within the radius.
        }

        if (f is PearsonChiSquare)
        {
            return ChiSquare(logA, logB, a, b, gamma);
        }

        double vLo = logA - logB;             // d = 0 < gamma (-inf when a = 0)
        double vHi = double.PositiveInfinity; // d > gamma once found
        double v = InitialGuess(f, logA, logB, gamma);
        double tolerance = 2e-15 * gamma;
        double lastStep = double.PositiveInfinity;
        for (int iteration = 0; iteration < MaxIterations; iteration++)
        {
            double g = Evaluate(f, logA, logB, a, b, v, out double slope) - gamma;
            if (Math.Abs(g) <= tolerance)
            {
                break;
            }

            if (g < 0.0)
            {
                vLo = v;
            }
            else
            {
                vHi = v;
            }

            // Beyond |v| = 750 the smaller mass is below double's range (e^-745): the outputs cannot change any more.
            if ((g < 0.0 && double.IsPositiveInfinity(vHi) && v > 750.0) || (g > 0.0 && double.IsNegativeInfinity(vLo) && v < -750.0))
            {
                v = g < 0.0 ? v : -double.MaxValue;
                break;
            }

            double scale = Math.Max(1.0, Math.Abs(v));
            if (vHi - vLo <= 4e-16 * scale)
            {
                v = vLo; // the feasible end
                break;
            }

            double newton = v - (g / slope);
            bool inside = newton > vLo && newton < vHi;
            double next;
            if (double.IsPositiveInfinity(vHi))
            {
                double reach = v + Math.Max(1.0, Math.Abs(v)); // expand upwards, at most doubling
                next = inside ? Math.Min(newton, reach) : reach;
            }
            else if (double.IsNegativeInfinity(vLo))
            {
                double reach = v - Math.Max(1.0, Math.Abs(v)); // expand downwards (a = 0), at most doubling
                next = inside ? Math.Max(newton, reach) : reach;
            }
            else
            {
                // Newton while it stays in the bracket and at least halves the step; bisection otherwise.
                next = inside && Math.Abs(newton - v) <= 0.5 * Math.Abs(lastStep) ? newton : 0.5 * (vLo + vHi);
            }

            lastStep = next - v;

            // A Newton step this small from a point this close to the level leaves an error of order step^2: done.
            if (Math.Abs(lastStep) <= 1e-16 * scale || (next == newton && Math.Abs(lastStep) <= 1e-9 * scale && Math.Abs(g) <= 1e-6 * gamma))
            {
                v = next;
                break;
            }

            v = next;
        }

        return BinaryPoint.FromLogOdds(v);
    }

    /// <summary>
    /// The root from the threshold's <see cref="BoundTable"/>: its interpolated start, accepted under the solver's own tests
    /// (<c>|d - gamma| &lt;= 2e-15 gamma</c>, or one Newton step of at most <c>1e-9 max(1, |v|)</c> from a point with
    /// <c>|d - gamma| &lt;= 1e-6 gamma</c>, whose error is then of order <c>1e-18</c>); false sends the caller to the full solve.
    /// Inside the table <c>d(1) &gt; gamma</c>, so the bound is not the vertex.
    /// </summary>
    private static bool TryFromTable(BoundTable table, FDivergence f, double logA, double logB, double a, double b, double gamma, out BinaryPoint point)
    {
        point = default;
        double v = table.Start(logA - logB);
        if (!(v > logA - logB))
        {
            return false;
        }

        var at = BinaryPoint.FromLogOdds(v);
        double g = Evaluate(f, logA, logB, a, b, at, out double slope) - gamma;
        if (Math.Abs(g) <= 2e-15 * gamma)
        {
            point = at;
            return true;
        }

        // A slope that overflows (a mass below e^-709 inside phi') gives no Newton step to trust: the full solve brackets it.
        double step = -g / slope;
        if (!(double.IsFinite(slope) && slope > 0.0 && Math.Abs(step) <= 1e-9 * Math.Max(1.0, Math.Abs(v)) && Math.Abs(g) <= 1e-6 * gamma))
        {
            return false;
        }

        // The point at v + step to first order (dt/dv = t s, d log t/dv = s, d log s/dv = -t): the neglected terms are of order
        // step^2 <= 1e-18 relative, below double's resolution, and no further exponential or logarithm is needed.
        double ts = at.T * at.S * step;
        point = new BinaryPoint(at.LogT + (at.S * step), at.LogS - (at.T * step), at.T + ts, at.S - ts);
        return true;
    }

    /// <summary>
    /// Chi-square in closed form: <c>d(t) = (t - a)^2 / (a b)</c>, so <c>t = a + delta</c>, <c>delta = sqrt(gamma a b)</c> (below 1 here),
    /// with <c>1 - t = b - delta</c> taken as <c>b (1 - delta / b)</c> when <c>delta &lt;= b / 2</c> and as
    /// <c>sqrt(b) (b - gamma a) / (sqrt(b) + sqrt(gamma a))</c> otherwise, so both ends keep relative precision.
    /// </summary>
    private static BinaryPoint ChiSquare(double logA, double logB, double a, double b, double gamma)
    {
        double logDelta = 0.5 * (Math.Log(gamma) + logA + logB);
        double delta = Math.Exp(logDelta);
        double logT = LogMath.Add(logA, logDelta);
        double logS;
        if (delta <= 0.5 * b)
        {
            logS = logB + LogMath.Log1P(-delta / b);
        }
        else
        {
            double ga = Math.Exp(Math.Log(gamma) + logA);
            logS = (0.5 * logB) + Math.Log(b - ga) - Math.Log(Math.Sqrt(b) + Math.Sqrt(ga));
        }

        return new BinaryPoint(logT, logS, Math.Exp(logT), Math.Exp(logS));
    }

    /// <summary><c>d(v)</c> and <c>d'(v)</c>: the point (one exponential and one log1p), then the two terms.</summary>
    private static double Evaluate(FDivergence f, double logA, double logB, double a, double b, double v, out double slope)
        => Evaluate(f, logA, logB, a, b, BinaryPoint.FromLogOdds(v), out slope);

    /// <summary><c>d</c> and <c>d'(v)</c> at a point given with its masses and logarithms.</summary>
    private static double Evaluate(FDivergence f, double logA, double logB, double a, double b, in BinaryPoint point, out double slope)
    {
        slope = point.T * point.S * (f.PhiSlope(point.LogT - logA) - f.PhiSlope(point.LogS - logB));
        return f.LogTerm(logA, a, point.LogT, point.T) + f.LogTerm(logB, b, point.LogS, point.S);
    }

    /// <summary>
    /// A start above <c>v_a = log(a / b)</c> from the quadratic model <c>d ~ (t - a)^2 f''(1) / (2 a b)</c>, computed in logs
    /// (<c>f''(1)</c> is 1 for KL, reverse KL and alpha, 1/2 for squared Hellinger, 2 for chi-square); for <c>a = 0</c> the
    /// linear model <c>d ~ t (f'(inf) - f'(1))</c>.
    /// </summary>
    private static double InitialGuess(FDivergence f, double logA, double logB, double gamma)
    {
        double curvature = f switch
        {
            SquaredHellinger => 0.5,
            PearsonChiSquare => 2.0,
            _ => 1.0,
        };

        double logT;
        double logS;
        if (double.IsNegativeInfinity(logA))
        {
            logT = Math.Min(Math.Log(gamma / f.PhiAboveScaled(double.PositiveInfinity)), -Math.Log(2.0));
            logS = Math.Log(-LogMath.ExpM1(logT));
            return logT - logS;
        }

        // delta = sqrt(2 gamma a b / f''(1)); t = a + delta, 1 - t = b - delta (at most b / 2 is taken away).
        double logDelta = Math.Min(0.5 * (logA + logB + Math.Log(2.0 * gamma / curvature)), logB - Math.Log(2.0));
        logT = LogMath.Add(logA, logDelta);
        logS = logB + LogMath.Log1P(-Math.Exp(logDelta - logB));
        return logT - logS;
    }
}
