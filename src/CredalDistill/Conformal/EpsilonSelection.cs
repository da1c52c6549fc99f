namespace CredalDistill.Conformal;

/// <summary>Result of <see cref="EpsilonSelector.Select"/>: every candidate's cross-fitted score and the chosen miscoverage.</summary>
internal sealed class EpsilonSelection
{
    internal EpsilonSelection(double[] candidates, double[] scores, int chosen, ConformalThreshold threshold)
    {
        Candidates = candidates;
        Scores = scores;
        ChosenIndex = chosen;
        Threshold = threshold;
    }

    /// <summary>The candidate miscoverage levels, in the order given.</summary>
    public IReadOnlyList<double> Candidates { get; }

    /// <summary>Cross-fitted cloud-referenced ECE (fraction) of each candidate; lower is better.</summary>
    public IReadOnlyList<double> Scores { get; }

    /// <summary>Index of the chosen candidate (lowest score; ties to the larger epsilon, i.e. the smaller set).</summary>
    public int ChosenIndex { get; }

    /// <summary>The chosen miscoverage.</summary>
    public double Epsilon => Candidates[ChosenIndex];

    /// <summary>The threshold at the chosen epsilon, calibrated on the whole calibration set.</summary>
    public ConformalThreshold Threshold { get; }
}
