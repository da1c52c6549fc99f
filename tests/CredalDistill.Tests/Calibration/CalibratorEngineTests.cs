using CredalDistill.Baselines;
using CredalDistill.Calibration;
using CredalDistill.Conformal;
using CredalDistill.Credal;
using CredalDistill.Divergences;
using CredalDistill.Metrics;

namespace CredalDistill.Tests.Calibration;

/// <summary>Each calibrator gives exactly what the engine it wraps gives.</summary>
public sealed class CalibratorEngineTests
{
    private static double[] EdgeLogits(ProbabilityMatrix edge)
    {
        var z = new double[edge.Rows * edge.Classes];
        for (int i = 0; i < edge.Rows; i++)
        {
            edge.LogRow(i).CopyTo(z.AsSpan(i * edge.Classes, edge.Classes));
        }

        return z;
    }

    [Theory]
    [InlineData("kl", 0.1)]
    [InlineData("reverse-kl", 0.05)]
    [InlineData("alpha:0.9", 0.2)]
    [InlineData("alpha:1.2", 0.1)]
    [InlineData("tv", 0.1)]
    [InlineData("hellinger", 0.3)]
    [InlineData("chi2", 0.1)]
    public void Cdci_gamma_and_outputs_equal_the_conformal_engine(string divergence, double epsilon)
    {
        var data = CalibrationFixture.Data();
        var d = Divergence.Parse(divergence);
        var expected = ConformalCalibrator.Calibrate(data.Cloud, data.Edge, epsilon, d);
        var (test, _) = CalibrationFixture.Test();
        foreach (var output in new[] { CalibratedOutput.Intersection, CalibratedOutput.MaximumEntropy, CalibratedOutput.Centroid })
        {
            var fitted = new CdciCalibrator { Divergence = d, Epsilon = epsilon, Output = output }.Fit(data);
            Assert.Equal(expected.Gamma, fitted.Threshold!.Gamma);
            Assert.Equal(expected.Rank, fitted.Threshold.Rank);
            Assert.Equal(1.0, fitted.Temperature);
            Assert.Equal(ThresholdSelection.Fixed, fitted.Selection!.Mode);
            Assert.Equal(new CredalPredictor(expected).Predict(test, output).ToArray(), fitted.Calibrate(test).ToArray());
        }
    }

    [Fact]
    public void Cdci_auto_equals_the_configuration_selector_and_records_the_grid()
    {
        var data = CalibrationFixture.Data();
        FDivergence[] divergences = [Divergence.KL, Divergence.Parse("hellinger")];
        double[] epsilons = [0.05, 0.1, 0.3];
        var expected = ConfigurationSelector.Select(data.Cloud, data.Edge, divergences, CalibratedOutput.MaximumEntropy, epsilons);
        var fitted = new CdciCalibrator { Divergence = null, Epsilon = null, DivergenceCandidates = divergences, EpsilonCandidates = epsilons, Output = CalibratedOutput.MaximumEntropy }.Fit(data);
        Assert.Equal(expected.Threshold.Gamma, fitted.Predictor!.Gamma);
        Assert.Equal(expected.Divergence.Name, fitted.Predictor.Divergence.Name);
        var s = fitted.Selection!;
        Assert.Equal(ThresholdSelection.Auto, s.Mode);
        Assert.Equal("maxent", s.Output);
        Assert.Equal(["kl", "hellinger"], s.Divergences);
        Assert.Equal(epsilons, s.Epsilons);
        Assert.Equal(expected.Scores.Select(r => r.ToArray()), s.Scores!.Select(r => r.ToArray()));

        var epsOnly = EpsilonSelector.Select(data.Cloud, data.Edge, Divergence.KL, candidates: epsilons);
        var fittedEps = new CdciCalibrator { Epsilon = null, EpsilonCandidates = epsilons }.Fit(data);
        Assert.Equal(epsOnly.Epsilon, fittedEps.Epsilon);
        Assert.Equal(epsOnly.Scores, fittedEps.Selection!.Scores![0]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Temperature_scaling_equals_the_baseline_fits(bool logits)
    {
        var data = CalibrationFixture.Data(edgeLogits: logits);
        var z = logits ? EdgeLogits(data.Edge) : TemperatureScaling.LogitsFromProbabilities(data.Edge);
        var nll = new TemperatureScalingCalibrator().Fit(data);
        var ece = new TemperatureScalingCalibrator { Objective = MapObjective.ExpectedCalibrationError }.Fit(data);
        var distilled = new DistilledTemperatureCalibrator().Fit(data);
        Assert.Equal(TemperatureScaling.FitNll(z, data.Classes, data.Labels.Span).Temperature, nll.Temperature);
        Assert.Equal(TemperatureScaling.FitEce(z, data.Classes, data.Labels.Span).Temperature, ece.Temperature);
        var dts = DistilledTemperatureScaling.Fit(data.Cloud, z, data.Classes);
        Assert.Equal(dts.Temperature, distilled.Temperature);
        Assert.Equal(("nll", "ece", "distilled-kl"), (nll.TemperatureFit!.Objective, ece.TemperatureFit!.Objective, distilled.TemperatureFit!.Objective));
        Assert.False(nll.IsSetValued);
        var (test, _) = CalibrationFixture.Test();
        var expected = dts.Apply(EdgeLogits(test), test.Classes);
        Assert.Equal(expected.ToArray(), distilled.Calibrate(test).ToArray());
    }

    [Fact]
    public void Two_stage_fits_t_on_the_first_half_and_the_threshold_on_the_tempered_second_half()
    {
        var data = CalibrationFixture.Data(rows: 81);
        var z = EdgeLogits(data.Edge);
        int k = data.Classes;
        int[] first = [.. Enumerable.Range(0, 40)];
        int[] second = [.. Enumerable.Range(40, 41)];
        var (t1, t2) = TwoStageCalibrator.Halves(81);
        Assert.Equal(first, t1);
        Assert.Equal(second, t2);
        double t = DistilledTemperatureScaling.Fit(data.Cloud.Select(first), Pick(z, k, first), k).Temperature;
        var tempered = ProbabilityMatrix.FromLogits(Pick(z, k, second), k, "tempered", t);
        var threshold = ConformalCalibrator.Calibrate(data.Cloud.Select(second), tempered, 0.2, Divergence.Parse("hellinger"));

        var fitted = new TwoStageCalibrator { Divergence = Divergence.Parse("hellinger"), Epsilon = 0.2 }.Fit(data);
        Assert.Equal(t, fitted.Temperature);
        Assert.Equal(40, fitted.TemperatureFit!.N);
        Assert.Equal(threshold.Gamma, fitted.Threshold!.Gamma);
        Assert.Equal(41, fitted.N);
        var (test, _) = CalibrationFixture.Test();
        var centre = ProbabilityMatrix.FromLogits(EdgeLogits(test), k, "tempered", t);
        Assert.Equal(new CredalPredictor(threshold).Predict(centre).ToArray(), fitted.Calibrate(test).ToArray());
        var rows = fitted.Describe(test);
        var predictor = new CredalPredictor(threshold);
        Assert.Equal(predictor.Bounds(centre).Lower, rows.Bounds.Lower);
        Assert.Equal(predictor.LabelSets(centre), rows.LabelSets);
    }

    [Fact]
    public void Auto_picks_the_lowest_cross_fitted_score_and_records_every_candidate()
    {
        var data = CalibrationFixture.Data(rows: 120);
        FDivergence[] divergences = [Divergence.KL, Divergence.Parse("tv")];
        double[] epsilons = [0.05, 0.2];
        var fitted = new AutoCalibrator { DivergenceCandidates = divergences, EpsilonCandidates = epsilons }.Fit(data);
        var auto = fitted.Auto!;
        Assert.Equal(1 + (2 * 2 * 2) + 1, auto.Candidates.Count);
        Assert.Equal("distilled-ts", auto.Candidates[0].Method);
        Assert.Equal("distilled-ts+cdci", auto.Candidates[^1].Method);
        var eligible = auto.Candidates.Where(auto.IsEligible).ToList();
        Assert.Contains(auto.Candidates[0], eligible);
        Assert.True(auto.IsEligible(auto.Winner));
        Assert.Equal(eligible.Min(c => c.Score), auto.Winner.Score);
        Assert.Equal(auto.Candidates.ToList().FindIndex(c => auto.IsEligible(c) && c.Score == auto.Winner.Score), auto.Chosen);
        Assert.Contains("lowest score", auto.Reason);

        // The CD-CI candidates' scores are the configuration selector's, on the same folds.
        var intersection = ConfigurationSelector.Select(data.Cloud, data.Edge, divergences, CalibratedOutput.Intersection, epsilons);
        var maxent = ConfigurationSelector.Select(data.Cloud, data.Edge, divergences, CalibratedOutput.MaximumEntropy, epsilons);
        Assert.Equal(intersection.Scores[1][0], auto.Candidates.Single(c => c is { Method: "cdci", Divergence: "tv", Epsilon: 0.05, Output: "intersection" }).Score);
        Assert.Equal(maxent.Scores[0][1], auto.Candidates.Single(c => c is { Method: "cdci", Divergence: "kl", Epsilon: 0.2, Output: "maxent" }).Score);
        Assert.Equal(maxent.Agreements[1][0], auto.Candidates.Single(c => c is { Method: "cdci", Divergence: "tv", Epsilon: 0.05, Output: "maxent" }).Agreement);

        // Every winner gives bounds and label sets from a threshold.
        Assert.True(fitted.IsSetValued);
    }

    [Fact]
    public void Auto_scores_the_temperature_candidates_on_the_shared_folds()
    {
        var data = CalibrationFixture.Data(rows: 40);
        var fitted = new AutoCalibrator { DivergenceCandidates = [Divergence.KL], EpsilonCandidates = [0.1] }.Fit(data);
        int k = data.Classes;
        var z = EdgeLogits(data.Edge);
        double distilled = 0.0;
        double twoStage = 0.0;
        double edgeAgreement = 0.0;
        foreach (var (fit, held) in CrossFitFolds.Make(40, 2, 1))
        {
            var fitData = new CalibrationData(data.Cloud.Select(fit), ProbabilityMatrix.FromLogits(Pick(z, k, fit), k));
            var stage = new TwoStageCalibrator().Fit(fitData);
            var heldEdge = ProbabilityMatrix.FromLogits(Pick(z, k, held), k);
            distilled += CloudReferencedCalibrationError.Compute(stage.Temper(heldEdge), data.Cloud.Select(held)) / 2;
            twoStage += CloudReferencedCalibrationError.Compute(stage.Calibrate(heldEdge), data.Cloud.Select(held)) / 2;
            edgeAgreement += CloudAgreement.TopOneAgreement(data.Cloud.Select(held), heldEdge) / 2;
        }

        Assert.Equal(distilled, fitted.Auto!.Candidates[0].Score, 12);
        Assert.Equal(twoStage, fitted.Auto.Candidates[^1].Score, 12);
        Assert.Equal(edgeAgreement - 0.01, fitted.Auto.MinimumAgreement, 12);
    }

    [Fact]
    public void Auto_does_not_choose_a_near_uniform_output_that_loses_agreement_with_the_cloud()
    {
        // The maximum-entropy member of a huge reverse-KL ball is near uniform: "calibrated" at 1/K confidence by the ECE
        // alone, but its arg-max no longer follows the cloud. Without the agreement floor it wins; with it, it is excluded.
        var data = CalibrationFixture.Data(rows: 200, classes: 8);
        var settings = new AutoCalibrator { DivergenceCandidates = [Divergence.Parse("reverse-kl")], EpsilonCandidates = [0.01], Outputs = [CalibratedOutput.MaximumEntropy] };
        var unguarded = settings.Fit(data).Auto!;
        var degenerate = unguarded.Candidates[1];
        Assert.Equal("maxent", degenerate.Output);
        Assert.True(degenerate.Agreement < unguarded.Candidates[0].Agreement - 0.05, $"agreement {degenerate.Agreement} vs edge-like {unguarded.Candidates[0].Agreement}");
        Assert.False(unguarded.IsEligible(degenerate));
        Assert.NotEqual(1, unguarded.Chosen);
        Assert.Contains("excluded for top-1 agreement", unguarded.Reason);
        var off = new AutoCalibrator { DivergenceCandidates = [Divergence.Parse("reverse-kl")], EpsilonCandidates = [0.01], Outputs = [CalibratedOutput.MaximumEntropy], MaxAgreementLoss = 1.0 }.Fit(data).Auto!;
        Assert.Equal(off.Candidates.Min(c => c.Score), off.Winner.Score);
    }

    [Fact]
    public void Auto_choice_rule_is_the_lowest_score_above_the_agreement_floor()
    {
        AutoCandidate[] candidates =
        [
            new("distilled-ts", null, null, "tempered", 0.020, 0.80),
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
    public void Auto_with_a_temperature_winner_uses_the_two_stage_threshold()
    {
        // A strongly overconfident edge of a cloud: tempering wins over every CD-CI extraction here.
        var data = CalibrationFixture.Data(rows: 200);
        var fitted = new AutoCalibrator { DivergenceCandidates = [Divergence.KL], EpsilonCandidates = [0.1] }.Fit(data);
        var winner = fitted.Auto!.Winner;
        if (winner.Method == "cdci")
        {
            Assert.Null(fitted.TemperatureFit);
            return;
        }

        var twoStage = new TwoStageCalibrator().Fit(data);
        Assert.Equal(twoStage.Temperature, fitted.Temperature);
        Assert.Equal(twoStage.Predictor!.Gamma, fitted.Predictor!.Gamma);
        Assert.Equal(winner.Method == "distilled-ts" ? CalibratedOutput.Calibrated : CalibratedOutput.Intersection, fitted.Output);
    }

    [Fact]
    public void Laplace_equals_the_last_layer_engine()
    {
        var data = CalibrationFixture.Data();
        var f = data.Features!;
        var expected = LastLayerLaplace.Fit(LastLayerLaplaceKind.KroneckerFactored, f.Values.Span, f.Dimension, f.Weights.Span, f.Bias.Span, data.Labels.Span);
        var fitted = new LaplaceCalibrator().Fit(data);
        Assert.Equal("laplace-kfac", fitted.Name);
        var (test, features) = CalibrationFixture.Test();
        Assert.Equal(expected.Predict(features).ToArray(), fitted.Calibrate(test, features).ToArray());
        Assert.Contains("features", Assert.Throws<InvalidOperationException>(() => fitted.Calibrate(test)).Message);
    }

    [Fact]
    public void Describe_is_bounds_then_intersection_then_label_set()
    {
        var data = CalibrationFixture.Data();
        var fitted = new CdciCalibrator { Divergence = Divergence.Parse("alpha:0.9") }.Fit(data);
        var (test, _) = CalibrationFixture.Test();
        var p = fitted.Predictor!;
        foreach (var rule in new[] { LabelSetRule.IntervalDominance, LabelSetRule.Maximality })
        {
            var rows = fitted.Describe(test, rule);
            Assert.Equal(p.Bounds(test).Upper, rows.Bounds.Upper);
            Assert.Equal(p.Predict(test).ToArray(), rows.Intersection.ToArray());
            Assert.Equal(p.LabelSets(test, rule), rows.LabelSets);
        }
    }

    private static double[] Pick(double[] z, int k, int[] rows)
    {
        var r = new double[rows.Length * k];
        for (int i = 0; i < rows.Length; i++)
        {
            z.AsSpan(rows[i] * k, k).CopyTo(r.AsSpan(i * k, k));
        }

        return r;
    }
}
