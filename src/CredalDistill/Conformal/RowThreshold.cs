using CredalDistill.Divergences;

namespace CredalDistill.Conformal;

/// <summary>
/// A conformal threshold that depends on the row: <c>gamma(x)</c>, computed from the edge output alone, so the credal set of
/// a row is <c>{ q : D(q || p_edge) &lt;= gamma(p_edge) }</c> (METHOD.md section 3.4). Implemented by
/// <see cref="MondrianThreshold"/> (<c>gamma_{argmax p_edge}</c>) and <see cref="Shift.CovariateShiftThreshold"/>
/// (the weighted quantile with the row's density-ratio weight). A <see cref="Credal.CredalPredictor"/> built on one applies
/// each row's own threshold.
/// </summary>
public abstract class RowThreshold
{
    private protected RowThreshold()
    {
    }

    /// <summary>The rule name reported for one threshold serving every row (evaluate, monitor, export metadata).</summary>
    public const string Marginal = "marginal";

    /// <summary>The rule name reported by evaluate, monitor and the export metadata: <c>mondrian</c> or <c>shift</c>.</summary>
    public abstract string Rule { get; }

    /// <summary>The score divergence <c>D</c>.</summary>
    public abstract FDivergence Divergence { get; }

    /// <summary>Target miscoverage <c>eps</c> in (0, 1).</summary>
    public abstract double Epsilon { get; }

    /// <summary>Number of calibration rows.</summary>
    public abstract int N { get; }

    /// <summary>Number of classes <c>K</c>.</summary>
    public abstract int Classes { get; }

    /// <summary>The threshold of one edge output, in nats (+infinity when unbounded).</summary>
    /// <exception cref="ArgumentException">The row does not have <see cref="Classes"/> entries.</exception>
    public abstract double GammaFor(EdgeRow edge);

    /// <summary>Human-readable warnings about unbounded or weakly supported thresholds; empty when there are none.</summary>
    public abstract IReadOnlyList<string> Warnings();

    /// <summary>Checks that <paramref name="edge"/> has <see cref="Classes"/> entries.</summary>
    private protected void CheckRow(EdgeRow edge)
    {
        if (edge.Classes != Classes)
        {
            throw new ArgumentException($"the edge row has {edge.Classes} classes; the threshold was calibrated with {Classes}.", nameof(edge));
        }
    }
}
