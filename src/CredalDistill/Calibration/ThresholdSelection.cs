namespace CredalDistill.Calibration;

/// <summary>
/// How the divergence and <c>eps</c> of a conformal threshold were chosen. <c>fixed</c>: given by the user (one-element grids,
/// no scores). <c>auto</c>: chosen without labels by the lowest <see cref="Folds"/>-fold cross-fitted cloud-referenced ECE of
/// <see cref="Output"/> over the grid (<see cref="Conformal.ConfigurationSelector"/>); the conformal guarantee then holds only up
/// to that selection.
/// </summary>
/// <param name="Mode"><c>fixed</c> or <c>auto</c>.</param>
/// <param name="Output">The extraction the scores were computed for (<c>intersection</c>, <c>maxent</c>, <c>centroid</c>).</param>
/// <param name="Divergences">The candidate divergences (one when fixed).</param>
/// <param name="Epsilons">The candidate miscoverage levels (one when fixed).</param>
/// <param name="Scores"><c>Scores[d][e]</c>, cross-fitted cloud-referenced ECE (fraction); null when fixed.</param>
/// <param name="Folds">Number of folds; null when fixed.</param>
/// <param name="Seed">Seed of the folds; null when fixed.</param>
public sealed record ThresholdSelection(string Mode, string Output, IReadOnlyList<string> Divergences, IReadOnlyList<double> Epsilons, IReadOnlyList<IReadOnlyList<double>>? Scores, int? Folds, ulong? Seed)
{
    /// <summary>The <see cref="Mode"/> of a user-given divergence and eps.</summary>
    public const string Fixed = "fixed";

    /// <summary>The <see cref="Mode"/> of a label-free data-driven choice.</summary>
    public const string Auto = "auto";

    /// <summary>A fixed choice of one divergence and one eps.</summary>
    public static ThresholdSelection FixedChoice(string divergence, double epsilon, string output) => new(Fixed, output, [divergence], [epsilon], null, null, null);
}
