using CredalDistill.Validation;

namespace CredalDistill.Monitoring;

/// <summary>
/// The adaptive-conformal update applied to the threshold itself (quantile tracking; Gibbs and Candes 2021 in the form of
/// Angelopoulos, Candes and Tibshirani 2023): after each audited input, <c>gamma_{t+1} = max(0, gamma_t + eta (err_t - eps))</c>
/// with <c>err_t = 1{ s_t &gt; gamma_t }</c>. It needs only the current threshold, not the calibration scores, so it can
/// refresh a saved artifact. For scores bounded by <c>B</c>, the long-run miscoverage <c>(1/T) sum err_t</c> is within
/// <c>(B + eta) / (eta T)</c> of <c>eps</c> on any sequence.
/// </summary>
public sealed class QuantileTracker
{
    /// <summary>Starts at <paramref name="gamma"/>.</summary>
    /// <param name="gamma">The starting threshold (nats), finite and non-negative.</param>
    /// <param name="epsilon">Target miscoverage in (0, 1).</param>
    /// <param name="step">Step <c>eta &gt; 0</c> in nats.</param>
    public QuantileTracker(double gamma, double epsilon, double step)
    {
        if (!(gamma >= 0.0) || !double.IsFinite(gamma))
        {
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "quantile tracking starts from a finite threshold >= 0.");
        }

        Check.Epsilon(epsilon, nameof(epsilon));
        Check.PositiveFinite(step, nameof(step));
        Gamma = gamma;
        Epsilon = epsilon;
        Step = step;
    }

    /// <summary>The current threshold <c>gamma_t</c> (nats).</summary>
    public double Gamma { get; private set; }

    /// <summary>Target miscoverage.</summary>
    public double Epsilon { get; }

    /// <summary>The step <c>eta</c> (nats).</summary>
    public double Step { get; }

    /// <summary>Observations so far.</summary>
    public long Count { get; private set; }

    /// <summary>Miscovered observations so far.</summary>
    public long Errors { get; private set; }

    /// <summary>Observes one audited score; returns true when it was covered by the current threshold.</summary>
    public bool Observe(double score)
    {
        if (double.IsNaN(score) || double.IsNegativeInfinity(score))
        {
            throw new ArgumentOutOfRangeException(nameof(score), score, "a score must be >= 0 or +infinity.");
        }

        bool covered = score <= Gamma;
        Count++;
        Errors += covered ? 0 : 1;
        Gamma = Math.Max(0.0, Gamma + (Step * ((covered ? 0.0 : 1.0) - Epsilon)));
        return covered;
    }
}
