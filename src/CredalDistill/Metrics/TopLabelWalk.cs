namespace CredalDistill.Metrics;

/// <summary>
/// One pass in confidence order over rows that each occur <c>w_j</c> times (a bootstrap resample; once each for the point
/// estimates): the sums behind accuracy, NLL, Brier and the equal-width bins, the debiased ECE's equal-mass bins
/// (<see cref="DebiasedCalibrationError"/>) and the KS prefix sums (<see cref="KsCalibrationError"/>). Internal; the
/// definitions are documented on those classes, this is their single implementation.
/// </summary>
internal static class TopLabelWalk
{
    /// <summary>The results of a walk (sums are weighted by the multiplicities; divide by n for means).</summary>
    public struct Sums
    {
        /// <summary><c>sum_j w_j a_j</c>.</summary>
        public long Hits;

        /// <summary><c>sum_j w_j nll_j</c> (0 when no NLL terms were given).</summary>
        public double Nll;

        /// <summary><c>sum_j w_j brier_j</c> (0 when no Brier terms were given).</summary>
        public double Brier;

        /// <summary>The debiased top-label L2 ECE <c>sqrt(max(E2, 0))</c>.</summary>
        public double EceDebiased;

        /// <summary>The KS calibration error.</summary>
        public double KsError;
    }

    /// <summary>
    /// Walks <paramref name="sorted"/> with multiplicity <c>counts[Order[j]]</c> for sorted position j (every row once when
    /// <paramref name="counts"/> is empty); <paramref name="n"/> = total multiplicity. When <paramref name="widthStart"/> is
    /// given (length <c>W + 1</c>: the first sorted position of each equal-width bin, then the row count), the per-bin
    /// multiplicity, confidence and hit sums are written to <paramref name="widthCount"/>, <paramref name="widthConfidence"/>
    /// and <paramref name="widthHits"/>.
    /// </summary>
    public static Sums Run(
        TopLabelOrder sorted,
        ReadOnlySpan<int> counts,
        long n,
        int massBins,
        ReadOnlySpan<double> sortedNll = default,
        ReadOnlySpan<double> sortedBrier = default,
        ReadOnlySpan<int> widthStart = default,
        Span<long> widthCount = default,
        Span<double> widthConfidence = default,
        Span<double> widthHits = default)
    {
        var confidence = sorted.Confidence.AsSpan();
        var correct = sorted.Correct.AsSpan();
        var order = sorted.Order.AsSpan();
        int rows = confidence.Length;
        bool unit = counts.IsEmpty;
        bool terms = !sortedNll.IsEmpty;
        int segments = widthStart.IsEmpty ? 1 : widthStart.Length - 1;

        // Cumulative weighted sums over the sorted positions walked so far: multiplicity, confidence, hits. Every bin (equal-mass
        // or equal-width) is a difference of these at its two ends, and the KS partial sum is cumulative confidence minus hits.
        long total = 0;
        double confidenceSum = 0.0;
        double hitSum = 0.0;
        double nll = 0.0;
        double brier = 0.0;
        double ksMax = 0.0;

        // Equal-mass bin b covers resampled positions [floor(b n / B), floor((b + 1) n / B)); its start's cumulative sums.
        double e2 = 0.0;
        int massBin = 0;
        long massEnd = Binning.MassBoundary(1, n, massBins);
        long massStart = 0;
        double massStartConfidence = 0.0;
        double massStartHits = 0.0;

        for (int segment = 0; segment < segments; segment++)
        {
            int from = widthStart.IsEmpty ? 0 : widthStart[segment];
            int to = widthStart.IsEmpty ? rows : widthStart[segment + 1];
            long segmentStart = total;
            double segmentStartConfidence = confidenceSum;
            double segmentStartHits = hitSum;
            for (int j = from; j < to; j++)
            {
                int w = unit ? 1 : counts[order[j]];
                double weight = w;
                double c = confidence[j];
                double a = correct[j] ? 1.0 : 0.0;
                if (terms)
                {
                    nll += weight * sortedNll[j];
                    brier += weight * sortedBrier[j];
                }

                // The run of w duplicates covers positions [total, total + w); close every equal-mass bin that ends inside it,
                // splitting the run position by position.
                while (total + w > massEnd)
                {
                    double take = massEnd - total;
                    double endConfidence = confidenceSum + (take * c);
                    double endHits = hitSum + (take * a);
                    e2 += MassTerm(massEnd - massStart, endConfidence - massStartConfidence, endHits - massStartHits, n);
                    massStart = massEnd;
                    massStartConfidence = endConfidence;
                    massStartHits = endHits;
                    massBin++;
                    massEnd = Binning.MassBoundary(massBin + 1, n, massBins);
                }

                total += w;
                confidenceSum += weight * c;
                hitSum += weight * a;

                // KS: the partial sum moves linearly inside a run of duplicates, so checking the run's end suffices.
                ksMax = Math.Max(ksMax, Math.Abs(confidenceSum - hitSum));
            }

            if (!widthStart.IsEmpty)
            {
                widthCount[segment] = total - segmentStart;
                widthConfidence[segment] = confidenceSum - segmentStartConfidence;
                widthHits[segment] = hitSum - segmentStartHits;
            }
        }

        e2 += MassTerm(total - massStart, confidenceSum - massStartConfidence, hitSum - massStartHits, n);
        return new Sums
        {
            Hits = (long)hitSum,
            Nll = nll,
            Brier = brier,
            EceDebiased = Math.Sqrt(Math.Max(e2, 0.0)),
            KsError = ksMax / n,
        };
    }

    /// <summary>One equal-mass bin's term <c>(n_b / n) [(abar - cbar)^2 - abar (1 - abar) / (n_b - 1)]</c> (no variance term when <c>n_b = 1</c>; 0 when empty).</summary>
    private static double MassTerm(long count, double sumConfidence, double sumCorrect, long n)
    {
        if (count == 0)
        {
            return 0.0;
        }

        double cbar = sumConfidence / count;
        double abar = sumCorrect / count;
        double gap = abar - cbar;
        double squared = gap * gap;
        if (count >= 2)
        {
            squared -= abar * (1.0 - abar) / (count - 1);
        }

        return (double)count / n * squared;
    }
}
