using CredalDistill.Validation;

namespace CredalDistill.Deferral;

/// <summary>
/// System accuracy against deferral rate: inputs are sent to the cloud in decreasing order of a deferral score (ties
/// kept in input order); at rate <c>r = d / n</c> the system answers with the cloud on the <c>d</c> deferred inputs and
/// with the edge on the rest, so its accuracy is <c>(sum_{deferred} cloudCorrect + sum_{kept} edgeCorrect) / n</c>.
/// </summary>
public static class DeferralCurve
{
    /// <summary>System accuracy after deferring 0, 1, ..., n inputs (length n + 1).</summary>
    /// <param name="scores">Deferral scores (larger = deferred first).</param>
    /// <param name="edgeCorrect">Whether the edge's prediction is correct, per input.</param>
    /// <param name="cloudCorrect">Whether the cloud's prediction is correct, per input.</param>
    public static double[] Accuracy(ReadOnlySpan<double> scores, ReadOnlySpan<bool> edgeCorrect, ReadOnlySpan<bool> cloudCorrect)
    {
        int n = scores.Length;
        Check.NotEmpty(n, nameof(scores), "inputs");
        Check.SameLength(n, edgeCorrect.Length, nameof(edgeCorrect));
        Check.SameLength(n, cloudCorrect.Length, nameof(cloudCorrect));
        Check.Finite(scores, nameof(scores));
        var order = new int[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
        }

        var keys = new double[n];
        for (int i = 0; i < n; i++)
        {
            keys[i] = -scores[i];
        }

        // Stable order: by descending score, then by index.
        Array.Sort(order, (a, b) => keys[a] != keys[b] ? keys[a].CompareTo(keys[b]) : a.CompareTo(b));
        int correct = 0;
        for (int i = 0; i < n; i++)
        {
            correct += edgeCorrect[i] ? 1 : 0;
        }

        var accuracy = new double[n + 1];
        accuracy[0] = (double)correct / n;
        for (int d = 1; d <= n; d++)
        {
            int i = order[d - 1];
            correct += (cloudCorrect[i] ? 1 : 0) - (edgeCorrect[i] ? 1 : 0);
            accuracy[d] = (double)correct / n;
        }

        return accuracy;
    }

    /// <summary>
    /// The smallest deferral rate <c>d / n</c> at which the system's accuracy reaches <paramref name="target"/>
    /// (e.g. the cloud's accuracy minus 0.01), or null when no rate does.
    /// </summary>
    /// <param name="accuracy">A curve from <see cref="Accuracy"/>.</param>
    /// <param name="target">The accuracy to reach.</param>
    public static double? RateToReach(ReadOnlySpan<double> accuracy, double target)
    {
        if (accuracy.Length < 2)
        {
            throw new ArgumentException("a deferral curve has n + 1 >= 2 points.", nameof(accuracy));
        }

        int n = accuracy.Length - 1;
        for (int d = 0; d <= n; d++)
        {
            if (accuracy[d] >= target)
            {
                return (double)d / n;
            }
        }

        return null;
    }
}
