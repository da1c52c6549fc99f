using System.Globalization;
using DD = CredalDistill.Tests.Support.DoubleDouble;

namespace CredalDistill.Tests.Support;

/// <summary>One reference bound: <c>t</c> as <c>log t</c> and <c>log(1 - t)</c> in double-double.</summary>
internal readonly record struct ReferenceBound(DD LogT, DD LogS)
{
    /// <summary><c>|d'(t)| = |f'(t / a) - f'((1 - t) / b)|</c> at the bound (double precision; 0 when unknown), for conditioning-based tolerances.</summary>
    public double Slope { get; init; }

    /// <summary><c>t</c> rounded to double (0 below the double range).</summary>
    public double Value => (double)DD.Exp(LogT);

    /// <summary><c>1 - t</c> rounded to double.</summary>
    public double Complement => (double)DD.Exp(LogS);
}

/// <summary>
/// A slow, obviously correct reference for the per-class lower/upper probabilities of
/// <c>{ q : D_f(q || p) &lt;= gamma }</c> (METHOD.md section 3.1), written for the tests only and independent of the library:
/// double-double arithmetic (<see cref="DoubleDouble"/>, ~32 digits), the binary divergence
/// <c>d(t) = a f(t / a) + b f((1 - t) / b)</c> evaluated straight from each generator's definition (no tilting, no series),
/// <c>a = p_k</c> and <c>b</c> = the mass of the OTHER classes (summed directly over <c>j != k</c>, never <c>1 - p_k</c>), and plain
/// bisection on the log-odds <c>v = log(t / (1 - t))</c> with <c>log t = -softplus(-v)</c>, <c>log(1 - t) = -softplus(v)</c>, so
/// both ends keep relative precision and masses far below double's range (logit gaps of thousands) are handled through
/// <c>log a</c>, <c>log b</c>.
/// </summary>
/// <remarks>
/// Conventions (as in the library, METHOD.md): <c>0 f(t / 0) = t f'(inf)</c>, <c>a f(0 / a) = a f(0+)</c>; <c>gamma = 0</c> gives
/// <c>p_k</c>; <c>gamma = +inf</c> gives the closure of the finite-divergence set (0 and 1, except that a divergence with
/// <c>f'(inf) = inf</c> keeps a zero-mass class at 0 and a class holding all the mass at 1). Generators:
/// KL <c>u log u</c>; reverse KL <c>-log u</c>; alpha <c>(u^a - 1) / (a (a - 1))</c>; TV <c>|u - 1| / 2</c>;
/// squared Hellinger <c>(sqrt u - 1)^2</c> (no 1/2); chi-square <c>(u - 1)^2</c>.
/// </remarks>
internal sealed class ReferenceBounds
{
    private const int BisectionSteps = 200;


    private readonly string _kind;
    private readonly double _alpha;

    /// <summary>The reference for a divergence name as the library spells it (<c>kl</c>, <c>reverse-kl</c>, <c>alpha:a</c>, <c>tv</c>, <c>hellinger</c>, <c>chi2</c>).</summary>
    public ReferenceBounds(string name)
    {
        _kind = name.StartsWith("alpha:", StringComparison.Ordinal) ? "alpha" : name;
        _alpha = _kind == "alpha" ? double.Parse(name["alpha:".Length..], CultureInfo.InvariantCulture) : double.NaN;
        if (_kind is not ("kl" or "reverse-kl" or "alpha" or "tv" or "hellinger" or "chi2"))
        {
            throw new ArgumentException($"unknown divergence {name}", nameof(name));
        }
    }

    /// <summary>True when <c>f'(inf) = +inf</c> (mass outside the support of p costs +inf): KL, chi2, alpha &gt; 1.</summary>
    public bool ForbidsMassOutsideSupport => _kind is "kl" or "chi2" || (_kind == "alpha" && _alpha > 1.0);

    /// <summary>Class masses <c>(log p_k, log r_k)</c> from probabilities: divided by their double-double sum, <c>r_k</c> summed over <c>j != k</c>.</summary>
    public static (DD LogP, DD LogRest) MassesFromProbabilities(ReadOnlySpan<double> p, int k)
    {
        DD sum = DD.Zero;
        DD rest = DD.Zero;
        for (int j = 0; j < p.Length; j++)
        {
            sum += p[j];
            if (j != k)
            {
                rest += p[j];
            }
        }

        var logSum = DD.Log(sum);
        return (DD.Log(p[k]) - logSum, DD.Log(rest) - logSum);
    }

    /// <summary>
    /// Class masses from logits: <c>log p_k = z_k - logsumexp(z)</c>, <c>log r_k = logsumexp_{j != k}(z_j) - logsumexp(z)</c>, each
    /// log-sum-exp taken around its own maximum in double-double (differences of logits are exact in double-double).
    /// </summary>
    public static (DD LogP, DD LogRest) MassesFromLogits(ReadOnlySpan<double> z, int k)
    {
        var all = LogSumExp(z, -1);
        var others = LogSumExp(z, k);
        return ((DD)z[k] - all, others - all);
    }

    /// <summary><c>log sum_{j != skip} exp(z_j)</c> in double-double.</summary>
    public static DD LogSumExp(ReadOnlySpan<double> z, int skip)
    {
        double max = double.NegativeInfinity;
        for (int j = 0; j < z.Length; j++)
        {
            if (j != skip && z[j] > max)
            {
                max = z[j];
            }
        }

        DD sum = DD.Zero;
        for (int j = 0; j < z.Length; j++)
        {
            if (j != skip)
            {
                sum += DD.Exp((DD)z[j] - max);
            }
        }

        return max + DD.Log(sum);
    }

    /// <summary>The upper probability <c>max { t in [a, 1] : d(t) &lt;= gamma }</c>.</summary>
    public ReferenceBound Upper(DD logA, DD logB, double gamma)
    {
        if (gamma == 0.0)
        {
            return new(logA, logB);
        }

        if (double.IsPositiveInfinity(gamma))
        {
            return logA.IsNegativeInfinity && ForbidsMassOutsideSupport ? new(DD.NegativeInfinity, DD.Zero) : new(DD.Zero, DD.NegativeInfinity);
        }

        if (logB.IsNegativeInfinity || D(logA, logB, DD.Zero, DD.NegativeInfinity) <= gamma)
        {
            return new(DD.Zero, DD.NegativeInfinity); // t = 1 is inside.
        }

        // A feasible start: v_a = log(a / b) (d = 0), or, for a = 0, the first of -1, -2, -4, ... with d <= gamma.
        DD inside;
        if (logA.IsNegativeInfinity)
        {
            inside = -1.0;
            while (D(logA, logB, inside) > gamma)
            {
                inside *= 2.0;
                if (inside.Hi < -1e6)
                {
                    return new(DD.NegativeInfinity, DD.Zero); // nothing above t = 0 (f'(inf) = inf).
                }
            }
        }
        else
        {
            inside = logA - logB;
        }

        // An infeasible end: step up, doubling, until d > gamma (exists since d(1) > gamma).
        DD step = 1.0;
        DD outside = inside + step;
        while (D(logA, logB, outside) <= gamma)
        {
            inside = outside;
            step *= 2.0;
            outside = inside + step;
            if (inside.Hi > 1e5)
            {
                // d <= gamma up to 1 - t < e^-100000: the crossing (if any) is far below any double; t = 1 to every digit.
                return new(DD.Zero, -inside);
            }
        }

        for (int i = 0; i < BisectionSteps; i++)
        {
            var mid = (inside + outside) * 0.5;
            if (mid == inside || mid == outside || (outside - inside).Hi <= 1e-26 * Math.Max(1.0, Math.Abs(mid.Hi)))
            {
                break; // the log-odds to ~26 digits: t and 1 - t to ~26 digits relative
            }

            if (D(logA, logB, mid) <= gamma)
            {
                inside = mid;
            }
            else
            {
                outside = mid;
            }
        }

        LogOdds(inside, out var logT, out var logS);
        return new(logT, logS);
    }

    /// <summary>The upper bound with <see cref="ReferenceBound.Slope"/> filled in.</summary>
    public ReferenceBound UpperWithSlope(DD logA, DD logB, double gamma)
    {
        var bound = Upper(logA, logB, gamma);
        double slope = Math.Abs(GeneratorSlope((double)(bound.LogT - logA)) - GeneratorSlope((double)(bound.LogS - logB)));
        return bound with { Slope = double.IsNaN(slope) ? double.PositiveInfinity : slope };
    }

    /// <summary><c>f'(e^x)</c> in double (for conditioning only).</summary>
    private double GeneratorSlope(double x) => _kind switch
    {
        "kl" => x + 1.0,
        "reverse-kl" => -Math.Exp(-x),
        "alpha" => Math.Exp((_alpha - 1.0) * x) / (_alpha - 1.0),
        "tv" => double.IsNaN(x) ? double.NaN : 0.5 * Math.Sign(x),
        "hellinger" => 1.0 - Math.Exp(-0.5 * x),
        _ => 2.0 * double.ExpM1(x),
    };

    /// <summary>The lower probability <c>min { t in [0, a] : d(t) &lt;= gamma }</c>: by <c>d(t; a, b) = d(1 - t; b, a)</c>, one minus the upper probability with the roles of <c>a</c> and <c>b</c> swapped.</summary>
    public ReferenceBound Lower(DD logA, DD logB, double gamma)
    {
        var swapped = UpperWithSlope(logB, logA, gamma);
        return new(swapped.LogS, swapped.LogT) { Slope = swapped.Slope };
    }

    /// <summary>Lower and upper of class <paramref name="k"/> of a probability row.</summary>
    public (ReferenceBound Lower, ReferenceBound Upper) FromProbabilities(ReadOnlySpan<double> p, int k, double gamma)
    {
        var (logA, logB) = MassesFromProbabilities(p, k);
        return (Lower(logA, logB, gamma), UpperWithSlope(logA, logB, gamma));
    }

    /// <summary>Lower and upper of class <paramref name="k"/> of a logit row.</summary>
    public (ReferenceBound Lower, ReferenceBound Upper) FromLogits(ReadOnlySpan<double> z, int k, double gamma)
    {
        var (logA, logB) = MassesFromLogits(z, k);
        return Bounds(logA, logB, gamma);
    }

    /// <summary>Lower and upper from the class masses.</summary>
    public (ReferenceBound Lower, ReferenceBound Upper) Bounds(DD logA, DD logB, double gamma)
    {
        return (Lower(logA, logB, gamma), UpperWithSlope(logA, logB, gamma));
    }

    /// <summary>The full divergence <c>D(q || p) = sum_k p_k f(q_k / p_k)</c> from log-probabilities (-inf for zeros).</summary>
    public DD Divergence(DD[] logP, DD[] logQ)
    {
        DD sum = DD.Zero;
        for (int k = 0; k < logP.Length; k++)
        {
            sum += Term(logP[k], logQ[k]);
        }

        return sum;
    }

    /// <summary><c>d(t)</c> at log-odds <c>v</c>.</summary>
    public DD D(DD logA, DD logB, DD v)
    {
        LogOdds(v, out var logT, out var logS);
        return D(logA, logB, logT, logS);
    }

    /// <summary><c>d(t) = a f(t / a) + b f(s / b)</c> from <c>log a, log b, log t, log s</c>.</summary>
    public DD D(DD logA, DD logB, DD logT, DD logS) => Term(logA, logT) + Term(logB, logS);

    /// <summary><c>log t = -softplus(-v)</c>, <c>log(1 - t) = -softplus(v)</c>, <c>softplus(y) = max(y, 0) + log(1 + e^-|y|)</c>.</summary>
    public static void LogOdds(DD v, out DD logT, out DD logS)
    {
        var l = DD.Log1p(DD.Exp(-DD.Abs(v)));
        logT = v.Hi >= 0.0 ? -l : v - l;
        logS = v.Hi >= 0.0 ? -v - l : -l;
    }

    /// <summary>
    /// One term <c>a f(t / a)</c> from <c>log a</c> and <c>log t</c>, straight from the generator written in
    /// <c>x = log(t / a)</c>: a value that underflows double-double is 0, one that overflows is +inf.
    /// </summary>
    private DD Term(DD logA, DD logT)
    {
        bool aZero = logA.IsNegativeInfinity;
        bool tZero = logT.IsNegativeInfinity;
        if (aZero && tZero)
        {
            return DD.Zero;
        }

        if (aZero)
        {
            // 0 f(t / 0) = t f'(inf).
            return ForbidsMassOutsideSupport ? DD.PositiveInfinity : DD.Exp(logT) * SlopeAtInfinity();
        }

        var a = DD.Exp(logA);
        if (tZero)
        {
            // a f(0+).
            var f0 = GeneratorAtZero();
            return f0.IsPositiveInfinity ? f0 : a * f0; // a > 0 here, however small
        }

        var t = DD.Exp(logT);
        var x = logT - logA;
        switch (_kind)
        {
            case "kl":
                return t * x; // a (t/a) log(t/a)
            case "reverse-kl":
                return -(a * x); // -a log(t/a)
            case "alpha":
                // a ((t/a)^alpha - 1) / (alpha (alpha - 1)) = (t^alpha a^(1-alpha) - a) / (alpha (alpha - 1)).
                var power = DD.Exp((logT * _alpha) + (logA * (1.0 - _alpha)));
                // Beyond 1e290 double-double arithmetic (Dekker splits) would overflow: the term is +inf for any gamma we test.
                return power.IsPositiveInfinity || power.Hi > 1e290 ? DD.PositiveInfinity : (power - a) / (_alpha * (_alpha - 1.0));
            case "tv":
                return DD.Abs(t - a) * 0.5;
            case "hellinger":
                var diff = DD.Exp(logT * 0.5) - DD.Exp(logA * 0.5);
                return diff * diff; // a (sqrt(t/a) - 1)^2 = (sqrt t - sqrt a)^2
            default: // chi2: a (t/a - 1)^2 = exp(log a + 2 log|expm1(x)|)
                if (x.Hi == 0.0)
                {
                    return DD.Zero;
                }

                var logAbs = x.Hi > 1.0 ? x + DD.Log1p(-DD.Exp(-x)) : DD.Log(DD.Abs(DD.Expm1(x)));
                var term = DD.Exp(logA + (logAbs * 2.0));
                return term.Hi > 1e290 ? DD.PositiveInfinity : term; // double-double arithmetic would overflow beyond

        }
    }

    /// <summary><c>f(0+)</c>.</summary>
    private DD GeneratorAtZero() => _kind switch
    {
        "kl" => DD.Zero,
        "reverse-kl" => DD.PositiveInfinity,
        "alpha" => _alpha > 0.0 ? new DD(-1.0) / (_alpha * (_alpha - 1.0)) : DD.PositiveInfinity,
        "tv" => new DD(0.5),
        _ => DD.One, // hellinger (0 - 1)^2, chi2 (0 - 1)^2
    };

    /// <summary><c>f'(inf)</c> for the divergences where it is finite.</summary>
    private DD SlopeAtInfinity() => _kind switch
    {
        "reverse-kl" => DD.Zero, // -1/u -> 0
        "alpha" => DD.Zero,      // u^(a-1) / (a - 1) -> 0 for a < 1
        "tv" => new DD(0.5),
        "hellinger" => DD.One,   // 1 - 1/sqrt(u) -> 1
        _ => throw new InvalidOperationException(),
    };
}
