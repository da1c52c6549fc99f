namespace CredalDistill.Engines;

/// <summary>KL: <c>sum_k c_k (log c_k - log e_k)</c>; 0 where <c>c_k = 0</c>, +infinity where <c>e_k = 0 &lt; c_k</c>.</summary>
internal sealed class KlSql : SqlDivergence
{
    public override string Name => "kl";

    internal override string Term(SqlDialect dialect, ClassNames k)
        => $"CASE WHEN {k.Zc} THEN {dialect.Double(0.0)} WHEN {k.Ze} THEN {dialect.Double(double.PositiveInfinity)} ELSE {dialect.Multiply(k.C, $"{k.Lc} - {k.Le}")} END";
}
