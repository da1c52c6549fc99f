namespace CredalDistill.Calibration;

/// <summary>One candidate of <see cref="AutoCalibrator"/> and its cross-fitted score.</summary>
/// <param name="Method"><c>distilled-ts</c>, <c>cdci</c> or <c>distilled-ts+cdci</c>.</param>
/// <param name="Divergence">The candidate's divergence (<c>cdci</c> only; null otherwise).</param>
/// <param name="Epsilon">The candidate's eps (<c>cdci</c> only; null otherwise).</param>
/// <param name="Output">The point output scored: <c>tempered</c>, <c>intersection</c> or <c>maxent</c>.</param>
/// <param name="Score">Cross-fitted mean <c>KL(cloud || output)</c> in nats; lower is better.</param>
/// <param name="Agreement">Cross-fitted top-1 agreement with the cloud (fraction), on the same folds.</param>
public sealed record AutoCandidate(string Method, string? Divergence, double? Epsilon, string Output, double Score, double Agreement);
