namespace CredalDistill.Engines;

/// <summary>Reverse KL, <c>KL(edge || cloud)</c>: <c>sum_k e_k (log e_k - log c_k)</c>; 0 where <c>e_k = 0</c>, +infinity where <c>c_k = 0 &lt; e_k</c>.</summary>
internal sealed class ReverseKlSql : SqlDivergence
{
    public override string Name => "reverse-kl";

    internal override string Term(SqlDialect dialect, ClassNames k)
        => $"CASE WHEN {k.Ze} THEN {dialect.Double(0.0)} WHEN {k.Zc} THEN {dialect.Double(double.PositiveInfinity)} ELSE {dialect.Multiply(k.E, $"{k.Le} - {k.Lc}")} END";
}
