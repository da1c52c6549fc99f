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
/// <c>alpha</c> over the whole, unbounded stream.
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

    private readonly double[] _lambda = new double[Bets];
    private readonly double[] _logWealth = new double[Bets];
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

        // Bets spread geometrically from 1/(1000 eps)-ish up to 0.9/eps (the largest stays below 1/eps).
        double max = 0.9 / epsilon, min = max / 1e3;
        for (int g = 0; g < Bets; g++)
        {
            _lambda[g] = min * Math.Pow(max / min, g / (Bets - 1.0));
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

    /// <summary>The log of the alarm's betting wealth <c>M_t</c> (0 at the start).</summary>
    public double LogWealth
    {
        get
        {
            double max = double.NegativeInfinity;
            foreach (double w in _logWealth)
            {
                max = Math.Max(max, w);
            }

            double sum = 0.0;
            foreach (double w in _logWealth)
            {
                sum += Math.Exp(w - max);
            }

            return max + Math.Log(sum / Bets);
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
        double x = (1.0 - Epsilon) - (covered ? 1.0 : 0.0);
        for (int g = 0; g < Bets; g++)
        {
            _logWealth[g] += Numerics.LogMath.Log1P(_lambda[g] * x);
        }

        if (!Alarm && LogWealth >= -Math.Log(Alpha))
        {
            Alarm = true;
            AlarmAt = Count;
            return true;
        }

        return false;
    }
}
