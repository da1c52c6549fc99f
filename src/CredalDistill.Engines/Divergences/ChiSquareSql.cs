namespace CredalDistill.Engines;

/// <summary>
/// Pearson chi-square <c>sum_k (c_k - e_k)^2 / e_k</c> in the log domain, so an edge probability that underflows does
/// not divide by zero: <c>e_k (exp(lc - le) - 1)^2</c> when <c>c_k &lt;= e_k</c>, else <c>exp(2 lc - le) (1 - exp(le - lc))^2</c>;
/// <c>e_k</c> where <c>c_k = 0</c>, 0 where both are 0, +infinity where <c>e_k = 0 &lt; c_k</c>.
/// </summary>
internal sealed class ChiSquareSql : SqlDivergence
{
    public override string Name => "chi2";

    internal override string Term(SqlDialect dialect, ClassNames k)
    {
        string one = dialect.Double(1.0);
        string below = $"({dialect.Exp($"{k.Lc} - {k.Le}")} - {one})";
        string above = $"({one} - {dialect.Exp($"{k.Le} - {k.Lc}")})";
        return $"CASE WHEN {k.Ze} THEN (CASE WHEN {k.Zc} THEN {dialect.Double(0.0)} ELSE {dialect.Double(double.PositiveInfinity)} END) WHEN {k.Zc} THEN {k.E} "
             + $"WHEN {k.Lc} <= {k.Le} THEN {dialect.Multiply(k.E, dialect.Multiply(below, below))} "
             + $"ELSE {dialect.Multiply(dialect.Exp($"2 * {k.Lc} - {k.Le}"), dialect.Multiply(above, above))} END";
    }
}
