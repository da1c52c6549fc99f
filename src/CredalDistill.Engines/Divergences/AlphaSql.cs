namespace CredalDistill.Engines;

/// <summary>
/// Alpha-divergence <c>(sum_k c_k^a e_k^(1-a) - 1) / (a (a - 1))</c>, summed as the library does, term by term in its tilted
/// form <c>((E_k - e_k) - a (c_k - e_k)) / (a (a - 1))</c> with <c>E_k = c_k^a e_k^(1-a) = exp(le + a (lc - le))</c>, so that
/// equal rows give exactly 0 and no term cancels against the 1. A zero cloud probability gives <c>e_k / a</c> for
/// <c>a &gt; 0</c> and +infinity for <c>a &lt; 0</c>, a zero edge probability <c>c_k / (1 - a)</c> for <c>a &lt; 1</c> and
/// +infinity for <c>a &gt; 1</c>, both zero 0 (the library's <c>AlphaDivergence</c>).
/// </summary>
internal sealed class AlphaSql(double alpha) : SqlDivergence
{
    public override string Name => "alpha:" + alpha.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    internal override string Term(SqlDialect dialect, ClassNames k)
    {
        string zero = dialect.Double(0.0);
        string inf = dialect.Double(double.PositiveInfinity);
        string a = dialect.Double(alpha);
        string power = $"CASE WHEN {k.Zc} OR {k.Ze} THEN {zero} ELSE {dialect.Exp($"{k.Le} + {dialect.Multiply(a, $"{k.Lc} - {k.Le}")}")} END";
        string tilted = dialect.Multiply($"({power} - {k.E}) - {dialect.Multiply(a, $"{k.C} - {k.E}")}", dialect.Double(1.0 / (alpha * (alpha - 1.0))));
        return $"CASE WHEN {k.Zc} AND {k.Ze} THEN {zero} WHEN {k.Zc} THEN {(alpha > 0.0 ? tilted : inf)} WHEN {k.Ze} THEN {(alpha < 1.0 ? tilted : inf)} ELSE {tilted} END";
    }
}
