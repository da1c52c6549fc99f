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

        long hits = 0;
        double nll = 0.0;
        double brier = 0.0;
        double ksSum = 0.0;
        double ksMax = 0.0;

        // Equal-mass bin state: bin b covers resampled positions [floor(b n / B), floor((b + 1) n / B)).
        double e2 = 0.0;
        int massBin = 0;
        long position = 0;
        long massEnd = Binning.MassBoundary(1, n, massBins);
        long massCount = 0;
        double massConfidence = 0.0;
        double massHits = 0.0;

        for (int segment = 0; segment < segments; segment++)
        {
            int from = widthStart.IsEmpty ? 0 : widthStart[segment];
            int to = widthStart.IsEmpty ? rows : widthStart[segment + 1];
            long segmentCount = 0;
            double segmentConfidence = 0.0;
            long segmentHits = 0;
            for (int j = from; j < to; j++)
            {
                int w = unit ? 1 : counts[order[j]];
                double weight = w;
                double c = confidence[j];
                bool hit = correct[j];
                double a = hit ? 1.0 : 0.0;
                double weightedHit = hit ? weight : 0.0;
                double weightedConfidence = weight * c;
                segmentCount += w;
                segmentConfidence += weightedConfidence;
                segmentHits += hit ? w : 0;
                if (terms)
                {
                    nll += weight * sortedNll[j];
                    brier += weight * sortedBrier[j];
                }

                // KS: the partial sum moves linearly inside a run of duplicates, so checking the run's end suffices.
                ksSum += weightedConfidence - weightedHit;
                ksMax = Math.Max(ksMax, Math.Abs(ksSum));

                if (position + w < massEnd)
                {
                    // The whole run stays inside the current equal-mass bin (the common case; w = 0 adds nothing).
                    massCount += w;
                    massConfidence += weightedConfidence;
                    massHits += weightedHit;
                    position += w;
                    continue;
                }

                // The run reaches a boundary: split it position by position between the bins it covers.
                long remaining = w;
                while (remaining > 0)
                {
                    while (position == massEnd)
                    {
                        e2 += MassTerm(massCount, massConfidence, massHits, n);
                        massCount = 0;
                        massConfidence = 0.0;
                        massHits = 0.0;
                        massBin++;
                        massEnd = Binning.MassBoundary(massBin + 1, n, massBins);
                    }

                    long take = Math.Min(remaining, massEnd - position);
                    massCount += take;
                    massConfidence += take * c;
                    massHits += take * a;
                    position += take;
                    remaining -= take;
                }
            }

            hits += segmentHits;
            if (!widthStart.IsEmpty)
            {
                widthCount[segment] = segmentCount;
                widthConfidence[segment] = segmentConfidence;
                widthHits[segment] = segmentHits;
            }
        }

        e2 += MassTerm(massCount, massConfidence, massHits, n);
        return new Sums
        {
            Hits = hits,
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
