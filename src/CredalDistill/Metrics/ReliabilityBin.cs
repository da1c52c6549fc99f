namespace CredalDistill.Metrics;

/// <summary>
/// One bin of a reliability diagram: the samples whose confidence falls in the bin, their mean confidence
/// <c>conf_b = (1/n_b) sum_{i in b} c_i</c> and their accuracy <c>acc_b = (1/n_b) sum_{i in b} 1[correct_i]</c>.
/// </summary>
/// <remarks>
/// Empty bins are kept (so a diagram always has one entry per bin) and marked by <see cref="IsEmpty"/>; their
/// <see cref="MeanConfidence"/>, <see cref="Accuracy"/> and <see cref="Gap"/> are 0 and they contribute nothing to
/// any calibration error. For equal-width bins the edges are <c>[b/B, (b+1)/B]</c> (a confidence <c>c</c> goes to
/// bin <c>ceil(B c) - 1</c>, so each bin is the half-open interval <c>(b/B, (b+1)/B]</c>, bin 0 also holding 0);
/// for equal-mass bins they are the smallest and largest confidence in the bin (0 and 0 when empty).
/// </remarks>
public sealed record ReliabilityBin
{
    /// <summary>Creates a bin; <paramref name="count"/> 0 means empty.</summary>
    public ReliabilityBin(int index, double lower, double upper, int count, double meanConfidence, double accuracy)
    {
        Index = index;
        Lower = lower;
        Upper = upper;
        Count = count;
        MeanConfidence = meanConfidence;
        Accuracy = accuracy;
    }

    /// <summary>0-based bin index <c>b</c>.</summary>
    public int Index { get; }

    /// <summary>Lower edge of the bin.</summary>
    public double Lower { get; }

    /// <summary>Upper edge of the bin.</summary>
    public double Upper { get; }

    /// <summary>Number of samples <c>n_b</c> in the bin.</summary>
    public int Count { get; }

    /// <summary>Mean confidence <c>conf_b</c> of the bin's samples (0 when empty).</summary>
    public double MeanConfidence { get; }

    /// <summary>Fraction <c>acc_b</c> of the bin's samples that are correct (0 when empty).</summary>
    public double Accuracy { get; }

    /// <summary>True when the bin holds no sample (<c>n_b = 0</c>).</summary>
    public bool IsEmpty => Count == 0;

    /// <summary>Calibration gap <c>|acc_b - conf_b|</c> (0 when empty).</summary>
    public double Gap => Math.Abs(Accuracy - MeanConfidence);
}
