using CredalDistill.Validation;

namespace CredalDistill.Monitoring;

/// <summary>
/// Anytime-valid monitoring of CD-CI coverage on a stream of audited inputs (a random fraction of live traffic also sent
/// to the cloud): each observation is <c>Z_t = 1{ D(p_cloud || p_edge) &lt;= gamma }</c>.
/// </summary>
/// <remarks>
/// <para>
/// <b>Alarm</b> (a sequential test of <c>H0: coverage &gt;= 1 - eps</c>): the betting wealth
/// <c>M_t = (1/G) sum_g prod_{s &lt;= t} (1 + lambda_g ((1 - eps) - Z_s))</c>, an equal-weight mixture over
/// <c>G</c> fixed bets <c>lambda_g</c> in <c>(0, 1/eps)</c>. Under H0 each product is a non-negative supermartingale
/// (<c>E[(1 - eps) - Z] &lt;= 0</c>, and <c>1 + lambda ((1 - eps) - Z) &gt;= 1 - lambda eps &gt; 0</c>), so is the mixture,
/// and Ville's inequality gives <c>P(exists t: M_t &gt;= 1/alpha) &lt;= alpha</c>: the alarm
/// (<see cref="Alarm"/>, raised the first time <c>M_t &gt;= 1/alpha</c>) has false-alarm probability at most
/// <c>alpha</c> over the whole, unbounded stream. With <c>c</c> of the <c>t</c> observations covered the product is
/// <c>(1 + lambda_g (1 - eps))^(t - c) (1 - lambda_g eps)^c</c>, so the wealth is a function of the counts
/// (<see cref="LogWealthAt"/>).
/// </para>
/// <para>
/// <b>Upper confidence bound from the same test</b> (<see cref="UpperBound"/>): the test of <c>coverage &gt;= mu</c> with
/// the bets scaled to <c>mu</c> (<c>lambda_g = f_g / (1 - mu)</c>, <c>f_g = lambda_g eps</c> at <c>mu = 1 - eps</c>) has
/// wealth <c>(1/G) sum_g (1 + f_g mu / (1 - mu))^(t - c) (1 - f_g)^c</c>, increasing in <c>mu</c>; the smallest <c>mu</c> it
/// rejects is an anytime-valid upper bound on the coverage at level <c>1 - alpha</c>, and the alarm is raised exactly when
/// that bound is at most <c>1 - eps</c>, so the two never contradict each other.
/// </para>
/// <para>
/// <b>Confidence sequence</b> for the running coverage (displayed): the Hoeffding supermartingale
/// <c>exp(lambda S_t - t lambda^2 / 8)</c> (<c>S_t = sum (Z_s - mu)</c>, <c>Z</c> in [0, 1]) for each of <c>G</c>
/// bets, with a union bound over the bets and both sides, gives for all <c>t</c> at once, with probability
/// <c>&gt;= 1 - alpha</c>: <c>|Zbar_t - mu| &lt;= min_g ( log(2 G / alpha) / (lambda_g t) + lambda_g / 8 )</c>.
/// It is more conservative than the alarm's test (it does not use the small variance of <c>Z</c> near coverage 1).
/// </para>
/// </remarks>
public sealed class CoverageMonitor
{
    private const int Bets = 24;

    /// <summary>The bets as fractions of <c>1/(1 - mu)</c>: <c>f_g = lambda_g eps</c>, from 0.0009 to 0.9 geometrically.</summary>
    private readonly double[] _fraction = new double[Bets];
    private readonly double[] _hoeffdingLambda = new double[Bets];

    /// <summary>Starts a monitor.</summary>
    /// <param name="epsilon">The artifact's miscoverage <c>eps</c> in (0, 1): the target coverage is <c>1 - eps</c>.</param>
    /// <param name="alpha">Error level in (0, 1): false-alarm probability and confidence-sequence miscoverage.</param>
    public CoverageMonitor(double epsilon, double alpha = 0.05)
    {
        Check.Epsilon(epsilon, nameof(epsilon));
        Check.Epsilon(alpha, nameof(alpha));
        Epsilon = epsilon;
        Alpha = alpha;

        // Bets lambda_g = f_g / eps spread geometrically from 0.0009/eps up to 0.9/eps (the largest stays below 1/eps).
        for (int g = 0; g < Bets; g++)
        {
            _fraction[g] = 0.9e-3 * Math.Pow(1e3, g / (Bets - 1.0));
            _hoeffdingLambda[g] = Math.Pow(2.0, -g / 2.0) * 4.0; // 4, 2.83, ..., ~1.4e-3
        }
    }

    /// <summary>Target miscoverage <c>eps</c>.</summary>
    public double Epsilon { get; }

    /// <summary>Error level <c>alpha</c>.</summary>
    public double Alpha { get; }

    /// <summary>Observations so far.</summary>
    public long Count { get; private set; }

    /// <summary>Covered observations so far.</summary>
    public long Covered { get; private set; }

    /// <summary>Running coverage <c>Covered / Count</c> (NaN before the first observation).</summary>
    public double Coverage => Count == 0 ? double.NaN : (double)Covered / Count;

    /// <summary>The log of the alarm's betting wealth <c>M_t</c> (0 at the start): <see cref="LogWealthAt"/> at <c>1 - eps</c>.</summary>
    public double LogWealth => LogWealthAt(1.0 - Epsilon);

    /// <summary>
    /// The log of the wealth of the test of <c>coverage &gt;= mu</c> (bets scaled to <paramref name="mu"/>, see the remarks):
    /// <c>log (1/G) sum_g exp((t - c) log(1 + f_g mu / (1 - mu)) + c log(1 - f_g))</c>; at <c>mu = 1 - eps</c> the alarm's.
    /// </summary>
    /// <param name="mu">The coverage tested, in [0, 1).</param>
    public double LogWealthAt(double mu)
    {
        if (!(mu >= 0.0 && mu < 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(mu), mu, "mu must lie in [0, 1).");
        }

        long missed = Count - Covered;
        double odds = mu / (1.0 - mu);
        Span<double> logs = stackalloc double[Bets];
        double max = double.NegativeInfinity;
        for (int g = 0; g < Bets; g++)
        {
            logs[g] = (missed * Numerics.LogMath.Log1P(_fraction[g] * odds)) + (Covered * Numerics.LogMath.Log1P(-_fraction[g]));
            max = Math.Max(max, logs[g]);
        }

        double sum = 0.0;
        foreach (double w in logs)
        {
            sum += Math.Exp(w - max);
        }

        return max + Math.Log(sum / Bets);
    }

    /// <summary>
    /// Anytime-valid upper confidence bound for the coverage at level <c>1 - alpha</c> from the alarm's betting test (see the
    /// remarks): the smallest <c>mu</c> whose wealth reaches <c>1/alpha</c>, to 1e-12; 1 when none does (e.g. every
    /// observation covered). <see cref="Alarm"/> is raised exactly when this is at most <c>1 - eps</c>.
    /// </summary>
    public double UpperBound
    {
        get
        {
            double level = -Math.Log(Alpha);
            if (Count == Covered)
            {
                return 1.0; // the wealth is at most 1 for every mu: nothing is rejected
            }

            double lo = 0.0, hi = 1.0; // wealth below the level at lo (at most 1 at mu = 0), at or above it as mu -> 1
            while (hi - lo > 1e-12)
            {
                double mid = 0.5 * (lo + hi);
                if (LogWealthAt(mid) >= level)
                {
                    hi = mid;
                }
                else
                {
                    lo = mid;
                }
            }

            return hi;
        }
    }

    /// <summary>True once the wealth has reached <c>1/alpha</c>: coverage is below <c>1 - eps</c> at confidence <c>1 - alpha</c>.</summary>
    public bool Alarm { get; private set; }

    /// <summary>The observation count at which the alarm was first raised, or null.</summary>
    public long? AlarmAt { get; private set; }

    /// <summary>Half-width of the running confidence sequence at the current count (+infinity before any observation).</summary>
    public double Radius
    {
        get
        {
            if (Count == 0)
            {
                return double.PositiveInfinity;
            }

            double log = Math.Log(2.0 * Bets / Alpha);
            double best = double.PositiveInfinity;
            foreach (double lambda in _hoeffdingLambda)
            {
                best = Math.Min(best, (log / (lambda * Count)) + (lambda / 8.0));
            }

            return best;
        }
    }

    /// <summary>Lower end of the anytime-valid confidence sequence for the coverage, clipped to [0, 1].</summary>
    public double Lower => Count == 0 ? 0.0 : Math.Max(0.0, Coverage - Radius);

    /// <summary>Upper end of the anytime-valid confidence sequence for the coverage, clipped to [0, 1].</summary>
    public double Upper => Count == 0 ? 1.0 : Math.Min(1.0, Coverage + Radius);

    /// <summary>Adds one audited input; returns true when this observation raised the alarm.</summary>
    /// <param name="covered">Whether the cloud's output was inside the credal set (<c>score &lt;= gamma</c>).</param>
    public bool Observe(bool covered)
    {
        Count++;
        Covered += covered ? 1 : 0;
        if (!Alarm && LogWealth >= -Math.Log(Alpha))
        {
            Alarm = true;
            AlarmAt = Count;
            return true;
        }

        return false;
    }
}
