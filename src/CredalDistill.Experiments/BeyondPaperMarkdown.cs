using System.Globalization;
using System.Text;

namespace CredalDistill.Experiments;

/// <summary>
/// The RESULTS.md sections beyond the paper: threshold variants (PAC, Mondrian, covariate shift), edge-to-cloud deferral
/// and drift monitoring. Every sentence is built from the results and the study constants.
/// </summary>
public static class BeyondPaperMarkdown
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Renders the three sections.</summary>
    /// <param name="options">Protocol.</param>
    /// <param name="thresholds">Threshold study per image task.</param>
    /// <param name="deferral">Deferral study per task.</param>
    /// <param name="monitoring">Monitoring study per image task.</param>
    /// <param name="elapsed">Run time of the three sections.</param>
    /// <param name="nonImageTasks">Tasks whose inputs are not images (text): in the deferral study only, as the simulated shifts transform images.</param>
    public static string Render(ExperimentOptions options, IReadOnlyList<ThresholdStudyResult> thresholds, IReadOnlyList<DeferralStudyResult> deferral, IReadOnlyList<MonitoringStudyResult> monitoring, TimeSpan elapsed, IReadOnlyList<string>? nonImageTasks = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(thresholds);
        ArgumentNullException.ThrowIfNull(deferral);
        ArgumentNullException.ThrowIfNull(monitoring);
        var sb = new StringBuilder();
        double eps = ThresholdStudy.Epsilon;
        sb.AppendLine("## Thresholds beyond the marginal guarantee (METHOD.md 3.4)");
        sb.AppendLine();
        if (nonImageTasks is { Count: > 0 })
        {
            sb.AppendLine($"Image tasks only: this study and the monitoring study below run their shifts on the test images (`ImageShift`), so the text task{(nonImageTasks.Count > 1 ? "s" : string.Empty)} {string.Join(", ", nonImageTasks)} {(nonImageTasks.Count > 1 ? "are" : "is")} not in them; {(nonImageTasks.Count > 1 ? "they are" : "it is")} in the deferral study.");
            sb.AppendLine();
        }

        sb.AppendLine($"KL scores, eps = {F(eps)}, the unlabeled calibration set ({options.CalibrationSize} inputs) of each of the {options.Splits} splits above, every test input of the split (these three sections together: {elapsed.TotalMinutes.ToString("F1", Inv)} min). `marginal`: the split-conformal threshold; `pac`: the training-conditional threshold with delta = {F(ThresholdStudy.Delta)} (`credal calibrate --pac-delta`); `mondrian`: one threshold per edge-predicted class (`credal calibrate --mondrian`, library `MondrianThreshold.Calibrate`). Coverage: share of test inputs with `D(cloud || edge) <= gamma` of their row; 'splits at target': share of splits whose test coverage is at least {Pct(1 - eps, 0)}%; 'worst class': the lowest coverage among the edge-predicted classes (mean over splits); label set: interval dominance.");
        sb.AppendLine();
        sb.AppendLine("| task | threshold | coverage (%) | splits at target (%) | worst class coverage (%) | mean gamma (nats) | label-set size |");
        sb.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var t in thresholds)
        {
            foreach (string v in ThresholdStudy.Variants)
            {
                var s = t.Variants[v];
                sb.AppendLine($"| {t.Task} | `{v}` | {Pct(s.Coverage, 2)} ± {Pct(s.CoverageStd, 2)} | {Pct(s.SplitsAtTarget, 0)} | {Pct(s.MinClassCoverage, 2)} | {s.Gamma.ToString("F4", Inv)} | {s.SetSize.ToString("F3", Inv)} |");
            }
        }

        sb.AppendLine();
        foreach (var t in thresholds)
        {
            var m = t.Variants["marginal"];
            var p = t.Variants["pac"];
            var mo = t.Variants["mondrian"];
            sb.AppendLine($"* {t.Task}: the marginal threshold reaches {Pct(1 - eps, 0)}% test coverage in {Pct(m.SplitsAtTarget, 0)}% of splits (it promises {Pct(1 - eps, 0)}% only on average over calibration sets); the PAC threshold in {Pct(p.SplitsAtTarget, 0)}% (it promises at least {Pct(1 - ThresholdStudy.Delta, 0)}%), at the price of {Ratio(p.SetSize, m.SetSize)} the label-set size ({p.SetSize.ToString("F3", Inv)} vs {m.SetSize.ToString("F3", Inv)}). Within edge-predicted classes the marginal threshold's worst class is covered at {Pct(m.MinClassCoverage, 1)}%, Mondrian's at {Pct(mo.MinClassCoverage, 1)}% (target {Pct(1 - eps, 0)}% in every class).");
        }

        sb.AppendLine();
        sb.AppendLine("### Covariate shift");
        sb.AppendLine();
        sb.AppendLine($"Each simulated shift transforms the test images (Gaussian noise, box blur, rotation; `ImageShift`) and runs them through the bundled cloud and edge. Per split, the first half of the shifted test inputs supplies unlabeled edge outputs from deployment; a logistic classifier (`credal calibrate --deployment-edge`, library `CovariateShiftThreshold` over `LogisticDensityRatio` and `WeightedScores`) on the edge log-probabilities gives the density ratio `w(x)` and the weighted threshold of Tibshirani et al. (2019) is evaluated on the second half, against the clean threshold.");
        sb.AppendLine();
        sb.AppendLine("| task | shift | edge / cloud accuracy (%) | clean threshold coverage (%) | weighted coverage (%) | rows with gamma = +inf (%) | mean gamma clean / weighted (nats) |");
        sb.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var t in thresholds)
        {
            foreach (var s in t.Shifts)
            {
                sb.AppendLine($"| {t.Task} | {s.Shift} | {Pct(s.EdgeAccuracy, 1)} / {Pct(s.CloudAccuracy, 1)} | {Pct(s.CleanCoverage, 2)} | {Pct(s.WeightedCoverage, 2)} ± {Pct(s.WeightedCoverageStd, 2)} | {Pct(s.UnboundedFraction, 1)} | {s.CleanGamma.ToString("F3", Inv)} / {s.WeightedGamma.ToString("F3", Inv)} |");
            }
        }

        sb.AppendLine();
        var allShifts = thresholds.SelectMany(t => t.Shifts.Select(s => (t.Task, s))).ToList();
        int broken = allShifts.Count(x => x.s.CleanCoverage < 1 - eps);
        int restored = allShifts.Count(x => x.s.CleanCoverage < 1 - eps && x.s.WeightedCoverage >= 1 - eps - 0.01);
        int closer = allShifts.Count(x => x.s.CleanCoverage < 1 - eps && x.s.WeightedCoverage > x.s.CleanCoverage);
        sb.AppendLine($"* The clean threshold under-covers (below {Pct(1 - eps, 0)}%) in {broken} of {allShifts.Count} task-shift pairs; the weighted threshold raises coverage in {closer} of those {broken} and comes within 1 point of the target in {restored}. A density ratio fitted on the edge's outputs only sees the shift as far as the edge's outputs reveal it: where the edge is confidently wrong under the shift, the ratio cannot tell, which is why the weighted coverage can stay below target.");
        sb.AppendLine();

        sb.AppendLine("## Edge-to-cloud deferral");
        sb.AppendLine();
        sb.AppendLine($"Per split, CD-CI (KL, eps = {F(DeferralStudy.Epsilon)}) and distilled TS are fitted on the unlabeled calibration set; on the test inputs the device sends the highest-ranked inputs to the cloud and answers the rest itself. Rankings: the edge's maximum probability (baseline), the distilled-TS maximum probability (baseline), and three credal statistics of `credal defer`: the interval width of the edge's top class, the largest upper probability of another class, and the label-set size (ties broken by the width). 'Rate to reach': mean deferral rate at which the system comes within {Pct(DeferralStudy.Tolerance, 0)} point of the cloud's accuracy. Conformal selection: p-values from calibration inputs where edge and cloud disagree, Benjamini-Hochberg keeps inputs on the edge with a target share of disagreements among the kept ones (Huang et al. 2025 spirit). Figures: `figures/deferral-<task>.png`.");
        sb.AppendLine();
        sb.AppendLine("| task | edge / cloud accuracy (%) | " + string.Join(" | ", DeferralStudy.Rules.Select(r => $"{r}: rate to reach (%)")) + " |");
        sb.AppendLine("|---|---|" + string.Concat(DeferralStudy.Rules.Select(_ => "---|")));
        foreach (var d in deferral)
        {
            sb.AppendLine($"| {d.Task} | {Pct(d.EdgeAccuracy, 2)} / {Pct(d.CloudAccuracy, 2)} | " + string.Join(" | ", d.Rules.Select(r => Pct(r.RateToReach, 1))) + " |");
        }

        sb.AppendLine();
        sb.AppendLine("| task | operating point | deferral rate (%) | system accuracy (%) | kept inputs disagreeing with the cloud (%) |");
        sb.AppendLine("|---|---|---|---|---|");
        foreach (var d in deferral)
        {
            sb.AppendLine($"| {d.Task} | label set has > 1 label | {Pct(d.LabelSetRate, 1)} | {Pct(d.LabelSetAccuracy, 2)} | |");
            foreach (var s in d.Selection)
            {
                sb.AppendLine($"| {d.Task} | conformal selection, BH level {F(s.Level)} | {Pct(s.Rate, 1)} | {Pct(s.Accuracy, 2)} | {Pct(s.MisalignedAmongKept, 2)} |");
            }
        }

        sb.AppendLine();
        foreach (var d in deferral)
        {
            var best = d.Rules.Where(r => double.IsFinite(r.RateToReach)).OrderBy(r => r.RateToReach).First();
            var edgeRule = d.Rules[0];
            var credalBest = d.Rules.Skip(2).Where(r => double.IsFinite(r.RateToReach)).OrderBy(r => r.RateToReach).FirstOrDefault();
            string verdict = credalBest is null ? "no credal ranking reaches it" : credalBest.RateToReach < edgeRule.RateToReach - 0.005 ? $"the best credal ranking ({credalBest.Rule}) needs {Pct(credalBest.RateToReach, 1)}%, less than the edge's own confidence ({Pct(edgeRule.RateToReach, 1)}%)" : credalBest.RateToReach > edgeRule.RateToReach + 0.005 ? $"the best credal ranking ({credalBest.Rule}) needs {Pct(credalBest.RateToReach, 1)}%, more than the edge's own confidence ({Pct(edgeRule.RateToReach, 1)}%): the credal set is a monotone transform of the edge output, so it mostly re-orders what the edge's confidence already ranks" : $"the best credal ranking ({credalBest.Rule}, {Pct(credalBest.RateToReach, 1)}%) is on par with the edge's own confidence ({Pct(edgeRule.RateToReach, 1)}%)";
            sb.AppendLine($"* {d.Task}: to come within {Pct(DeferralStudy.Tolerance, 0)} point of the cloud ({Pct(d.CloudAccuracy, 2)}%), the best ranking is {best.Rule} at {Pct(best.RateToReach, 1)}% of inputs sent; {verdict}. The label-set rule sends {Pct(d.LabelSetRate, 1)}% and reaches {Pct(d.LabelSetAccuracy, 2)}%.");
        }

        sb.AppendLine();
        sb.AppendLine("## Drift monitoring");
        sb.AppendLine();
        sb.AppendLine($"The monitor of `credal monitor` (`CoverageMonitor`) on audited (cloud, edge) pairs: threshold of split 0 (KL, eps = {F(MonitoringStudy.Epsilon)}); {MonitoringStudy.Streams} streams of {MonitoringStudy.StreamLength} audited inputs drawn from that split's test inputs. The alarm is a betting test of 'coverage >= {Pct(1 - MonitoringStudy.Epsilon, 0)}%' (mixture of fixed bets, Ville's inequality: false-alarm probability <= {F(MonitoringStudy.Alpha)} over an unbounded stream); shifted streams switch after {MonitoringStudy.ChangePoint} clean inputs to the shifted images. ACI: the adaptive conformal threshold on the calibration scores (Gibbs and Candès 2021, library `AdaptiveThreshold`, step {F(MonitoringStudy.LearningRate)}) on the same streams; `credal monitor --refresh-out` applies the same update to the threshold itself, as it has no calibration scores. Figure: `figures/monitor-<task>.png` (running coverage and its anytime-valid confidence sequence on one shifted stream).");
        sb.AppendLine();
        sb.AppendLine("| task | stream | coverage of the clean threshold (%) | alarms (%) | alarms before the change (%) | mean / median delay (inputs) | coverage after the change: fixed / ACI (%) |");
        sb.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var m in monitoring)
        {
            sb.AppendLine($"| {m.Task} | unshifted | {Pct(m.CleanCoverage, 2)} | {Pct(m.FalseAlarmRate, 1)} (false) | | | |");
            foreach (var s in m.Shifts)
            {
                sb.AppendLine($"| {m.Task} | {s.Shift} | {Pct(s.ShiftedCoverage, 2)} | {Pct(s.DetectionRate, 1)} | {Pct(s.EarlyAlarmRate, 1)} | {Num(s.MeanDelay)} / {Num(s.MedianDelay)} | {Pct(s.FixedCoverageAfterShift, 2)} / {Pct(s.AdaptiveCoverageAfterShift, 2)} |");
            }
        }

        sb.AppendLine();
        foreach (var m in monitoring)
        {
            var below = m.Shifts.Where(s => s.ShiftedCoverage < 1 - MonitoringStudy.Epsilon).ToList();
            string detection = below.Count == 0 ? "no simulated shift takes coverage below the target, so no alarm is due" : string.Join("; ", below.Select(s => $"{s.Shift} (coverage {Pct(s.ShiftedCoverage, 1)}%) is detected in {Pct(s.DetectionRate, 0)}% of streams after a median {Num(s.MedianDelay)} audited inputs"));
            string unshifted = m.CleanCoverage >= 1 - MonitoringStudy.Epsilon
                ? $"alarms on unshifted streams {Pct(m.FalseAlarmRate, 1)}% (false alarms; bound {Pct(MonitoringStudy.Alpha, 0)}%)"
                : $"this calibration draw's threshold covers only {Pct(m.CleanCoverage, 1)}% of the clean test inputs, below the {Pct(1 - MonitoringStudy.Epsilon, 0)}% target (the marginal guarantee holds on average over calibration sets, not for every draw; the PAC threshold above guards against such draws), so the {Pct(m.FalseAlarmRate, 1)}% of unshifted streams that alarm detect a real shortfall rather than raise false alarms";
            sb.AppendLine($"* {m.Task}: {unshifted}; {detection}. ACI brings coverage after the change to {string.Join(", ", m.Shifts.Select(s => $"{Pct(s.AdaptiveCoverageAfterShift, 1)}% ({s.Shift}, fixed {Pct(s.FixedCoverageAfterShift, 1)}%)"))}.");
        }

        return sb.ToString();
    }

    private static string F(double v) => v.ToString("0.###", Inv);

    private static string Pct(double v, int digits) => double.IsFinite(v) ? (100 * v).ToString("F" + digits.ToString(Inv), Inv) : "n/a";

    private static string Num(double v) => double.IsFinite(v) ? v.ToString("F0", Inv) : "n/a";

    private static string Ratio(double a, double b) => b > 0 ? $"{(a / b).ToString("F2", Inv)}x" : "n/a";
}
