namespace CredalDistill.Divergences;

/// <summary>
/// An f-divergence <c>D_f(q || p) = sum_k p_k f(q_k / p_k)</c> with convex generator <c>f</c>, <c>f(1) = 0</c>,
/// measured in nats. The per-class term <c>p f(q / p)</c> and its derivatives in <c>q</c> are exposed so that
/// exact credal-set algorithms (binary reduction, Lagrange conditions) can be written once for every divergence.
/// </summary>
/// <remarks>
/// Zero entries follow the mathematical limits: <c>0 f(q/0) = q f'(inf)</c> with <c>f'(inf) = lim_{u-&gt;inf} f(u)/u</c>
/// (so a divergence with <c>f'(inf) = +inf</c>, e.g. KL, is <c>+inf</c> when <c>q_k &gt; 0 = p_k</c>) and
/// <c>p f(0/p) = p f(0+)</c>.
/// </remarks>
public interface IDivergence
{
    /// <summary>Canonical name, parseable by <see cref="Divergence.Parse(string)"/> (e.g. <c>kl</c>, <c>alpha:0.9</c>).</summary>
    string Name { get; }

    /// <summary><c>f'(inf) = lim_{u-&gt;inf} f(u)/u</c>: the cost per unit of mass put where <c>p_k = 0</c> (may be +infinity).</summary>
    double SlopeAtInfinity { get; }

    /// <summary>True when <c>q</c> may put mass where <c>p</c> has none at finite divergence (<see cref="SlopeAtInfinity"/> finite).</summary>
    bool AllowsMassOutsideSupport { get; }

    /// <summary>The divergence <c>D(q || p) = sum_k p_k f(q_k / p_k)</c> in nats; <c>+inf</c> where the limits say so.</summary>
    double Compute(ReadOnlySpan<double> q, ReadOnlySpan<double> p);

    /// <summary>One term <c>p f(q / p)</c>, with the limits for <c>p = 0</c> or <c>q = 0</c>.</summary>
    double Term(double q, double p);

    /// <summary><c>d/dq [p f(q/p)] = f'(q/p)</c>; for <c>p = 0</c> it is <see cref="SlopeAtInfinity"/>.</summary>
    double TermDerivative(double q, double p);

    /// <summary><c>d^2/dq^2 [p f(q/p)] = f''(q/p) / p</c>; zero for <c>p = 0</c>.</summary>
    double TermSecondDerivative(double q, double p);
}
