namespace CredalDistill.Cli.Reporting;

/// <summary>
/// Conditional coverage of the credal sets (JSON object <c>conditionalCoverage</c>): the share of rows with
/// <c>D(cloud || centre) &lt;= the row's threshold</c> within groups of rows, by the centre's predicted class and by
/// equal-mass bins of the centre's top-1 confidence, and the group with the lowest coverage. Marginal coverage can hide
/// groups far below the target; these groups are fixed before looking at the data, so they are a diagnostic, not a
/// search for the worst subset.
/// </summary>
public sealed class ConditionalCoverage
{
    /// <summary>Number of confidence groups (equal-mass bins of the centre's top-1 confidence).</summary>
    public const int ConfidenceGroups = 10;

    /// <summary>One entry per class <c>c = argmax</c> of the centre (the edge, or the tempered edge).</summary>
    public required IReadOnlyList<GroupCoverage> ByClass { get; init; }

    /// <summary>
    /// One entry per confidence bin: rows sorted by the centre's top-1 confidence (ties by row), bin <c>b</c> holding sorted
    /// positions <c>floor(b n / 10) .. floor((b + 1) n / 10) - 1</c>; <see cref="GroupCoverage.Lower"/> and
    /// <see cref="GroupCoverage.Upper"/> are the smallest and largest confidence in the bin.
    /// </summary>
    public required IReadOnlyList<GroupCoverage> ByConfidence { get; init; }

    /// <summary>The non-empty group (of either kind) with the lowest coverage; ties: classes first, then the lower index.</summary>
    public required GroupCoverage Worst { get; init; }
}

/// <summary>Coverage of the cloud within one group of rows (an entry of <c>byClass</c> or <c>byConfidence</c>, or <c>worst</c>).</summary>
public sealed class GroupCoverage
{
    /// <summary>The kind of group: <c>class</c> or <c>confidence</c>.</summary>
    public required string Group { get; init; }

    /// <summary>The class, or the 0-based confidence bin.</summary>
    public int Index { get; init; }

    /// <summary>Smallest top-1 confidence in the group (confidence bins only; null for classes or an empty bin).</summary>
    public double? Lower { get; init; }

    /// <summary>Largest top-1 confidence in the group (confidence bins only; null for classes or an empty bin).</summary>
    public double? Upper { get; init; }

    /// <summary>Evaluated rows in the group.</summary>
    public long Rows { get; init; }

    /// <summary>Fraction of the group's rows whose cloud output is in the credal set; null when the group is empty.</summary>
    public double? Coverage { get; init; }
}
