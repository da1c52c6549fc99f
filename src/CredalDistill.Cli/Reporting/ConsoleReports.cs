using System.Globalization;
using CredalDistill.Conformal;
using Spectre.Console;

namespace CredalDistill.Cli.Reporting;

/// <summary>Spectre renderings of command results (stdout) shared by the commands (and a future <c>demo</c>).</summary>
public static class ConsoleReports
{
    /// <summary>Formats a number for display: shortest round-trip form, <c>+inf</c> for infinity.</summary>
    public static string Number(double value) => double.IsPositiveInfinity(value) ? "+inf" : value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Renders the label-free epsilon choice: every candidate's cross-fitted cloud-referenced ECE and the chosen one.</summary>
    public static void EpsilonSelection(IAnsiConsole console, EpsilonSelection selection, string output)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(selection);
        var table = new Table().Title($"label-free choice of epsilon ({output}): cross-fitted cloud-referenced ECE");
        table.AddColumns("epsilon", "cloud-referenced ECE (%)", "");
        for (int i = 0; i < selection.Candidates.Count; i++)
        {
            table.AddRow(Number(selection.Candidates[i]), (100 * selection.Scores[i]).ToString("F3", CultureInfo.InvariantCulture), i == selection.ChosenIndex ? "chosen" : string.Empty);
        }

        console.Write(table);
    }

    /// <summary>Renders the (divergence x eps) table of cross-fitted cloud-referenced ECE (%) with the chosen pair marked.</summary>
    public static void ConfigurationSelection(IAnsiConsole console, ConfigurationSelection selection, string output)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(selection);
        var table = new Table().Title($"label-free choice ({output}): cross-fitted cloud-referenced ECE (%), * = chosen");
        table.AddColumn("divergence");
        foreach (double eps in selection.Epsilons)
        {
            table.AddColumn("eps " + Number(eps));
        }

        for (int d = 0; d < selection.Divergences.Count; d++)
        {
            var cells = new List<string> { selection.Divergences[d].Name };
            for (int e = 0; e < selection.Epsilons.Count; e++)
            {
                bool chosen = d == selection.ChosenDivergenceIndex && e == selection.ChosenEpsilonIndex;
                cells.Add((100 * selection.Scores[d][e]).ToString("F3", CultureInfo.InvariantCulture) + (chosen ? " *" : string.Empty));
            }

            table.AddRow(cells.ToArray());
        }

        console.Write(table);
    }

    /// <summary>Renders the calibration summary: n, K, eps, divergence, threshold (nats and bits), rank and score summary.</summary>
    public static void Calibration(IAnsiConsole console, ConformalThreshold threshold, string? artifactPath)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(threshold);
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        void Row(string name, string value) => grid.AddRow(new Markup($"[bold]{Markup.Escape(name)}[/]"), new Text(value));
        Row("n", threshold.N.ToString(CultureInfo.InvariantCulture));
        Row("classes (K)", threshold.Classes.ToString(CultureInfo.InvariantCulture));
        Row("epsilon", Number(threshold.Epsilon));
        Row("divergence", threshold.Divergence.Name);
        Row("rank k", threshold.Rank.ToString(CultureInfo.InvariantCulture) + (threshold.Rank > threshold.N ? " (> n)" : string.Empty));
        Row("threshold (nats)", Number(threshold.Gamma));
        Row("threshold (bits)", Number(threshold.GammaBits));
        var s = threshold.Scores;
        Row("scores min", Number(s.Min));
        Row("scores median", Number(s.Median));
        Row("scores mean", Number(s.Mean));
        Row("scores max", Number(s.Max));
        if (s.InfiniteCount > 0)
        {
            Row("infinite scores", s.InfiniteCount.ToString(CultureInfo.InvariantCulture));
        }

        if (artifactPath is not null)
        {
            Row("artifact", artifactPath);
        }

        console.Write(grid);
    }

    /// <summary>Renders the evaluation report as a metrics table plus coverage and label-set lines.</summary>
    public static void Evaluation(IAnsiConsole console, EvaluationReport report)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(report);
        string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"[bold]n[/] {report.N}  [bold]K[/] {report.Classes}  [bold]divergence[/] {Markup.Escape(report.Divergence)}  [bold]epsilon[/] {Number(report.Epsilon)}  [bold]threshold[/] {(report.Threshold is double g ? Number(g) + " nats" : "+inf (unbounded)")}"));
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("method")
            .AddColumn(new TableColumn("accuracy").RightAligned())
            .AddColumn(new TableColumn("ECE (%)").RightAligned())
            .AddColumn(new TableColumn("NLL").RightAligned())
            .AddColumn(new TableColumn("Brier").RightAligned());
        foreach (var (name, m) in report.Methods.All())
        {
            table.AddRow(name, F(m.Accuracy, "F4"), F(100 * m.Ece, "F2"), F(m.Nll, "F4"), F(m.Brier, "F4"));
        }

        console.Write(table);
        double target = 1.0 - report.Epsilon;
        string colour = report.Coverage >= target ? "green" : "yellow";
        console.MarkupLine($"[bold]coverage[/] [{colour}]{F(report.Coverage, "F4")}[/] (fraction with D(cloud || edge) <= threshold; target >= {F(target, "F4")})");
        var ls = report.LabelSets;
        console.MarkupLine($"[bold]label sets (interval dominance)[/] true-label coverage {F(ls.Coverage, "F4")}, cloud top-1 coverage {F(ls.CloudTop1Coverage, "F4")}, mean size {F(ls.MeanSize, "F3")}");
        if (report.Inefficiency is double v)
        {
            console.MarkupLine($"[bold]inefficiency[/] {F(v, "F4")} (mean fraction of the simplex volume inside the credal sets)");
        }
    }
}
