namespace CredalDistill.Calibration;

/// <summary>What <see cref="AutoCalibrator"/> chose and why: every candidate's score and the winner.</summary>
/// <param name="Chosen">Index of the chosen candidate in <see cref="Candidates"/>.</param>
/// <param name="Criterion">What the scores are, e.g. "2-fold cross-fitted cloud-referenced ECE (15 bins), seed 1".</param>
/// <param name="Reason">A sentence saying why the winner was chosen.</param>
/// <param name="Candidates">Every candidate with its score, in evaluation order.</param>
public sealed record AutoChoice(int Chosen, string Criterion, string Reason, IReadOnlyList<AutoCandidate> Candidates)
{
    /// <summary>The chosen candidate.</summary>
    public AutoCandidate Winner => Candidates[Chosen];
}
