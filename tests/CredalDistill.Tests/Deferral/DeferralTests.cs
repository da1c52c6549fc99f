using CredalDistill.Credal;
using CredalDistill.Deferral;
using CredalDistill.Divergences;
using CredalDistill.Tests.Support;

namespace CredalDistill.Tests.Deferral;

/// <summary>Deferral rules against the predictor's own bounds and label sets, curves and BH selection against brute force, FDR by simulation.</summary>
public class DeferralTests
{
    private static readonly CredalPredictor Predictor = new(Divergence.KL, 0.3);

    [Fact]
    public void Credal_scores_are_read_from_the_exact_bounds_and_label_set()
    {
        var rng = new Random(2);
        var (_, edge) = SyntheticPairs.Draw(rng, 200, 5);
        var width = new CredalDeferral(Predictor, DeferralRule.TopIntervalWidth, 0.2);
        var rival = new CredalDeferral(Predictor, DeferralRule.RivalUpper, 0.4);
        var size = new CredalDeferral(Predictor, DeferralRule.LabelSetSize);
        var confidence = new CredalDeferral(Predictor, DeferralRule.EdgeConfidence, 0.8);
        var lower = new double[5];
        var upper = new double[5];
        var members = new bool[5];
        int deferredBySize = 0;
        for (int i = 0; i < edge.Rows; i++)
        {
            var p = edge.Row(i).ToArray();
            int c = Array.IndexOf(p, p.Max());
            Predictor.Bounds(p, lower, upper);
            Predictor.LabelSet(p, LabelSetRule.IntervalDominance, members);
            var row = edge.AsEdgeRow(i);
            Assert.Equal(upper[c] - lower[c], width.Score(row), 12);
            Assert.Equal(Enumerable.Range(0, 5).Where(k => k != c).Max(k => upper[k]), rival.Score(row), 12);
            Assert.Equal(members.Count(m => m), size.Score(row));
            Assert.Equal(members.Count(m => m) > 1, size.Defer(row));
            Assert.Equal(upper[c] - lower[c] > 0.2, width.Defer(row));
            Assert.Equal(p.Max() < 0.8, confidence.Defer(row));
            deferredBySize += size.Defer(row) ? 1 : 0;
        }

        Assert.InRange(deferredBySize, 1, edge.Rows - 1); // the example exercises both outcomes
        Assert.Equal(size.Decide(edge).Count(d => d), deferredBySize);
    }

    [Fact]
    public void Curve_matches_brute_force_and_reports_the_rate_to_reach_a_target()
    {
        double[] scores = [0.9, 0.1, 0.5, 0.5, 0.3];
        bool[] edge = [false, true, false, true, true];
        bool[] cloud = [true, true, true, false, true];
        var curve = DeferralCurve.Accuracy(scores, edge, cloud);
        // Order: 0 (0.9), 2 (0.5, first), 3 (0.5), 4 (0.3), 1 (0.1).
        Assert.Equal([0.6, 0.8, 1.0, 0.8, 0.8, 0.8], curve);
        Assert.Equal(0.4, DeferralCurve.RateToReach(curve, 0.95));
        Assert.Null(DeferralCurve.RateToReach(curve, 1.01));
        Assert.Equal(0.0, DeferralCurve.RateToReach(curve, 0.5));
    }

    [Fact]
    public void Selection_p_values_and_benjamini_hochberg_match_brute_force()
    {
        var rng = new Random(4);
        var calScores = Enumerable.Range(0, 50).Select(_ => Math.Round(rng.NextDouble(), 1)).ToArray();
        var aligned = calScores.Select(s => rng.NextDouble() < s).ToArray();
        var selection = new ConformalSelection(calScores, aligned);
        var test = Enumerable.Range(0, 40).Select(_ => Math.Round(rng.NextDouble(), 1)).ToArray();
        var p = test.Select(v => (1.0 + calScores.Where((s, j) => !aligned[j] && s >= v).Count()) / 51.0).ToArray();
        for (int i = 0; i < test.Length; i++)
        {
            Assert.Equal(p[i], selection.PValue(test[i]), 15);
        }

        const double alpha = 0.3;
        int r = Enumerable.Range(1, test.Length).Where(rr => p.Order().ElementAt(rr - 1) <= alpha * rr / test.Length).DefaultIfEmpty(0).Max();
        var expected = p.Select(pi => r > 0 && pi <= alpha * r / test.Length).ToArray();
        Assert.Equal(expected, selection.Select(test, alpha));
        Assert.Contains(true, expected);
        Assert.Contains(false, expected);
    }

    [Fact]
    public void Kept_inputs_disagree_with_the_cloud_at_most_at_the_target_rate_on_average()
    {
        // Score V = edge confidence; alignment is more likely when V is high. FDR = E[#kept misaligned / max(1, #kept)].
        const double alpha = 0.1;
        const int reps = 300;
        var rng = new Random(12);
        double fdp = 0;
        int kept = 0;
        for (int r = 0; r < reps; r++)
        {
            (double V, bool A) Draw()
            {
                double v = rng.NextDouble();
                return (v, rng.NextDouble() < 0.5 + (0.5 * v));
            }

            var cal = Enumerable.Range(0, 200).Select(_ => Draw()).ToArray();
            var test = Enumerable.Range(0, 100).Select(_ => Draw()).ToArray();
            var keep = new ConformalSelection(cal.Select(c => c.V).ToArray(), cal.Select(c => c.A).ToArray()).Select(test.Select(t => t.V).ToArray(), alpha);
            int k = keep.Count(x => x);
            int bad = test.Where((t, i) => keep[i] && !t.A).Count();
            fdp += (double)bad / Math.Max(1, k);
            kept += k;
        }

        Assert.True(fdp / reps <= alpha + 0.01, $"FDR {fdp / reps}");
        Assert.True(kept > reps * 5, "the selection keeps a useful number of inputs");
    }
}
