namespace CredalDistill.Experiments;

/// <summary>One task's deferral results (<see cref="DeferralStudy"/>), means over splits, fractions.</summary>
public sealed class DeferralStudyResult
{
    /// <summary>Task name.</summary>
    public required string Task { get; init; }

    /// <summary>Number of splits.</summary>
    public required int Splits { get; init; }

    /// <summary>Edge accuracy on the test rows (no deferral).</summary>
    public required double EdgeAccuracy { get; init; }

    /// <summary>Cloud accuracy on the test rows (everything deferred).</summary>
    public required double CloudAccuracy { get; init; }

    /// <summary>One entry per ranking rule.</summary>
    public required IReadOnlyList<DeferralRuleSummary> Rules { get; init; }

    /// <summary>Deferral rate of the label-set rule (defer when the set has more than one label).</summary>
    public required double LabelSetRate { get; init; }

    /// <summary>System accuracy of the label-set rule.</summary>
    public required double LabelSetAccuracy { get; init; }

    /// <summary>Conformal selection (BH) operating points.</summary>
    public required IReadOnlyList<SelectionPoint> Selection { get; init; }
}

/// <summary>A ranking rule's mean curve and rate to reach the cloud within the tolerance.</summary>
public sealed class DeferralRuleSummary
{
    /// <summary>Rule name.</summary>
    public required string Rule { get; init; }

    /// <summary>Mean system accuracy at each rate of <see cref="DeferralStudy.RateGrid"/>.</summary>
    public required IReadOnlyList<double> Curve { get; init; }

    /// <summary>Mean deferral rate needed to come within 1 point of the cloud's accuracy.</summary>
    public required double RateToReach { get; init; }
}

/// <summary>One BH level's mean deferral rate, system accuracy and realised fraction of kept inputs that disagree with the cloud.</summary>
public sealed class SelectionPoint
{
    /// <summary>BH level (target fraction of kept inputs whose edge class differs from the cloud's).</summary>
    public required double Level { get; init; }

    /// <summary>Mean deferral rate.</summary>
    public required double Rate { get; init; }

    /// <summary>Mean system accuracy.</summary>
    public required double Accuracy { get; init; }

    /// <summary>Mean realised fraction of kept inputs whose edge class differs from the cloud's.</summary>
    public required double MisalignedAmongKept { get; init; }
}
