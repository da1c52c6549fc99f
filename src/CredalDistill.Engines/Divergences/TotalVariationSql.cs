namespace CredalDistill.Engines;

/// <summary>Total variation <c>0.5 sum_k |c_k - e_k|</c> (finite everywhere).</summary>
internal sealed class TotalVariationSql : SqlDivergence
{
    public override string Name => "tv";

    internal override string Term(SqlDialect dialect, ClassNames k) => $"abs({k.C} - {k.E})";

    internal override string Total(SqlDialect dialect, string sum) => dialect.Multiply(dialect.Double(0.5), sum);
}
