namespace CredalDistill.Credal;

/// <summary>How a set of labels is read off a credal set (METHOD.md section 3.3).</summary>
public enum LabelSetRule
{
    /// <summary><c>{ k : upper_k &gt;= max_j lower_j }</c>.</summary>
    IntervalDominance,

    /// <summary>Labels not dominated: no <c>j</c> with <c>min_q (q_j - q_k) &gt; 0</c>.</summary>
    Maximality,
}
