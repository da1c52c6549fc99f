using System.Globalization;
using Spectre.Console;

namespace CredalDistill.Cli.Reporting;

/// <summary>
/// The console part of <c>credal evaluate</c> after the metric table: conditional coverage of the credal sets, and with
/// <c>--bootstrap</c> the 95% intervals of every method's metrics and the paired comparisons against the first artifact.
/// </summary>
public static class EvidenceReports
{
    private static readonly string[] Metrics = ["accuracy", "ece", "eceDebiased", "ksError", "nll", "brier"];

    /// <summary>Renders the conditional coverage, intervals and comparisons that <paramref name="reports"/> carry.</summary>
    /// <param name="console">Standard output.</param>
    /// <param name="reports">The evaluated artifacts (intervals filled when bootstrapped).</param>
    /// <param name="comparisons">The paired comparisons, or null.</param>
    /// <param name="replicates">The number of resamples, or null without <c>--bootstrap</c>.</param>
    /// <param name="seed">The bootstrap seed.</param>
    public static void Write(IAnsiConsole console, IReadOnlyList<EvaluationReport> reports, IReadOnlyList<PairedComparison>? comparisons, int? replicates, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(reports);
        bool many = reports.Count > 1;
        foreach (var r in reports.Where(r => r.ConditionalCoverage is not null))
        {
            Conditional(console, r, many ? Path.GetFileName(r.Artifact) + ": " : string.Empty);
        }

        if (replicates is int b)
        {
            Intervals(console, reports, b, seed);
        }

        if (comparisons is { Count: > 0 })
        {
            Comparisons(console, comparisons);
        }
    }

    /// <summary>"better", "worse" or "not distinguishable": whether the interval excludes 0, and on which side (higher accuracy is better, lower is better for the rest).</summary>
    public static string Verdict(string metric, double lower, double upper)
    {
        if (!(lower > 0 || upper < 0))
        {
            return "not distinguishable";
        }

        bool higher = lower > 0;
        return higher == (metric == "accuracy") ? "better" : "worse";
    }

    private static void Conditional(IAnsiConsole console, EvaluationReport r, string prefix)
    {
        var cc = r.ConditionalCoverage!;
        double target = 1.0 - r.Epsilon!.Value;
        console.MarkupLine($"{Markup.Escape(prefix)}[bold]conditional coverage[/] of the cloud by predicted class and by confidence decile (target >= {F(target, "F4")}):");
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("group")
            .AddColumn(new TableColumn("rows").RightAligned())
            .AddColumn(new TableColumn("coverage").RightAligned());
        foreach (var g in cc.ByClass.Concat(cc.ByConfidence))
        {
            table.AddRow(new Text(Name(g)), new Text(g.Rows.ToString(CultureInfo.InvariantCulture)), new Markup(g.Coverage is double c ? $"[{(c >= target ? "green" : "yellow")}]{F(c, "F4")}[/]" : "-"));
        }

        console.Write(table);
        var w = cc.Worst;
        console.MarkupLine($"{Markup.Escape(prefix)}[bold]worst group[/] {Markup.Escape(Name(w))}: coverage [{(w.Coverage >= target ? "green" : "yellow")}]{F(w.Coverage!.Value, "F4")}[/] on {w.Rows} rows (marginal {F(r.Coverage!.Value, "F4")})");
    }

    private static string Name(GroupCoverage g) => g.Group == "class"
        ? $"predicted class {g.Index}"
        : g.Lower is double lo ? $"confidence bin {g.Index} [{F(lo, "F3")}, {F(g.Upper!.Value, "F3")}]" : $"confidence bin {g.Index} (empty)";

    private static void Intervals(IAnsiConsole console, IReadOnlyList<EvaluationReport> reports, int replicates, ulong seed)
    {
        var table = new Table().Border(TableBorder.Rounded).Title(string.Create(CultureInfo.InvariantCulture, $"95% bootstrap intervals ({replicates} resamples, seed {seed}; ECE, debiased ECE and KS in %)"))
            .AddColumn("method");
        foreach (string header in new[] { "accuracy", "ECE (%)", "debiased ECE (%)", "KS (%)", "NLL", "Brier" })
        {
            table.AddColumn(new TableColumn(header).RightAligned());
        }

        bool many = reports.Count > 1;
        void Add(string name, MethodMetrics m) => table.AddRow([Markup.Escape(name), .. Metrics.Select(metric => Markup.Escape(Cell(metric, m.Intervals![metric])))]);
        Add("edge", reports[0].Methods["edge"]);
        Add("cloud", reports[0].Methods["cloud"]);
        foreach (var r in reports)
        {
            foreach (var (name, m) in r.Methods.Where(x => x.Key is not ("edge" or "cloud")))
            {
                Add((many ? Path.GetFileName(r.Artifact) + ": " : string.Empty) + name, m);
            }
        }

        console.Write(table);
    }

    private static void Comparisons(IAnsiConsole console, IReadOnlyList<PairedComparison> comparisons)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("paired differences, method minus baseline on the same resampled rows (ECE, debiased ECE and KS in % points)")
            .AddColumn("baseline")
            .AddColumn("method")
            .AddColumn("metric")
            .AddColumn(new TableColumn("difference").RightAligned())
            .AddColumn(new TableColumn("95% interval").RightAligned())
            .AddColumn("excludes 0?");
        foreach (var c in comparisons)
        {
            string verdict = Verdict(c.Metric, c.Interval[0], c.Interval[1]);
            string colour = verdict switch { "better" => "green", "worse" => "red", _ => "grey" };
            table.AddRow(
                new Text(Path.GetFileName(c.Baseline)),
                new Text(Path.GetFileName(c.Method)),
                new Text(c.Metric),
                new Text(Scaled(c.Metric, c.Difference)),
                new Text(Cell(c.Metric, c.Interval)),
                new Markup(verdict == "not distinguishable" ? "[grey]no: not distinguishable[/]" : $"[{colour}]yes: {verdict}[/]"));
        }

        console.Write(table);
    }

    private static string Cell(string metric, double[] interval) => $"[{Scaled(metric, interval[0])}, {Scaled(metric, interval[1])}]";

    private static string Scaled(string metric, double value) => metric is "ece" or "eceDebiased" or "ksError" ? F(100 * value, "F2") : F(value, "F4");

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
