namespace CredalDistill.Calibration;

/// <summary>What <see cref="AutoCalibrator"/> chose and why: every candidate's score and agreement, the eligibility floor, and the winner.</summary>
/// <param name="Chosen">Index of the chosen candidate in <see cref="Candidates"/>.</param>
/// <param name="Criterion">What the scores are, e.g. "2-fold cross-fitted mean KL(cloud || output) in nats, folds seeded with 1".</param>
/// <param name="Reason">A sentence saying why the winner was chosen.</param>
/// <param name="Candidates">Every candidate with its score, in evaluation order.</param>
/// <param name="MinimumAgreement">Eligibility floor: the edge's own cross-fitted top-1 agreement with the cloud minus the allowed loss; a candidate below it is not chosen.</param>
public sealed record AutoChoice(int Chosen, string Criterion, string Reason, IReadOnlyList<AutoCandidate> Candidates, double MinimumAgreement)
{
    /// <summary>True when <paramref name="candidate"/> may be chosen (its agreement reaches <see cref="MinimumAgreement"/>).</summary>
    public bool IsEligible(AutoCandidate candidate) => candidate is not null && candidate.Agreement >= MinimumAgreement;

    /// <summary>The chosen candidate.</summary>
    public AutoCandidate Winner => Candidates[Chosen];
}
