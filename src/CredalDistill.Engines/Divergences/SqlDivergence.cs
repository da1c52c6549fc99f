using CredalDistill.Divergences;

namespace CredalDistill.Engines;

/// <summary>
/// A score divergence <c>D(cloud || edge)</c> as SQL: one term per class from the class's log-probabilities
/// <c>lc = log c_k</c>, <c>le = log e_k</c> (meaningful where the probability is not zero), its zero flags
/// <c>zc</c>, <c>ze</c> (the probability is exactly 0) and probabilities <c>c = exp(lc)</c>, <c>e = exp(le)</c>
/// (0 where zero), then the total from the sum of the terms. The score is <c>max(total, 0)</c>, as in the library.
/// One subclass per divergence of the library (<see cref="For"/>), each with the library's conventions at zero:
/// <c>0 log 0 = 0</c>, and +infinity where the divergence is infinite (a zero edge probability where the cloud has mass,
/// for KL); infinity is produced by a CASE, never by <c>ln(0)</c>.
/// </summary>
public abstract class SqlDivergence
{
    private protected SqlDivergence()
    {
    }

    /// <summary>The library's name of the divergence.</summary>
    public abstract string Name { get; }

    /// <summary>The SQL version of <paramref name="divergence"/>.</summary>
    /// <exception cref="NotSupportedException">A divergence without an exact SQL form.</exception>
    public static SqlDivergence For(FDivergence divergence)
    {
        ArgumentNullException.ThrowIfNull(divergence);
        return divergence switch
        {
            KullbackLeibler => new KlSql(),
            ReverseKullbackLeibler => new ReverseKlSql(),
            AlphaDivergence a => new AlphaSql(a.Alpha),
            TotalVariation => new TotalVariationSql(),
            SquaredHellinger => new HellingerSql(),
            PearsonChiSquare => new ChiSquareSql(),
            _ => throw new NotSupportedException($"the divergence '{divergence.Name}' has no SQL form; the engines support {Divergence.Names}."),
        };
    }

    /// <summary>The term of one class.</summary>
    internal abstract string Term(SqlDialect dialect, ClassNames k);

    /// <summary>The divergence from the sum of the terms (the sum itself unless overridden).</summary>
    internal virtual string Total(SqlDialect dialect, string sum) => sum;

    /// <summary>The column names of one class in the score query.</summary>
    internal readonly record struct ClassNames(string Lc, string Le, string Zc, string Ze, string C, string E);
}
