using System.Globalization;
using System.Text;

namespace CredalDistill.Experiments;

/// <summary>
/// The generated findings of the Regimes section of docs/RESULTS.md. Every comparison of two methods on an edge is decided
/// by the paired interval over that edge's splits (<see cref="SplitComparison"/>, 95%): "lower"/"higher" (or
/// "better"/"worse") when it excludes 0, "not distinguishable" otherwise; a method is the best on an edge only when it is
/// distinguishably lower than every other method compared. Means over edges are reported as descriptions, not as claims.
/// </summary>
public static class RegimeFindings
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The verdicts of one comparison over a set of edges (method minus baseline; for ECE and set size lower is better).</summary>
    /// <param name="Lower">Edges where the interval lies below 0.</param>
    /// <param name="Higher">Edges where it lies above 0.</param>
    /// <param name="Neither">Edges where it contains 0 (or one split only).</param>
    public sealed record Tally(List<RegimeResult> Lower, List<RegimeResult> Higher, List<RegimeResult> Neither)
    {
        /// <summary>"lower on a, higher on b, not distinguishable on c of m edges" (zero counts left out except the total).</summary>
        public string Describe(string lower = "lower", string higher = "higher")
        {
            var parts = new List<string>();
            if (Lower.Count > 0)
            {
                parts.Add($"{lower} on {Lower.Count}");
            }

            if (Higher.Count > 0)
            {
                parts.Add($"{higher} on {Higher.Count}");
            }

            if (Neither.Count > 0)
            {
                parts.Add($"not distinguishable on {Neither.Count}");
            }

            int m = Lower.Count + Higher.Count + Neither.Count;
            return (parts.Count == 0 ? "no edge" : string.Join(", ", parts)) + $" of {m} edge{(m == 1 ? string.Empty : "s")}";
        }
    }

    /// <summary>Sorts <paramref name="edges"/> by the paired comparison of <paramref name="method"/> against <paramref name="baseline"/>.</summary>
    public static Tally Count(IEnumerable<RegimeResult> edges, MethodKey baseline, MethodKey method, string metric = "ece")
    {
        ArgumentNullException.ThrowIfNull(edges);
        var tally = new Tally([], [], []);
        foreach (var r in edges)
        {
            var c = r.Compare(baseline, method, metric);
            (c is null || !c.ExcludesZero ? tally.Neither : c.Upper < 0 ? tally.Lower : tally.Higher).Add(r);
        }

        return tally;
    }

    /// <summary>
    /// On one edge, among <paramref name="methods"/>: the method with the lowest mean <paramref name="metric"/> and the others
    /// whose paired difference from it is not distinguishable from 0 (its ties); the leader is "best" when it has no tie.
    /// </summary>
    public static (MethodKey Leader, List<MethodKey> Ties) Leaders(RegimeResult result, IReadOnlyList<MethodKey> methods, string metric = "ece")
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(methods);
        var present = methods.Where(m => result[m] is not null).ToList();
        var leader = present.MinBy(m => result[m]!.Mean(metric))!;
        var ties = present.Where(m => m != leader && result.Compare(leader, m, metric) is not { ExcludesZero: true }).OrderBy(m => result[m]!.Mean(metric)).ToList();
        return (leader, ties);
    }

    /// <summary>The table cell of <see cref="Leaders"/>: <c>**`best`**</c> alone, or <c>`leader` ~ `tie` ~ ...</c>.</summary>
    public static string Cell(RegimeResult result, IReadOnlyList<MethodKey> methods)
    {
        var (leader, ties) = Leaders(result, methods);
        return ties.Count == 0 ? $"**`{leader.Id}`**" : string.Join(" ~ ", new[] { leader }.Concat(ties).Select(m => $"`{m.Id}`"));
    }

    /// <summary>The findings, one sentence (or short paragraph) each, every number and verdict taken from <paramref name="results"/>.</summary>
    public static List<string> Lines(IReadOnlyList<RegimeResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var lines = new List<string>();
        var all = results.Where(r => r[RegimeRunner.CdciPaper] is not null).OrderByDescending(r => r.RawEce).ToList();
        int m = all.Count;
        if (m == 0)
        {
            return lines;
        }

        int splits = all.Max(r => r.Records.Select(x => x.Split).Distinct().Count());
        double Ece(RegimeResult r, MethodKey method) => r[method]?.Mean("ece") ?? double.NaN;
        double Acc(RegimeResult r, MethodKey method) => r[method]?.Mean("accuracy") ?? double.NaN;

        // The paper's claim: CD-CI lowers ECE and keeps accuracy.
        var ece = Count(all, RegimeRunner.Edge, RegimeRunner.CdciPaper);
        var sb = new StringBuilder($"CD-CI at the paper default (`cdci-paper`) against the raw edge, ECE paired over the {splits} splits (95% corrected resampled t interval of the mean difference, docs/METRICS.md): {ece.Describe()}");
        if (ece.Lower.Count > 0)
        {
            sb.Append($"; lower on raw ECE {Range(ece.Lower)}");
        }

        if (ece.Higher.Count > 0)
        {
            sb.Append($"; higher on raw ECE {Range(ece.Higher)}");
        }

        int prefix = all.TakeWhile(ece.Lower.Contains).Count();
        if (prefix == m)
        {
            sb.Append("; it lowers ECE on every edge");
        }
        else if (prefix > 0)
        {
            sb.Append(prefix == 1 ? $"; of the edges ordered by raw ECE, it lowers ECE only on the top one ({Pct(all[0].RawEce, 1)}%)" : $"; it lowers ECE on every one of the {prefix} edges with raw ECE >= {Pct(all[prefix - 1].RawEce, 1)}%");
        }
        else
        {
            sb.Append($"; it does not lower ECE on the edge with the highest raw ECE ({all[0].Edge}, {Pct(all[0].RawEce, 1)}%)");
        }

        var drops = all.Select(r => (r, Drop: Acc(r, RegimeRunner.Edge) - Acc(r, RegimeRunner.CdciPaper))).ToList();
        var kept = drops.Where(x => x.Drop <= RegimesMarkdown.AccuracyTolerance).ToList();
        var worst = drops.MaxBy(x => x.Drop);
        sb.Append($". Its mean accuracy is within {Pct(RegimesMarkdown.AccuracyTolerance, 1)} points of the edge's on {kept.Count} of {m} edges");
        if (worst.Drop > RegimesMarkdown.AccuracyTolerance)
        {
            sb.Append($" (largest drop {Pct(worst.Drop, 2)} points, {worst.r.Edge})");
        }

        var accuracy = Count(all, RegimeRunner.Edge, RegimeRunner.CdciPaper, "accuracy");
        sb.Append($"; paired, its accuracy is {accuracy.Describe()}");
        var claim = all.Where(r => ece.Lower.Contains(r) && Acc(r, RegimeRunner.Edge) - Acc(r, RegimeRunner.CdciPaper) <= RegimesMarkdown.AccuracyTolerance).ToList();
        sb.Append($". The claim as a whole (ECE distinguishably lower, mean accuracy within {Pct(RegimesMarkdown.AccuracyTolerance, 1)} points) holds on {claim.Count} of {m} edges");
        sb.Append(claim.Count is > 0 and <= 8 ? $": {string.Join(", ", claim.Select(r => $"{r.Edge} ({Pct(r.RawEce, 1)}% -> {Pct(Ece(r, RegimeRunner.CdciPaper), 1)}%)"))}." : ".");
        var dts = Count(all, RegimeRunner.CdciPaper, RegimeRunner.DistilledTs);
        sb.Append($" Distilled TS, which needs no labels either, against `cdci-paper`: ECE {dts.Describe()}.");
        lines.Add(sb.ToString());

        // Best method per regime of raw ECE: best only when distinguishably lower than every other method.
        foreach (var (name, members) in RegimesMarkdown.Regimes(all))
        {
            if (members.Count == 0)
            {
                continue;
            }

            string Wins(IReadOnlyList<MethodKey> methods)
            {
                var leaders = members.Select(r => Leaders(r, methods)).ToList();
                var alone = leaders.Where(x => x.Ties.Count == 0).GroupBy(x => x.Leader).OrderByDescending(g => g.Count()).ThenBy(g => g.Key.Id, StringComparer.Ordinal).Select(g => $"`{g.Key.Id}` on {g.Count()}").ToList();
                var tied = leaders.Where(x => x.Ties.Count > 0).ToList();
                string text = alone.Count > 0 ? $"best (distinguishably lower than every other method) by {string.Join(", ", alone)}" : "no single best";
                if (tied.Count > 0)
                {
                    var among = tied.SelectMany(x => x.Ties.Append(x.Leader)).GroupBy(k => k).OrderByDescending(g => g.Count()).ThenBy(g => g.Key.Id, StringComparer.Ordinal).Select(g => $"`{g.Key.Id}` {g.Count()}");
                    text += (alone.Count > 0 ? $"; no single best on the other {tied.Count}" : $" on any of the {tied.Count}") + $" (methods not distinguishable from the lowest mean, leader included, edges each: {string.Join(", ", among)})";
                }

                return text;
            }

            string Means() => string.Join(", ", RegimeRunner.Methods.Select(meth => (meth, Mean: members.Average(r => Ece(r, meth)))).OrderBy(x => x.Mean).Select(x => $"`{x.meth.Id}` {Pct(x.Mean, 2)}%"));
            lines.Add($"{name} ({members.Count} edge{(members.Count == 1 ? string.Empty : "s")}: {string.Join(", ", members.Select(r => r.Edge))}): ECE {Wins(RegimeRunner.Methods)}; among the label-free methods, {Wins(RegimesMarkdown.LabelFree)}. ECE averaged over these edges (a description, not a test), lowest first: {Means()}.");
        }

        // The two-stage question: smaller sets at the same coverage?
        var pairs = all.Where(r => r[RegimeRunner.TwoStage] is not null).ToList();
        if (pairs.Count > 0)
        {
            double Mean(IEnumerable<RegimeResult> rs, MethodKey method, string metric) => rs.Average(r => r[method]!.Mean(metric));
            var size = Count(pairs, RegimeRunner.CdciPaper, RegimeRunner.TwoStage, "set-size");
            var two = new StringBuilder($"Two-stage `distilled-ts+cdci` against `cdci-paper` (both KL, eps {RegimeRunner.PaperEpsilon.ToString(Inv)}), paired over splits: mean coverage {Pct(Mean(pairs, RegimeRunner.TwoStage, "coverage"), 1)}% against {Pct(Mean(pairs, RegimeRunner.CdciPaper, "coverage"), 1)}%; its label sets are {size.Describe("smaller", "larger")} (mean size {Mean(pairs, RegimeRunner.TwoStage, "set-size").ToString("F3", Inv)} against {Mean(pairs, RegimeRunner.CdciPaper, "set-size").ToString("F3", Inv)})");
            var k3 = pairs.Where(r => r.Classes == 3 && r[RegimeRunner.TwoStage]!.Metrics.ContainsKey("inefficiency")).ToList();
            if (k3.Count > 0)
            {
                var volume = Count(k3, RegimeRunner.CdciPaper, RegimeRunner.TwoStage, "inefficiency");
                two.Append($", and for K = 3 its inefficiency is {volume.Describe("smaller", "larger")} ({Mean(k3, RegimeRunner.TwoStage, "inefficiency").ToString("F3", Inv)} against {Mean(k3, RegimeRunner.CdciPaper, "inefficiency").ToString("F3", Inv)})");
            }

            var twoEce = Count(pairs, RegimeRunner.CdciPaper, RegimeRunner.TwoStage);
            two.Append($"; its ECE is {twoEce.Describe()}. ");
            two.Append(size.Lower.Count * 2 > pairs.Count ? "So on most edges its sets are distinguishably smaller at the same target coverage." : "So its sets are not distinguishably smaller at the same target coverage on most edges.");
            lines.Add(two.ToString());
        }

        lines.AddRange(MapLines(all));

        var auto = all.Where(r => r[RegimeRunner.CdciAuto] is not null).ToList();
        if (auto.Count > 0)
        {
            var againstEdge = Count(auto, RegimeRunner.Edge, RegimeRunner.CdciAuto);
            var againstDts = Count(auto, RegimeRunner.DistilledTs, RegimeRunner.CdciAuto);
            lines.Add($"`cdci-auto`'s ECE against the raw edge is {againstEdge.Describe()}; against distilled TS it is {againstDts.Describe()}; its mean coverage is {Pct(auto.Average(r => r[RegimeRunner.CdciAuto]!.Mean("coverage")), 1)}% (eps chosen between {auto.Min(r => r[RegimeRunner.CdciAuto]!.Mean("epsilon")).ToString("0.###", Inv)} and {auto.Max(r => r[RegimeRunner.CdciAuto]!.Mean("epsilon")).ToString("0.###", Inv)} on average per edge), so its credal sets trade coverage for calibration.");
        }

        return lines;
    }

    /// <summary>Accuracy loss (fraction) below the raw edge that auto may show on an edge (the issue's bar: 0.3 points).</summary>
    public const double AutoAccuracyLoss = 0.003;

    /// <summary>NLL margin (nats) within which auto counts as no worse than temperature scaling with labels.</summary>
    public const double AutoNllMargin = 0.002;

    /// <summary>
    /// The distilled maps (vector and matrix scaling fitted to the cloud), auto, and each map followed by CD-CI: what the cloud's
    /// soft labels buy beyond one temperature, paired over splits, and where the maps lose.
    /// </summary>
    private static List<string> MapLines(List<RegimeResult> all)
    {
        var lines = new List<string>();
        var edges = all.Where(r => RegimeRunner.DistilledMaps.All(m => r[m] is not null)).ToList();
        if (edges.Count == 0)
        {
            return lines;
        }

        double Mean(RegimeResult r, MethodKey method, string metric) => r[method]?.Mean(metric) ?? double.NaN;

        // The maps against distilled TS (NLL, accuracy) and against the raw edge (accuracy: does the map repair the arg-max?).
        var sb = new StringBuilder("Distilled maps (no labels, fitted to the cloud's probabilities on the unlabeled calibration set), paired over splits:");
        foreach (var map in new[] { RegimeRunner.DistilledVs, RegimeRunner.DistilledMs })
        {
            var nll = Count(edges, RegimeRunner.DistilledTs, map, "nll");
            var acc = Count(edges, RegimeRunner.Edge, map, "accuracy");
            sb.Append($" `{map.Id}` against `distilled-ts`: NLL {nll.Describe()}; accuracy against the raw edge {acc.Describe("lower", "higher")}");
            if (acc.Higher.Count > 0)
            {
                var best = acc.Higher.MaxBy(r => Mean(r, map, "accuracy") - Mean(r, RegimeRunner.Edge, "accuracy"))!;
                sb.Append($" (largest gain {Pct(Mean(best, map, "accuracy") - Mean(best, RegimeRunner.Edge, "accuracy"), 2)} points, {best.Edge})");
            }

            sb.Append('.');
        }

        var k3 = edges.Where(r => r.Classes == 3).ToList();
        if (k3.Count > 0)
        {
            var msK3 = Count(k3, RegimeRunner.DistilledTs, RegimeRunner.DistilledMs, "nll");
            sb.Append($" On the {k3.Count} K = 3 edges `distilled-ms` against `distilled-ts` has NLL {msK3.Describe()} (mean {k3.Average(r => Mean(r, RegimeRunner.DistilledMs, "nll")).ToString("F3", Inv)} against {k3.Average(r => Mean(r, RegimeRunner.DistilledTs, "nll")).ToString("F3", Inv)} nats): with three classes a temperature already captures most of what the cloud can teach.");
        }

        lines.Add(sb.ToString());

        // The bundled quantized edge: the issue's headline case.
        if (edges.FirstOrDefault(r => r.Edge == "fmnist10-edge-q2") is { } q2)
        {
            var bestMap = new[] { RegimeRunner.DistilledTs, RegimeRunner.DistilledVs, RegimeRunner.DistilledMs }.MinBy(m => Mean(q2, m, "nll"))!;
            var line = $"On `fmnist10-edge-q2` (the 2-bit quantized edge) the raw edge has {Pct(Mean(q2, RegimeRunner.Edge, "accuracy"), 1)}% accuracy and NLL {Mean(q2, RegimeRunner.Edge, "nll").ToString("F3", Inv)}; the best label-free map by NLL, `{bestMap.Id}`, reaches {Pct(Mean(q2, bestMap, "accuracy"), 1)}% and {Mean(q2, bestMap, "nll").ToString("F3", Inv)} (`ts` with labels: {Pct(Mean(q2, RegimeRunner.Ts, "accuracy"), 1)}%, {Mean(q2, RegimeRunner.Ts, "nll").ToString("F3", Inv)})";
            if (q2[RegimeRunner.Auto] is not null)
            {
                line += $"; `auto` {Pct(Mean(q2, RegimeRunner.Auto, "accuracy"), 1)}%, {Mean(q2, RegimeRunner.Auto, "nll").ToString("F3", Inv)} ({Pct(Mean(q2, bestMap, "accuracy") - Mean(q2, RegimeRunner.Auto, "accuracy"), 2)} points and {(Mean(q2, RegimeRunner.Auto, "nll") - Mean(q2, bestMap, "nll")).ToString("F4", Inv)} nats from that map), choosing {Choices(q2)}";
            }

            lines.Add(line + ".");
        }

        // auto against temperature scaling with labels, and against the raw edge's accuracy.
        var withAuto = edges.Where(r => r[RegimeRunner.Auto] is not null).ToList();
        if (withAuto.Count > 0)
        {
            var noWorse = withAuto.Where(r => Mean(r, RegimeRunner.Auto, "nll") <= Mean(r, RegimeRunner.Ts, "nll") + AutoNllMargin).ToList();
            var nll = Count(withAuto, RegimeRunner.Ts, RegimeRunner.Auto, "nll");
            var keeps = withAuto.Where(r => Mean(r, RegimeRunner.Auto, "accuracy") >= Mean(r, RegimeRunner.Edge, "accuracy") - AutoAccuracyLoss).ToList();
            var worstAcc = withAuto.MinBy(r => Mean(r, RegimeRunner.Auto, "accuracy") - Mean(r, RegimeRunner.Edge, "accuracy"))!;
            var text = $"`auto` (label-free) against `ts` (temperature scaling with labels): mean NLL no worse (within {AutoNllMargin.ToString("0.###", Inv)} nats) on {noWorse.Count} of {withAuto.Count} edges; paired, its NLL is {nll.Describe()}. Its mean accuracy is at least the raw edge's minus {Pct(AutoAccuracyLoss, 1)} points on {keeps.Count} of {withAuto.Count} edges (lowest difference {Pct(Mean(worstAcc, RegimeRunner.Auto, "accuracy") - Mean(worstAcc, RegimeRunner.Edge, "accuracy"), 2)} points, {worstAcc.Edge}).";
            if (noWorse.Count < withAuto.Count)
            {
                text += $" Where it is worse than `ts` by more than the margin: {string.Join(", ", withAuto.Except(noWorse).Select(r => $"{r.Edge} ({Mean(r, RegimeRunner.Auto, "nll").ToString("F3", Inv)} against {Mean(r, RegimeRunner.Ts, "nll").ToString("F3", Inv)}; chose {Choices(r)})"))}.";
            }

            lines.Add(text);
        }

        // Each map followed by CD-CI: coverage and the size of its sets against the paper's at the same eps.
        var sets = edges.Where(r => RegimeRunner.MapSets.All(m => r[m] is not null)).ToList();
        if (sets.Count > 0)
        {
            var parts = new List<string>();
            foreach (var method in RegimeRunner.MapSets)
            {
                var size = Count(sets, RegimeRunner.CdciPaper, method, "set-size");
                double coverage = sets.Average(r => Mean(r, method, "coverage"));
                int below = sets.Count(r => Mean(r, method, "coverage") < 1 - RegimeRunner.PaperEpsilon - (2 * Band(r, method)));
                parts.Add($"`{method.Id}` mean coverage {Pct(coverage, 1)}% (below the target by more than two standard errors of the mean over splits on {below} of {sets.Count} edges), radius {sets.Average(r => Mean(r, method, "gamma")).ToString("F3", Inv)} nats, label sets {size.Describe("smaller", "larger")} than `cdci-paper`'s (mean size {sets.Average(r => Mean(r, method, "set-size")).ToString("F3", Inv)})");
            }

            lines.Add($"Each map followed by CD-CI (KL, eps {RegimeRunner.PaperEpsilon.ToString(Inv)}, the map on half of the calibration set, the threshold on the other half; `cdci-paper`: radius {sets.Average(r => Mean(r, RegimeRunner.CdciPaper, "gamma")).ToString("F3", Inv)} nats, mean coverage {Pct(sets.Average(r => Mean(r, RegimeRunner.CdciPaper, "coverage")), 1)}%, mean set size {sets.Average(r => Mean(r, RegimeRunner.CdciPaper, "set-size")).ToString("F3", Inv)}): {string.Join("; ", parts)}.");
        }

        return lines;
    }

    /// <summary>The standard error of the mean coverage over splits (its spread over calibration draws and test sets, divided by the root of the number of splits): the finite-sample band.</summary>
    private static double Band(RegimeResult r, MethodKey method)
    {
        var coverage = r[method]!.Metrics["coverage"];
        return coverage.Std / Math.Sqrt(Math.Max(1, coverage.Count));
    }

    /// <summary>What auto chose on an edge: method and share of splits, most frequent first.</summary>
    private static string Choices(RegimeResult r) => r[RegimeRunner.Auto] is not { } s
        ? "nothing"
        : string.Join(", ", s.Metrics.Where(kv => kv.Key.StartsWith("chose:", StringComparison.Ordinal) && kv.Value.Mean > 0).OrderByDescending(kv => kv.Value.Mean).Select(kv => $"`{kv.Key["chose:".Length..]}` on {Pct(kv.Value.Mean, 0)}% of splits"));

    private static string Range(List<RegimeResult> edges) =>
        edges.Count == 1 ? $"{Pct(edges[0].RawEce, 1)}%" : $"{Pct(edges.Min(r => r.RawEce), 1)}-{Pct(edges.Max(r => r.RawEce), 1)}%";

    private static string Pct(double v, int digits) => RegimesMarkdown.Pct(v, digits);
}
