using CredalDistill.Divergences;
using CredalDistill.Validation;

namespace CredalDistill.Conformal;

/// <summary>
/// Calibrates <see cref="MondrianThreshold"/>: scores <c>s_i = D(cloud_i || edge_i)</c>, grouped by the edge's
/// predicted class <c>argmax p_edge_i</c> (lowest index on ties); per group the split-conformal rule of
/// <see cref="ConformalThreshold"/> (or, with <c>delta</c>, the PAC rule of <see cref="TrainingConditional"/>).
/// </summary>
public sealed partial class MondrianThreshold
{
    /// <summary>Calibrates one threshold per predicted class. No labels are needed.</summary>
    /// <param name="cloud">Cloud outputs on the calibration inputs, <c>n x K</c>.</param>
    /// <param name="edge">Edge outputs on the same inputs.</param>
    /// <param name="epsilon">Miscoverage within each predicted class, in (0, 1).</param>
    /// <param name="divergence">Score divergence; null means KL.</param>
    /// <param name="delta">Null for the marginal rule per class; otherwise the PAC failure probability.</param>
    public static MondrianThreshold Calibrate(ProbabilityMatrix cloud, ProbabilityMatrix edge, double epsilon, FDivergence? divergence = null, double? delta = null)
    {
        ArgumentNullException.ThrowIfNull(cloud);
        ArgumentNullException.ThrowIfNull(edge);
        Check.Epsilon(epsilon, nameof(epsilon));
        Check.NotEmpty(cloud.Rows, nameof(cloud), "calibration outputs");
        divergence ??= Divergences.Divergence.KL;
        var scores = SplitConformal.Scores(cloud, edge, divergence);
        var predicted = new int[edge.Rows];
        for (int i = 0; i < edge.Rows; i++)
        {
            predicted[i] = edge.ArgMax(i);
        }

        return Calibrate(scores, predicted, cloud.Classes, epsilon, divergence, delta);
    }

    /// <summary>Calibrates from precomputed scores and each row's predicted class.</summary>
    /// <param name="scores">One score per calibration row.</param>
    /// <param name="predictedClasses">The edge's predicted class of each row, in <c>[0, classes)</c>.</param>
    /// <param name="classes">Number of classes <c>K</c>.</param>
    /// <param name="epsilon">Miscoverage within each predicted class.</param>
    /// <param name="divergence">The divergence the scores were computed with.</param>
    /// <param name="delta">Null for the marginal rule per class; otherwise the PAC failure probability.</param>
    public static MondrianThreshold Calibrate(ReadOnlySpan<double> scores, ReadOnlySpan<int> predictedClasses, int classes, double epsilon, FDivergence divergence, double? delta = null)
    {
        ArgumentNullException.ThrowIfNull(divergence);
        Check.Classes(classes, nameof(classes));
        Check.Epsilon(epsilon, nameof(epsilon));
        Check.NotEmpty(scores.Length, nameof(scores), "scores");
        Check.SameLength(scores.Length, predictedClasses.Length, nameof(predictedClasses));
        Check.Labels(predictedClasses, classes, nameof(predictedClasses));
        var groups = new List<double>[classes];
        for (int c = 0; c < classes; c++)
        {
            groups[c] = [];
        }

        for (int i = 0; i < scores.Length; i++)
        {
            groups[predictedClasses[i]].Add(scores[i]);
        }

        var gammas = new double[classes];
        var counts = new int[classes];
        for (int c = 0; c < classes; c++)
        {
            counts[c] = groups[c].Count;
            if (groups[c].Count == 0)
            {
                gammas[c] = double.PositiveInfinity;
                continue;
            }

            var group = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(groups[c]);
            gammas[c] = (delta is double d
                ? TrainingConditional.Calibrate(group, classes, epsilon, d, divergence)
                : SplitConformal.Calibrate(group, classes, epsilon, divergence)).Gamma;
        }

        return new MondrianThreshold(gammas, counts, epsilon, divergence, delta);
    }
}
