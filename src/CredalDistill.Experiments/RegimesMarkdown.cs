using CredalDistill.Calibration;
using System.Globalization;
using System.Text;

namespace CredalDistill.Experiments;

/// <summary>
/// The "Regimes" section of docs/RESULTS.md: generated findings (where the paper's claim holds, which method is best
/// per regime of raw ECE, what the two-stage method changes), per-task tables sorted by raw ECE, and the figure links.
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
    public static IReadOnlyList<MethodKey> LabelFree { get; } = [RegimeRunner.DistilledTs, RegimeRunner.CdciPaper, RegimeRunner.CdciAuto, RegimeRunner.TwoStage];

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
        sb.AppendLine($"{results.Count} edges ({scope} of the bundled `fmnist3-edge` and `fmnist10-edge` and the overconfidence-axis edges listed in `models/metrics.json`, see `models/README.md`), each on the same {options.Splits} split plans as above (this part: {elapsed.TotalMinutes.ToString("F1", Inv)} min, edge-split pairs in parallel on {Environment.ProcessorCount} cores, {Pct(SelectionShare(results), 0)}% of the per-pair compute time in `cdci-auto`'s label-free selection; mean ± std over splits; accuracy, ECE, and coverage in percent). Methods: `edge` (raw), `ts` (temperature scaling, NLL fit on the labeled set), `distilled-ts` (no labels), `laplace-kfac` (last-layer KFAC Laplace, labeled set), `cdci-paper` (KL, eps {RegimeRunner.PaperEpsilon.ToString(Inv)}, intersection probability), `cdci-auto` (label-free divergence + eps choice, intersection probability) and `distilled-ts+cdci` (docs/METHOD.md: distilled T fitted on {t.Length} of the {calibrationSize} calibration inputs, the KL threshold at eps {RegimeRunner.PaperEpsilon.ToString(Inv)} around the tempered edge on the other {g.Length}; intersection probability). Coverage: share of test inputs with `D(cloud || centre) <= gamma` (centre: the edge, or the tempered edge for the two-stage method; target >= {(1 - RegimeRunner.PaperEpsilon).ToString(Inv)} for the eps-{RegimeRunner.PaperEpsilon.ToString(Inv)} methods). Label set: interval dominance (mean size; 'covers' = share containing the true label). Inefficiency: mean volume fraction of the credal set in the simplex (K = 3 only, first {options.HeavyTestRows} test inputs). Regimes by raw ECE: below {Pct(LowEce, 0)}%, {Pct(LowEce, 0)}-{Pct(HighEce, 0)}%, at least {Pct(HighEce, 0)}%.");
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
            sb.AppendLine($"### {(task.Key == "fmnist3" ? "FMNIST-3 (K = 3)" : task.Key == "fmnist10" ? "FMNIST-10 (K = 10)" : task.Key)}: ECE (%) by edge, sorted by raw ECE");
            sb.AppendLine();
            sb.AppendLine("| edge | raw accuracy (%) | " + string.Join(" | ", RegimeRunner.Methods.Select(m => $"`{m.Id}`")) + " | lowest (label-free) |");
            sb.AppendLine("|---|---|" + string.Concat(RegimeRunner.Methods.Select(_ => "---|")) + "---|");
            foreach (var r in edges)
            {
                sb.AppendLine($"| {r.Edge} | {Pct(r[RegimeRunner.Edge]!.Mean("accuracy"), 2)} | " + string.Join(" | ", RegimeRunner.Methods.Select(m => Pct(r[m]?.Mean("ece") ?? double.NaN, 2))) + $" | `{Best(r, RegimeRunner.Methods).Id}` (`{Best(r, LabelFree).Id}`) |");
            }

            sb.AppendLine();
            sb.AppendLine($"Every method on every edge ({task.Key}):");
            sb.AppendLine();
            sb.AppendLine("| edge | method | accuracy (%) | ECE (%) | NLL | Brier | coverage (%) | set size | set covers label (%) |" + (k == 3 ? " inefficiency |" : string.Empty));
            sb.AppendLine("|---|---|---|---|---|---|---|---|---|" + (k == 3 ? "---|" : string.Empty));
            foreach (var r in edges)
            {
                foreach (var m in RegimeRunner.Methods)
                {
                    if (r[m] is not { } s)
                    {
                        continue;
                    }

                    sb.AppendLine($"| {r.Edge} | `{m.Id}` | {PctStd(s, "accuracy")} | {PctStd(s, "ece")} | {Num(s, "nll", 3)} | {Num(s, "brier", 3)} | {PctStd(s, "coverage")} | {Num(s, "set-size", 3)} | {PctStd(s, "set-coverage")} |" + (k == 3 ? $" {Num(s, "inefficiency", 3)} |" : string.Empty));
                }
            }

            sb.AppendLine();
            sb.AppendLine($"![ECE of each method against the raw edge's ECE, {task.Key}](figures/regime-ece-{task.Key}.png)");
            sb.AppendLine($"![{(k == 3 ? "inefficiency" : "label-set size")} against coverage, cdci-paper versus distilled-ts+cdci, {task.Key}](figures/regime-sets-{task.Key}.png)");
        }

        return sb.ToString();
    }

    /// <summary>The generated findings: one sentence (or short paragraph) per claim, every number taken from <paramref name="results"/>.</summary>
    public static List<string> Findings(IReadOnlyList<RegimeResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var lines = new List<string>();
        var all = results.Where(r => r[RegimeRunner.CdciPaper] is not null).OrderByDescending(r => r.RawEce).ToList();
        int m = all.Count;
        if (m == 0)
        {
            return lines;
        }

        double Ece(RegimeResult r, MethodKey method) => r[method]?.Mean("ece") ?? double.NaN;
        double Acc(RegimeResult r, MethodKey method) => r[method]?.Mean("accuracy") ?? double.NaN;

        // The paper's claim: CD-CI lowers ECE and keeps accuracy.
        var lowers = all.Where(r => Ece(r, RegimeRunner.CdciPaper) < r.RawEce).ToList();
        var raises = all.Except(lowers).ToList();
        var sb = new StringBuilder($"CD-CI at the paper default (`cdci-paper`) lowers mean ECE on {lowers.Count} of {m} edges");
        if (lowers.Count > 0)
        {
            sb.Append($" (raw ECE {Range(lowers)})");
        }

        if (raises.Count > 0)
        {
            sb.Append($" and raises it on {raises.Count} (raw ECE {Range(raises)})");
        }

        int prefix = all.TakeWhile(r => Ece(r, RegimeRunner.CdciPaper) < r.RawEce).Count();
        if (prefix > 0 && prefix < m)
        {
            sb.Append(prefix == 1 ? $"; of the edges ordered by raw ECE, it lowers ECE only on the top one ({Pct(all[0].RawEce, 1)}%)" : $"; it lowers ECE on every one of the {prefix} edges with raw ECE >= {Pct(all[prefix - 1].RawEce, 1)}%");
        }
        else if (prefix == m)
        {
            sb.Append("; it lowers ECE on every edge");
        }
        else
        {
            sb.Append($"; it does not lower ECE on the edge with the highest raw ECE ({all[0].Edge}, {Pct(all[0].RawEce, 1)}%)");
        }

        var drops = all.Select(r => (r, Drop: Acc(r, RegimeRunner.Edge) - Acc(r, RegimeRunner.CdciPaper))).ToList();
        var kept = drops.Where(x => x.Drop <= AccuracyTolerance).ToList();
        var worst = drops.MaxBy(x => x.Drop);
        sb.Append($". It keeps accuracy within {Pct(AccuracyTolerance, 1)} points on {kept.Count} of {m} edges");
        if (worst.Drop > AccuracyTolerance)
        {
            sb.Append($" (largest drop {Pct(worst.Drop, 2)} points, {worst.r.Edge})");
        }

        var claim = all.Where(r => Ece(r, RegimeRunner.CdciPaper) < r.RawEce && Acc(r, RegimeRunner.Edge) - Acc(r, RegimeRunner.CdciPaper) <= AccuracyTolerance).ToList();
        sb.Append($". The claim as a whole (lower ECE, accuracy kept) holds on {claim.Count} of {m} edges");
        sb.Append(claim.Count is > 0 and <= 8 ? $": {string.Join(", ", claim.Select(r => $"{r.Edge} ({Pct(r.RawEce, 1)}% -> {Pct(Ece(r, RegimeRunner.CdciPaper), 1)}%)"))}." : ".");
        var dtsBetter = all.Count(r => Ece(r, RegimeRunner.DistilledTs) < Ece(r, RegimeRunner.CdciPaper));
        sb.Append($" Distilled TS, which needs no labels either, has a lower ECE than `cdci-paper` on {dtsBetter} of {m} edges.");
        lines.Add(sb.ToString());

        // Best method per regime of raw ECE.
        foreach (var (name, members) in Regimes(all))
        {
            if (members.Count == 0)
            {
                continue;
            }

            string Wins(IReadOnlyList<MethodKey> methods) => string.Join(", ", members.GroupBy(r => Best(r, methods)).OrderByDescending(x => x.Count()).ThenBy(x => x.Key.Id, StringComparer.Ordinal).Select(x => $"`{x.Key.Id}` on {x.Count()}"));
            string Means() => string.Join(", ", RegimeRunner.Methods.Select(meth => (meth, Mean: members.Average(r => Ece(r, meth)))).OrderBy(x => x.Mean).Select(x => $"`{x.meth.Id}` {Pct(x.Mean, 2)}%"));
            lines.Add($"{name} ({members.Count} edge{(members.Count == 1 ? string.Empty : "s")}: {string.Join(", ", members.Select(r => r.Edge))}): lowest mean ECE by {Wins(RegimeRunner.Methods)}; among the label-free methods, {Wins(LabelFree)}. ECE averaged over these edges, best first: {Means()}.");
        }

        // The two-stage question: smaller sets at the same coverage?
        var pairs = all.Where(r => r[RegimeRunner.TwoStage] is not null).ToList();
        if (pairs.Count > 0)
        {
            double Mean(IEnumerable<RegimeResult> rs, MethodKey method, string metric) => rs.Average(r => r[method]!.Mean(metric));
            int smaller = pairs.Count(r => r[RegimeRunner.TwoStage]!.Mean("set-size") < r[RegimeRunner.CdciPaper]!.Mean("set-size"));
            var two = new StringBuilder($"Two-stage `distilled-ts+cdci` against `cdci-paper` (both KL, eps {RegimeRunner.PaperEpsilon.ToString(Inv)}): mean coverage {Pct(Mean(pairs, RegimeRunner.TwoStage, "coverage"), 1)}% against {Pct(Mean(pairs, RegimeRunner.CdciPaper, "coverage"), 1)}%; its label sets are smaller on {smaller} of {pairs.Count} edges (mean size {Mean(pairs, RegimeRunner.TwoStage, "set-size").ToString("F3", Inv)} against {Mean(pairs, RegimeRunner.CdciPaper, "set-size").ToString("F3", Inv)})");
            var k3 = pairs.Where(r => r.Classes == 3 && r[RegimeRunner.TwoStage]!.Metrics.ContainsKey("inefficiency")).ToList();
            if (k3.Count > 0)
            {
                int lessVolume = k3.Count(r => r[RegimeRunner.TwoStage]!.Mean("inefficiency") < r[RegimeRunner.CdciPaper]!.Mean("inefficiency"));
                two.Append($", and for K = 3 its inefficiency is smaller on {lessVolume} of {k3.Count} edges ({Mean(k3, RegimeRunner.TwoStage, "inefficiency").ToString("F3", Inv)} against {Mean(k3, RegimeRunner.CdciPaper, "inefficiency").ToString("F3", Inv)})");
            }

            int lowerEce = pairs.Count(r => Ece(r, RegimeRunner.TwoStage) < Ece(r, RegimeRunner.CdciPaper));
            two.Append($"; its ECE is lower on {lowerEce} of {pairs.Count} edges. ");
            two.Append(smaller * 2 > pairs.Count ? "So on most edges its sets are smaller at the same target coverage." : "So its sets are not smaller at the same target coverage on most edges.");
            lines.Add(two.ToString());
        }

        var auto = all.Where(r => r[RegimeRunner.CdciAuto] is not null).ToList();
        if (auto.Count > 0)
        {
            int autoLowers = auto.Count(r => Ece(r, RegimeRunner.CdciAuto) < r.RawEce);
            int autoBeatsDts = auto.Count(r => Ece(r, RegimeRunner.CdciAuto) < Ece(r, RegimeRunner.DistilledTs));
            lines.Add($"`cdci-auto` lowers mean ECE below the raw edge on {autoLowers} of {auto.Count} edges and below distilled TS on {autoBeatsDts}; its mean coverage is {Pct(auto.Average(r => r[RegimeRunner.CdciAuto]!.Mean("coverage")), 1)}% (eps chosen between {auto.Min(r => r[RegimeRunner.CdciAuto]!.Mean("epsilon")).ToString("0.###", Inv)} and {auto.Max(r => r[RegimeRunner.CdciAuto]!.Mean("epsilon")).ToString("0.###", Inv)} on average per edge), so its credal sets trade coverage for calibration.");
        }

        return lines;
    }

    /// <summary>Share of the (edge, split) compute time spent in <c>cdci-auto</c>'s selection (NaN when not recorded).</summary>
    public static double SelectionShare(IReadOnlyList<RegimeResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        double Total(MethodKey method, string metric) => results.Sum(r => r[method] is { } s && s.Metrics.TryGetValue(metric, out var x) ? x.Mean * x.Count : double.NaN);
        return Total(RegimeRunner.CdciAuto, "selection-seconds") / Total(RegimeRunner.Edge, "split-seconds");
    }

    /// <summary>The method with the lowest mean ECE among <paramref name="methods"/> (ties: the earlier one).</summary>
    public static MethodKey Best(RegimeResult result, IReadOnlyList<MethodKey> methods)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(methods);
        return methods.Where(m => result[m] is not null).MinBy(m => result[m]!.Mean("ece"))!;
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

    private static string Range(List<RegimeResult> edges) =>
        edges.Count == 1 ? $"{Pct(edges[0].RawEce, 1)}%" : $"{Pct(edges.Min(r => r.RawEce), 1)}-{Pct(edges.Max(r => r.RawEce), 1)}%";

    private static string Pct(double v, int digits) => double.IsNaN(v) ? string.Empty : (100 * v).ToString("F" + digits.ToString(Inv), Inv);

    private static string PctStd(MethodSummary s, string metric) =>
        s.Metrics.TryGetValue(metric, out var x) ? $"{Pct(x.Mean, 2)} ± {Pct(x.Std, 2)}" : string.Empty;

    private static string Num(MethodSummary s, string metric, int digits) =>
        s.Metrics.TryGetValue(metric, out var x) ? x.Mean.ToString("F" + digits.ToString(Inv), Inv) : string.Empty;
}
