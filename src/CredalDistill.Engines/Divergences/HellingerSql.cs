namespace CredalDistill.Engines;

/// <summary>Squared Hellinger distance <c>sum_k (sqrt c_k - sqrt e_k)^2</c>, the roots as <c>exp(log c_k / 2)</c> (finite everywhere).</summary>
internal sealed class HellingerSql : SqlDivergence
{
    public override string Name => "hellinger";

    internal override string Term(SqlDialect dialect, ClassNames k)
    {
        string zero = dialect.Double(0.0);
        string half = dialect.Double(0.5);
        string d = $"(CASE WHEN {k.Zc} THEN {zero} ELSE {dialect.Exp(dialect.Multiply(half, k.Lc))} END - CASE WHEN {k.Ze} THEN {zero} ELSE {dialect.Exp(dialect.Multiply(half, k.Le))} END)";
        return dialect.Multiply(d, d);
    }
}
