using CredalDistill.Baselines;
using CredalDistill.Calibration;
using CredalDistill.Conformal;
using CredalDistill.Divergences;
using CredalDistill.Metrics;
using CredalDistill.Tests.Support;

namespace CredalDistill.Tests.Calibration;

/// <summary>
/// The calibrators through the public pipeline (the registry, <see cref="Calibrator.Fit"/>, <see cref="FittedCalibrator"/>),
/// checked against references written here from the definitions: the scores by the plain divergence of each pair, the rank by
/// decimal arithmetic, the bounds by the double-double reference, the temperature by a golden-section search.
/// </summary>
public sealed class CalibratorPipelineTests
{
    /// <summary><c>s_(k)</c>, <c>k = ceil((n + 1)(1 - eps))</c> in decimal, of the plain-loop scores <c>D(cloud_i || edge_i)</c>; +inf when k &gt; n.</summary>
    private static double ReferenceGamma(ProbabilityMatrix cloud, ProbabilityMatrix edge, FDivergence d, double epsilon)
    {
        var scores = Enumerable.Range(0, cloud.Rows).Select(i => d.Compute(cloud.Row(i), edge.Row(i))).OrderBy(s => s).ToArray();
        long k = Math.Max(1L, (long)Math.Ceiling((scores.Length + 1m) * (1m - (decimal)epsilon)));
        return k > scores.Length ? double.PositiveInfinity : scores[k - 1];
    }

    [Theory]
    [InlineData("kl", 0.1)]
    [InlineData("reverse-kl", 0.05)]
    [InlineData("alpha:0.9", 0.2)]
    [InlineData("alpha:1.2", 0.1)]
    [InlineData("tv", 0.1)]
    [InlineData("hellinger", 0.3)]
    [InlineData("chi2", 0.1)]
    public void Cdci_gamma_is_the_conformal_order_statistic_and_the_intersection_comes_from_the_exact_bounds(string divergence, double epsilon)
    {
        var data = CalibrationFixture.Data();
        var d = Divergence.Parse(divergence);
        double gamma = ReferenceGamma(data.Cloud, data.Edge, d, epsilon);
        var fitted = CalibrationMethods.Get("cdci").Create(new MethodOptions { Divergence = d, Epsilon = epsilon }).Fit(data);
        Assert.Equal(gamma, fitted.Threshold!.Gamma, 1e-12 * gamma);
        Assert.Equal(ThresholdSelection.Fixed, fitted.Selection!.Mode);
        Assert.True(fitted.Map!.IsIdentity);

        // The intersection probability of the reference bounds around each test row, to the reference's resolution.
        var (test, _) = CalibrationFixture.Test(rows: 15);
        var output = fitted.Calibrate(test);
        var reference = new ReferenceBounds(divergence);
        int k = test.Classes;
        for (int i = 0; i < test.Rows; i++)
        {
            var lower = new double[k];
            var upper = new double[k];
            for (int c = 0; c < k; c++)
            {
                var (lo, up) = reference.FromProbabilities(test.Row(i), c, fitted.Threshold.Gamma);
                lower[c] = lo.Value;
                upper[c] = up.Value;
            }

            double width = upper.Sum() - lower.Sum();
            double beta = (1.0 - lower.Sum()) / width;
            for (int c = 0; c < k; c++)
            {
                Assert.Equal(lower[c] + (beta * (upper[c] - lower[c])), output[i][c], 1e-8);
            }
        }
    }

    [Fact]
    public void Cdci_maxent_and_centroid_lie_in_the_set_and_the_maxent_has_the_most_entropy()
    {
        var data = CalibrationFixture.Data();
        var (test, _) = CalibrationFixture.Test(rows: 20);
        var d = Divergence.KL;
        var maxent = new CdciCalibrator { Output = CalibratedOutput.MaximumEntropy }.Fit(data);
        var centroid = new CdciCalibrator { Output = CalibratedOutput.Centroid }.Fit(data);
        var ip = new CdciCalibrator().Fit(data);
        double gamma = maxent.Threshold!.Gamma;
        var m = maxent.Calibrate(test);
        var c = centroid.Calibrate(test);
        var p = ip.Calibrate(test);
        static double Entropy(ReadOnlySpan<double> q) => -q.ToArray().Where(x => x > 0).Sum(x => x * Math.Log(x));
        for (int i = 0; i < test.Rows; i++)
        {
            Assert.True(d.Compute(m[i], test[i]) <= gamma * (1 + 1e-9), $"row {i}: maxent outside the ball");
            Assert.True(d.Compute(c[i], test[i]) <= gamma * (1 + 1e-9), $"row {i}: centroid outside the ball");
            Assert.True(Entropy(m[i]) >= Entropy(p[i]) - 1e-12 && Entropy(m[i]) >= Entropy(test[i]) - 1e-12, $"row {i}: entropy");
        }
    }

    [Fact]
    public void Cdci_auto_records_the_grid_and_uses_the_chosen_threshold()
    {
        var data = CalibrationFixture.Data();
        FDivergence[] divergences = [Divergence.KL, Divergence.Parse("hellinger")];
        double[] epsilons = [0.05, 0.1, 0.3];
        var fitted = new CdciCalibrator { Divergence = null, Epsilon = null, DivergenceCandidates = divergences, EpsilonCandidates = epsilons, Output = CalibratedOutput.MaximumEntropy }.Fit(data);
        var s = fitted.Selection!;
        Assert.Equal(ThresholdSelection.Auto, s.Mode);
        Assert.Equal("maxent", s.Output);
        Assert.Equal(["kl", "hellinger"], s.Divergences);
        Assert.Equal(epsilons, s.Epsilons);
        int best = -1, bestD = -1;
        for (int dd = 0; dd < 2; dd++)
        {
            for (int e = 0; e < 3; e++)
            {
                if (best < 0 || s.Scores![dd][e] < s.Scores[bestD][best])
                {
                    (bestD, best) = (dd, e);
                }
            }
        }

        // The threshold in use is the reference order statistic of the chosen pair, on every calibration row.
        Assert.Equal(divergences[bestD].Name, fitted.Predictor!.Divergence.Name);
        Assert.Equal(epsilons[best], fitted.Epsilon);
        Assert.Equal(ReferenceGamma(data.Cloud, data.Edge, divergences[bestD], epsilons[best]), fitted.Predictor.Gamma, 1e-12);
    }

    [Fact]
    public void Distilled_ts_plus_cdci_fits_t_on_the_first_half_and_the_threshold_on_the_second()
    {
        var data = CalibrationFixture.Data(rows: 81);
        int[] first = [.. Enumerable.Range(0, 40)];
        int[] second = [.. Enumerable.Range(40, 41)];
        var (mapRows, thresholdRows) = MapThenCdciCalibrator.Halves(81);
        Assert.Equal(first, mapRows);
        Assert.Equal(second, thresholdRows);
        var hellinger = Divergence.Parse("hellinger");
        var fitted = CalibrationMethods.Get("distilled-ts+cdci").Create(new MethodOptions { Divergence = hellinger, Epsilon = 0.2 }).Fit(data);
        Assert.Equal("distilled-ts+cdci", fitted.Name);
        Assert.Equal(40, fitted.Map!.FitRows);
        Assert.Equal(41, fitted.N);

        // T: the distilled temperature of the first half alone (what distilled-ts fits on those rows; TemperatureMapTests checks it against a golden-section search).
        double t = new DistilledTemperatureCalibrator().Fit(new CalibrationData(data.Cloud.Select(first), data.Edge.Select(first))).Map!.Temperature;
        Assert.Equal(t, fitted.Map.Temperature);

        // gamma: the reference order statistic of the second half's scores around softmax(l / T).
        var tempered = CalibrationMap.FromTemperature(t, data.Classes).Apply(data.Edge.Select(second));
        Assert.Equal(ReferenceGamma(data.Cloud.Select(second), tempered, hellinger, 0.2), fitted.Threshold!.Gamma, 1e-12);

        // The sets are centred on the tempered edge: with gamma = 0 they would collapse to it, so the output 'calibrated' is it.
        var (test, _) = CalibrationFixture.Test();
        var centre = fitted.Centre(test);
        var expected = CalibrationMap.FromTemperature(t, data.Classes).Apply(test);
        Assert.Equal(expected.ToArray(), centre.ToArray());
    }

    [Fact]
    public void Auto_picks_the_lowest_cross_fitted_score_and_records_every_candidate()
    {
        var data = CalibrationFixture.Data(rows: 120);
        FDivergence[] divergences = [Divergence.KL, Divergence.Parse("tv")];
        double[] epsilons = [0.05, 0.2];
        var fitted = new AutoCalibrator { DivergenceCandidates = divergences, EpsilonCandidates = epsilons }.Fit(data);
        var auto = fitted.Auto!;
        int maps = CalibrationMethods.All.Count(m => m.AutoCandidate && !m.GivesSets);
        int composites = CalibrationMethods.All.Count(m => m.AutoCandidate && m.GivesSets) - 1;
        Assert.Equal(maps + (2 * 2 * 2) + composites, auto.Candidates.Count);
        // Registry order: the label-free point maps, the CD-CI grid, then each map followed by CD-CI.
        Assert.Equal(CalibrationMethods.All.Where(m => m.AutoCandidate && !m.GivesSets).Select(m => m.Name), auto.Candidates.Take(maps).Select(c => c.Method));
        Assert.Equal(CalibrationMethods.All.Where(m => m.AutoCandidate && m.GivesSets && m.Name != "cdci").Select(m => m.Name), auto.Candidates.TakeLast(composites).Select(c => c.Method));
        var eligible = auto.Candidates.Where(auto.IsEligible).ToList();
        Assert.True(auto.IsEligible(auto.Winner));
        Assert.Equal(eligible.Min(c => c.Score), auto.Winner.Score);
        Assert.Equal(auto.Candidates.ToList().FindIndex(c => auto.IsEligible(c) && c.Score == auto.Winner.Score), auto.Chosen);
        Assert.Contains("lowest score", auto.Reason);
        Assert.True(fitted.IsSetValued);
    }

    [Fact]
    public void Auto_scores_each_candidate_by_cross_fitted_KL_to_the_cloud_as_it_is_fitted_at_the_end()
    {
        var data = CalibrationFixture.Data(rows: 40);
        var fitted = new AutoCalibrator { Candidates = [CalibrationMethods.Get("distilled-ts"), CalibrationMethods.Get("distilled-ts+cdci")] }.Fit(data);
        double point = 0.0, set = 0.0, edgeAgreement = 0.0;
        foreach (var (fit, held) in CrossFitFolds.Make(40, 2, 1))
        {
            // A point map is fitted on the fold's whole training part; the composite as a composite (map on its first half),
            // scored by its intersection probability. KL(cloud || output) summed row by row from the divergence itself.
            var training = new CalibrationData(data.Cloud.Select(fit), data.Edge.Select(fit));
            var map = new DistilledTemperatureCalibrator().Fit(training);
            var stage = new MapThenCdciCalibrator { Output = CalibratedOutput.Intersection }.Fit(training);
            var heldEdge = data.Edge.Select(held);
            var heldCloud = data.Cloud.Select(held);
            point += MeanKl(heldCloud, map.Centre(heldEdge)) / 2;
            set += MeanKl(heldCloud, stage.Calibrate(heldEdge)) / 2;
            edgeAgreement += CloudAgreement.TopOneAgreement(heldCloud, heldEdge) / 2;
        }

        Assert.Equal(2, fitted.Auto!.Candidates.Count);
        Assert.Equal(point, fitted.Auto.Candidates[0].Score, 12);
        Assert.Equal(set, fitted.Auto.Candidates[1].Score, 12);
        Assert.Equal(edgeAgreement, fitted.Auto.MinimumAgreement, 12);
        Assert.Contains("mean KL(cloud || output)", fitted.Auto.Criterion, StringComparison.Ordinal);
    }

    private static double MeanKl(ProbabilityMatrix cloud, ProbabilityMatrix output) =>
        Enumerable.Range(0, cloud.Rows).Sum(i => Divergence.KL.Compute(cloud.Row(i), output.Row(i))) / cloud.Rows;

    [Fact]
    public void Auto_with_a_point_map_winner_outputs_the_map_fitted_on_every_row_with_an_out_of_fold_threshold()
    {
        // Only the distilled temperature is a candidate, so it wins: its output is the map fitted on all rows, as the map alone
        // gives it, and the threshold around it is the conformal quantile of the out-of-fold scores.
        var data = CalibrationFixture.Data(rows: 200);
        var fitted = new AutoCalibrator { Candidates = [CalibrationMethods.Get("distilled-ts")] }.Fit(data);
        Assert.Equal("distilled-ts", fitted.Auto!.Winner.Method);
        var alone = new DistilledTemperatureCalibrator().Fit(data);
        Assert.Equal(alone.Map!.Temperature, fitted.Map!.Temperature);
        Assert.Equal(CalibratedOutput.Calibrated, fitted.Output);
        var (test, _) = CalibrationFixture.Test();
        Assert.Equal(alone.Calibrate(test).ToArray(), fitted.Calibrate(test).ToArray());
        var outOfFold = new double[data.Rows];
        foreach (var (fit, held) in CrossFitFolds.Make(data.Rows, 2, 1))
        {
            var centre = new DistilledTemperatureCalibrator().Fit(new CalibrationData(data.Cloud.Select(fit), data.Edge.Select(fit))).Centre(data.Edge.Select(held));
            for (int i = 0; i < held.Length; i++)
            {
                outOfFold[held[i]] = Divergence.KL.Compute(data.Cloud.Row(held[i]), centre.Row(i));
            }
        }

        Array.Sort(outOfFold);
        long k = (long)Math.Ceiling((data.Rows + 1m) * 0.9m);
        Assert.Equal(outOfFold[k - 1], fitted.Predictor!.Gamma, 12);
        Assert.Equal(data.Rows, fitted.Threshold!.N);

        // A map+cdci winner: the two-stage split, exact guarantee.
        var composite = new AutoCalibrator { Candidates = [CalibrationMethods.Get("distilled-ts+cdci")] }.Fit(data);
        var split = new MapThenCdciCalibrator { Output = CalibratedOutput.Intersection }.Fit(data);
        Assert.Equal(split.Map!.Temperature, composite.Map!.Temperature);
        Assert.Equal(split.Predictor!.Gamma, composite.Predictor!.Gamma);
        Assert.Equal(split.Calibrate(test).ToArray(), composite.Calibrate(test).ToArray());

        // Only CD-CI: its own threshold around the edge, no map.
        var cdci = new AutoCalibrator { Candidates = [CalibrationMethods.Get("cdci")], DivergenceCandidates = [Divergence.KL], EpsilonCandidates = [0.1] }.Fit(data);
        Assert.True(cdci.Map!.IsIdentity);
        Assert.Equal(ReferenceGamma(data.Cloud, data.Edge, Divergence.KL, 0.1), cdci.Predictor!.Gamma, 1e-12);
    }

    [Fact]
    public void Auto_does_not_choose_a_near_uniform_output_that_loses_agreement_with_the_cloud()
    {
        // The maximum-entropy member of a huge reverse-KL ball is near uniform: its arg-max no longer follows the cloud, and the
        // agreement floor excludes it whatever its score.
        var data = CalibrationFixture.Data(rows: 200, classes: 8);
        var settings = new AutoCalibrator { DivergenceCandidates = [Divergence.Parse("reverse-kl")], EpsilonCandidates = [0.01], Outputs = [CalibratedOutput.MaximumEntropy] };
        var unguarded = settings.Fit(data).Auto!;
        int at = unguarded.Candidates.ToList().FindIndex(c => c.Method == "cdci");
        var degenerate = unguarded.Candidates[at];
        Assert.Equal("maxent", degenerate.Output);
        Assert.True(degenerate.Agreement < unguarded.Candidates[0].Agreement - 0.05, $"agreement {degenerate.Agreement} vs edge-like {unguarded.Candidates[0].Agreement}");
        Assert.False(unguarded.IsEligible(degenerate));
        Assert.NotEqual(at, unguarded.Chosen);
        Assert.Contains("excluded for top-1 agreement", unguarded.Reason);
        var off = new AutoCalibrator { DivergenceCandidates = [Divergence.Parse("reverse-kl")], EpsilonCandidates = [0.01], Outputs = [CalibratedOutput.MaximumEntropy], MaxAgreementLoss = 1.0 }.Fit(data).Auto!;
        Assert.Equal(off.Candidates.Min(c => c.Score), off.Winner.Score);
    }

    [Fact]
    public void Auto_choice_rule_is_the_lowest_score_above_the_agreement_floor()
    {
        AutoCandidate[] candidates =
        [
            new("distilled-ts", null, null, "calibrated", 0.020, 0.80),
            new("cdci", "reverse-kl", 0.01, "maxent", 0.001, 0.10),   // near uniform: best ECE, chance agreement
            new("cdci", "kl", 0.1, "intersection", 0.012, 0.79),
            new("distilled-ts+cdci", "kl", 0.1, "intersection", 0.012, 0.80),
        ];
        Assert.Equal(2, AutoCalibrator.Choose(candidates, 0.79));
        Assert.Equal(3, AutoCalibrator.Choose(candidates, 0.795));
        Assert.Equal(1, AutoCalibrator.Choose(candidates, double.NegativeInfinity));
        Assert.Equal(1, AutoCalibrator.Choose(candidates, 0.9));   // none eligible: the lowest score
    }

    [Fact]
    public void Laplace_is_wired_to_the_last_layer_posterior_of_the_labeled_features()
    {
        var data = CalibrationFixture.Data();
        var f = data.Features!;
        var expected = LastLayerLaplace.Fit(LastLayerLaplaceKind.KroneckerFactored, f.Values.Span, f.Dimension, f.Weights.Span, f.Bias.Span, data.Labels.Span);
        var fitted = CalibrationMethods.Get("laplace-kfac").Create().Fit(data);
        Assert.Equal("laplace-kfac", fitted.Name);
        Assert.Null(fitted.Map);
        var (test, features) = CalibrationFixture.Test();
        Assert.Equal(expected.Predict(features).ToArray(), fitted.Calibrate(test, features).ToArray());
        Assert.Contains("features", Assert.Throws<InvalidOperationException>(() => fitted.Calibrate(test)).Message);
        Assert.Throws<NotSupportedException>(fitted.ToArtifact);
    }
}
