namespace CredalDistill.Deferral;

/// <summary>
/// When the device sends an input to the cloud. The credal rules read the CD-CI credal set around the edge output
/// (exact bounds <c>[l_k, u_k]</c>, <c>c = argmax p_edge</c>); the confidence rules are the baselines.
/// </summary>
public enum DeferralRule
{
    /// <summary>Defer when the interval-dominance label set has more than one label (no level).</summary>
    LabelSetSize,

    /// <summary>Defer when the interval width of the predicted class, <c>u_c - l_c</c>, is above the level.</summary>
    TopIntervalWidth,

    /// <summary>Defer when the largest upper probability of another class, <c>max_{k != c} u_k</c>, is above the level.</summary>
    RivalUpper,

    /// <summary>Baseline: defer when the edge's maximum probability <c>max_k p_k</c> is below the level.</summary>
    EdgeConfidence,
}
