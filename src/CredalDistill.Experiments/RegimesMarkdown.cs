using CredalDistill.Calibration;
using System.Globalization;
using System.Text;

namespace CredalDistill.Experiments;

/// <summary>
/// The "Regimes" section of docs/RESULTS.md: generated findings (<see cref="RegimeFindings"/>: where the paper's claim holds,
/// which method is best per regime of raw ECE, what the two-stage method changes, each decided by a paired interval over
/// splits), per-task tables sorted by raw ECE, and the figure links.
/// </summary>
public static class RegimesMarkdown
{
    /// <summary>Upper bound of the "mildly miscalibrated" regime (raw ECE, fraction).</summary>
    public const double LowEce = 0.03;

    /// <summary>Lower bound of the "clearly overconfident" regime (raw ECE, fraction).</summary>
    public const double HighEce = 0.08;

    /// <summary>Accuracy loss (fraction) within which a method "keeps accuracy".</summary>
    public const double AccuracyTolerance = 0.005;

    /// <summary>The methods that need no labels.</summary>
    public static IReadOnlyList<MethodKey> LabelFree { get; } = [RegimeRunner.DistilledTs, RegimeRunner.DistilledVs, RegimeRunner.DistilledMs, RegimeRunner.CdciPaper, RegimeRunner.CdciAuto, RegimeRunner.TwoStage, RegimeRunner.DistilledVsCdci, RegimeRunner.DistilledMsCdci, RegimeRunner.Auto];

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Renders the section.</summary>
    /// <param name="options">Protocol.</param>
    /// <param name="results">One result per edge.</param>
    /// <param name="calibrationSize">Calibration inputs per split (split in two halves by the two-stage method).</param>
    /// <param name="elapsed">Wall-clock time of the regimes part (loading the edges and every (edge, split) pair).</param>
    public static string Render(ExperimentOptions options, IReadOnlyList<RegimeResult> results, int calibrationSize, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(results);
        var sb = new StringBuilder();
        sb.AppendLine("## Regimes: which method for which edge");
        sb.AppendLine();
        var (t, g) = MapThenCdciCalibrator.Halves(calibrationSize);
        string scope = options.RegimeEdgesPerTask == int.MaxValue ? "every edge" : $"REDUCED to at most {options.RegimeEdgesPerTask} edges per task, the bundled edge and then the highest recorded ECE first";
        sb.AppendLine($"{results.Count} edges ({scope} of the bundled {string.Join(", ", results.Select(r => r.Task).Distinct().Select(x => $"`{x}-edge`"))} and the overconfidence-axis edges listed in `models/metrics.json`, see `models/README.md`), each on the same {options.Splits} split plans as above (this part: {elapsed.TotalMinutes.ToString("F1", Inv)} min, edge-split pairs in parallel on {Environment.ProcessorCount} cores, {Pct(SelectionShare(results), 0)}% of the per-pair compute time in `cdci-auto`'s label-free selection; mean ± std over splits; accuracy, ECE, and coverage in percent). Methods, each created by name from the library's registry with the defaults of `credal calibrate`: `edge` (raw); with labels on the labeled set: `ts` (temperature scaling, NLL), `vs` and `ms` (vector and matrix scaling of the log-probabilities, NLL, penalty chosen by 5-fold cross-fitting), `laplace-kfac` (last-layer KFAC Laplace); without labels, on the calibration set: `distilled-ts`, `distilled-vs`, `distilled-ms` (the same maps fitted to the cloud's probabilities), `cdci-paper` (KL, eps {RegimeRunner.PaperEpsilon.ToString(Inv)}, intersection probability), `cdci-auto` (label-free divergence + eps choice, intersection probability), `distilled-ts+cdci`, `distilled-vs+cdci` and `distilled-ms+cdci` (the map fitted on {t.Length} of the {calibrationSize} calibration inputs, the KL threshold at eps {RegimeRunner.PaperEpsilon.ToString(Inv)} around its output on the other {g.Length}; point output: the map's output, the centre of the sets), and `auto` (`credal calibrate --method auto`: the label-free choice among `distilled-ts`, `distilled-vs`, `distilled-ms`, CD-CI over 7 divergences x 9 eps x intersection/maxent, and each map followed by CD-CI, by 2-fold cross-fitted mean KL(cloud || output), among the candidates whose cross-fitted top-1 agreement with the cloud is at least the raw edge's; its sets are the winning CD-CI configuration's, or KL at eps {RegimeRunner.PaperEpsilon.ToString(Inv)} around a winning map (a point map refitted on all calibration inputs with the threshold of their out-of-fold scores, approximate coverage; a map+cdci with its exact split), so its coverage target follows the chosen eps). Coverage: share of test inputs with `D(cloud || centre) <= gamma` (centre: the edge, or the map's output; target >= {(1 - RegimeRunner.PaperEpsilon).ToString(Inv)} for the eps-{RegimeRunner.PaperEpsilon.ToString(Inv)} methods). KL: mean `KL(cloud || output)` in nats. Label set: interval dominance (mean size; 'covers' = share containing the true label). Inefficiency: mean volume fraction of the credal set in the simplex (K = 3 only, first {options.HeavyTestRows} test inputs). Regimes by raw ECE: below {Pct(LowEce, 0)}%, {Pct(LowEce, 0)}-{Pct(HighEce, 0)}%, at least {Pct(HighEce, 0)}%.");
        sb.AppendLine();
        sb.AppendLine($"Comparisons between two methods on an edge are paired over its splits: per split the difference of the two methods' metric (both fitted on that split, scored on its test inputs), and a 95% corrected resampled t interval of the mean difference (Nadeau and Bengio: the variance of the mean inflated from `s^2/J` to `(1/J + n_test/n_fit) s^2`, with `n_test/n_fit` = {string.Join(", ", results.GroupBy(r => r.Task).Select(g => $"{g.First().TestToFit.ToString("0.###", Inv)} ({g.Key})"))} here, because the splits are drawn from one pool and share most of their test inputs; docs/METRICS.md). A difference whose interval excludes 0 is called lower/higher (better/worse); otherwise it is not distinguishable. A method is *best* on an edge only when it is distinguishably lower than every other method; the tables mark such a method in bold and otherwise list the methods not distinguishable from the lowest mean (`a ~ b`). ECE is the paper's plug-in estimate (15 equal-width bins); the debiased ECE (L2, 15 equal-mass bins) and the KS error (no bins) are given beside it.");
        sb.AppendLine();
        sb.AppendLine("### Findings (generated from the tables below)");
        sb.AppendLine();
        foreach (string line in Findings(results))
        {
            sb.AppendLine($"* {line}");
        }

        foreach (var task in results.GroupBy(r => r.Task))
        {
            var edges = task.OrderBy(r => r.RawEce).ToList();
            int k = edges[0].Classes;
            sb.AppendLine();
            sb.AppendLine($"### {Data.ExperimentTasks.Title(task.Key)}: ECE (%) by edge, sorted by raw ECE");
            sb.AppendLine();
            sb.AppendLine("| edge | raw accuracy (%) | " + string.Join(" | ", RegimeRunner.Methods.Select(m => $"`{m.Id}`")) + " | best (**alone**) or tied ~ | label-free |");
            sb.AppendLine("|---|---|" + string.Concat(RegimeRunner.Methods.Select(_ => "---|")) + "---|---|");
            foreach (var r in edges)
            {
                sb.AppendLine($"| {r.Edge} | {Pct(r[RegimeRunner.Edge]!.Mean("accuracy"), 2)} | " + string.Join(" | ", RegimeRunner.Methods.Select(m => Pct(r[m]?.Mean("ece") ?? double.NaN, 2))) + $" | {RegimeFindings.Cell(r, RegimeRunner.Methods)} | {RegimeFindings.Cell(r, LabelFree)} |");
            }

            sb.AppendLine();
            sb.AppendLine($"Every method on every edge ({task.Key}):");
            sb.AppendLine();
            sb.AppendLine("| edge | method | accuracy (%) | ECE (%) | debiased ECE (%) | KS (%) | NLL | Brier | KL to cloud | coverage (%) | radius (nats) | set size | set covers label (%) |" + (k == 3 ? " inefficiency |" : string.Empty));
            sb.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|" + (k == 3 ? "---|" : string.Empty));
            foreach (var r in edges)
            {
                foreach (var m in RegimeRunner.Methods)
                {
                    if (r[m] is not { } s)
                    {
                        continue;
                    }

                    sb.AppendLine($"| {r.Edge} | `{m.Id}` | {PctStd(s, "accuracy")} | {PctStd(s, "ece")} | {PctStd(s, "ece-debiased")} | {PctStd(s, "ks")} | {Num(s, "nll", 3)} | {Num(s, "brier", 3)} | {Num(s, "kl-cloud", 3)} | {PctStd(s, "coverage")} | {Num(s, "gamma", 3)} | {Num(s, "set-size", 3)} | {PctStd(s, "set-coverage")} |" + (k == 3 ? $" {Num(s, "inefficiency", 3)} |" : string.Empty));
                }
            }

            sb.AppendLine();
            sb.AppendLine($"![ECE of each method against the raw edge's ECE, {task.Key}](figures/regime-ece-{task.Key}.png)");
            sb.AppendLine($"![{(k == 3 ? "inefficiency" : "label-set size")} against coverage, cdci-paper versus distilled-ts+cdci, {task.Key}](figures/regime-sets-{task.Key}.png)");
        }

        return sb.ToString();
    }

    /// <summary>The generated findings (see <see cref="RegimeFindings"/>): every comparison decided by a paired interval over splits.</summary>
    public static List<string> Findings(IReadOnlyList<RegimeResult> results) => RegimeFindings.Lines(results);

    /// <summary>Share of the (edge, split) compute time spent in <c>cdci-auto</c>'s selection (NaN when not recorded).</summary>
    public static double SelectionShare(IReadOnlyList<RegimeResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        double Total(MethodKey method, string metric) => results.Sum(r => r[method] is { } s && s.Metrics.TryGetValue(metric, out var x) ? x.Mean * x.Count : double.NaN);
        return Total(RegimeRunner.CdciAuto, "selection-seconds") / Total(RegimeRunner.Edge, "split-seconds");
    }

    /// <summary>The three regimes of raw ECE and their edges.</summary>
    public static List<(string Name, List<RegimeResult> Edges)> Regimes(IEnumerable<RegimeResult> results)
    {
        var list = results.ToList();
        return
        [
            ($"Raw ECE below {Pct(LowEce, 0)}%", list.Where(r => r.RawEce < LowEce).ToList()),
            ($"Raw ECE {Pct(LowEce, 0)}-{Pct(HighEce, 0)}%", list.Where(r => r.RawEce >= LowEce && r.RawEce < HighEce).ToList()),
            ($"Raw ECE at least {Pct(HighEce, 0)}%", list.Where(r => r.RawEce >= HighEce).ToList()),
        ];
    }

    /// <summary>A fraction in percent with <paramref name="digits"/> decimals (empty for NaN).</summary>
    internal static string Pct(double v, int digits) => double.IsNaN(v) ? string.Empty : (100 * v).ToString("F" + digits.ToString(Inv), Inv);

    private static string PctStd(MethodSummary s, string metric) =>
        s.Metrics.TryGetValue(metric, out var x) ? $"{Pct(x.Mean, 2)} ± {Pct(x.Std, 2)}" : string.Empty;

    private static string Num(MethodSummary s, string metric, int digits) =>
        s.Metrics.TryGetValue(metric, out var x) ? x.Mean.ToString("F" + digits.ToString(Inv), Inv) : string.Empty;
}
