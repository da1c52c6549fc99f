using System.Globalization;
using CredalDistill.Calibration;
using CredalDistill.Conformal;
using CredalDistill.Shift;
using Spectre.Console;

namespace CredalDistill.Cli.Reporting;

/// <summary>Spectre renderings of command results (stdout) shared by the commands.</summary>
public static class ConsoleReports
{
    /// <summary>Rows of the auto-candidates table printed by <see cref="AutoChoice"/>.</summary>
    public const int AutoRowsShown = 12;

    /// <summary>Formats a number for display: shortest round-trip form, <c>+inf</c> for infinity.</summary>
    public static string Number(double value) => double.IsPositiveInfinity(value) ? "+inf" : value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>
    /// Renders a label-free choice of the threshold's divergence and eps: every candidate's cross-fitted cloud-referenced ECE (%),
    /// one row per divergence and one column per eps, the chosen pair marked <c>*</c>.
    /// </summary>
    public static void Selection(IAnsiConsole console, ThresholdSelection selection, string chosenDivergence, double chosenEpsilon)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(selection);
        if (selection.Scores is null)
        {
            return;
        }

        string what = selection.Divergences.Count == 1 ? "epsilon" : selection.Epsilons.Count == 1 ? "divergence" : "divergence and epsilon";
        var table = new Table().Title($"label-free choice of the {what} ({selection.Output}): cross-fitted cloud-referenced ECE (%), * = chosen");
        table.AddColumn("divergence");
        foreach (double eps in selection.Epsilons)
        {
            table.AddColumn("eps " + Number(eps));
        }

        for (int d = 0; d < selection.Divergences.Count; d++)
        {
            var cells = new List<string> { selection.Divergences[d] };
            for (int e = 0; e < selection.Epsilons.Count; e++)
            {
                bool chosen = selection.Divergences[d] == chosenDivergence && selection.Epsilons[e] == chosenEpsilon;
                cells.Add((100 * selection.Scores[d][e]).ToString("F3", CultureInfo.InvariantCulture) + (chosen ? " *" : string.Empty));
            }

            table.AddRow(cells.ToArray());
        }

        console.Write(table);
    }

    /// <summary>
    /// Renders what <c>--method auto</c> chose (scores in nats, agreement in percent): the best candidates by score with their agreement
    /// with the cloud, those excluded by the agreement guard marked, the winner, why it won, and what it was refitted on.
    /// </summary>
    public static void AutoChoice(IAnsiConsole console, AutoChoice choice, FittedCalibrator fitted)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(choice);
        ArgumentNullException.ThrowIfNull(fitted);
        string P(double v, string format = "F3") => (100 * v).ToString(format, CultureInfo.InvariantCulture) + "%";
        static string Nats(double v) => v.ToString("F4", CultureInfo.InvariantCulture) + " nats";
        int excluded = choice.Candidates.Count(c => !choice.IsEligible(c));
        console.WriteLine($"--method auto: score = {choice.Criterion}; agreement = cross-fitted top-1 agreement with the cloud. Best {Math.Min(AutoRowsShown, choice.Candidates.Count)} of {choice.Candidates.Count} candidates:");
        var table = new Table();
        table.AddColumns("method", "divergence", "epsilon", "output", "score", "agreement", string.Empty);
        foreach (int c in Enumerable.Range(0, choice.Candidates.Count).OrderBy(c => choice.Candidates[c].Score).ThenBy(c => c).Take(AutoRowsShown))
        {
            var x = choice.Candidates[c];
            string status = c == choice.Chosen ? "chosen" : choice.IsEligible(x) ? string.Empty : "excluded: agreement below floor";
            table.AddRow(new Text(x.Method), new Text(x.Divergence ?? "-"), new Text(x.Epsilon is double e ? Number(e) : "-"), new Text(x.Output), new Text(Nats(x.Score)), new Text(P(x.Agreement, "F2")), new Text(status));
        }

        console.Write(table);
        var winner = choice.Winner;
        string name = winner.Method == CdciCalibrator.Method.Name ? $"cdci ({winner.Divergence}, eps {Number(winner.Epsilon!.Value)}, {winner.Output})" : winner.Method;
        console.WriteLine($"auto: chose {name}: the lowest score, {Nats(winner.Score)}, of the {choice.Candidates.Count - excluded} eligible candidates.");
        if (excluded > 0)
        {
            console.WriteLine($"auto: {excluded} of {choice.Candidates.Count} candidates excluded: their cross-fitted top-1 agreement with the cloud is below {P(choice.MinimumAgreement, "F2")} ({(new AutoCalibrator().MaxAgreementLoss == 0.0 ? "the raw edge's agreement" : $"the raw edge's agreement minus {P(new AutoCalibrator().MaxAgreementLoss, "F1")}")}) (a guard against outputs that trade the cloud's arg-max for a lower score).");
        }

        if (fitted.Map is { IsIdentity: false } map && fitted.Threshold is { } threshold && fitted.Output == CalibratedOutput.Calibrated)
        {
            console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"auto: refitted the {MapShapes.Name(map.Shape)} map on all {map.FitRows} rows (the output, as the map alone gives it); the threshold ({threshold.Divergence.Name}, eps {Number(threshold.Epsilon)}) around it is the conformal quantile of the {threshold.N} rows' out-of-fold scores (each row scored by the map fitted without its fold), so its coverage is close to, not exactly, the guarantee; a map+cdci method gives the exact guarantee."));
        }
        else if (fitted.Map is { IsIdentity: false } split && fitted.Threshold is { } stage)
        {
            console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"auto: refitted on all {split.FitRows + stage.N} rows with the two-stage split: the {MapShapes.Name(split.Shape)} map on the first half ({split.FitRows} rows), the threshold ({stage.Divergence.Name}, eps {Number(stage.Epsilon)}) on the second ({stage.N} rows), so that the threshold's coverage guarantee holds exactly for the fitted map."));
        }
        else if (fitted.Threshold is { } own)
        {
            console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"auto: refitted on all {own.N} rows: the threshold is the conformal quantile of all {own.N} scores (its guarantee holds up to the choice among candidates)."));
        }
    }

    /// <summary>Renders the fitted calibrator: method, temperature, and for a threshold n, K, eps, divergence, gamma (nats and bits), rank and scores.</summary>
    public static void Calibration(IAnsiConsole console, FittedCalibrator calibrator, string? artifactPath)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(calibrator);
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        void Row(string name, string value) => grid.AddRow(new Markup($"[bold]{Markup.Escape(name)}[/]"), new Text(value));
        Row("method", calibrator.Name + (calibrator.Auto is { } auto ? $" (chose {auto.Winner.Method})" : string.Empty));
        Row("output", CalibratedOutputNames.Name(calibrator.Output));
        if (calibrator.Map is { IsIdentity: false } map)
        {
            Row("map", map.Shape == MapShape.Temperature ? "temperature " + Number(map.Temperature) : string.Create(CultureInfo.InvariantCulture, $"{MapShapes.Name(map.Shape)} scaling ({map.Weights.Length + map.Bias.Length} parameters{(map.Regularization is double r ? ", regularization " + Number(r) : string.Empty)})"));
            Row("map fit", string.Create(CultureInfo.InvariantCulture, $"{(map.Objective is { } o ? MapShapes.Name(o) : "given")} on {map.FitRows} rows"));
        }

        if (calibrator.Threshold is ConformalThreshold threshold)
        {
            Row("n", threshold.N.ToString(CultureInfo.InvariantCulture));
            Row("classes (K)", threshold.Classes.ToString(CultureInfo.InvariantCulture));
            Row("epsilon", Number(threshold.Epsilon));
            Row("divergence", threshold.Divergence.Name);
            if (calibrator.RowThreshold is null)
            {
                Row("rank k", threshold.Rank.ToString(CultureInfo.InvariantCulture) + (threshold.Rank > threshold.N ? " (> n)" : string.Empty) + (threshold.Delta is double delta ? string.Create(CultureInfo.InvariantCulture, $" (PAC: coverage >= {1 - threshold.Epsilon:R} with probability >= {1 - delta:R})") : string.Empty));
            }

            switch (calibrator.RowThreshold)
            {
                case MondrianThreshold m:
                    Row("threshold rule", "Mondrian by the edge's predicted class (each row uses its class's threshold)");
                    for (int c = 0; c < m.Classes; c++)
                    {
                        Row(string.Create(CultureInfo.InvariantCulture, $"  class {c} (n = {m.Count(c)})"), Number(m.Gamma(c)) + " nats");
                    }

                    Row("marginal threshold (nats)", Number(threshold.Gamma) + " (reference only)");
                    break;
                case CovariateShiftThreshold shift:
                    Row("threshold rule", string.Create(CultureInfo.InvariantCulture, $"covariate shift: weighted quantile per row, density ratio from {shift.DeploymentRows} deployment rows"));
                    Row("effective calibration size", Number(shift.Scores.EffectiveSize));
                    Row("marginal threshold (nats)", Number(threshold.Gamma) + " (reference only)");
                    break;
                default:
                    Row("threshold (nats)", Number(threshold.Gamma));
                    Row("threshold (bits)", Number(threshold.GammaBits));
                    break;
            }

            var s = threshold.Scores;
            Row("scores min", Number(s.Min));
            Row("scores median", Number(s.Median));
            Row("scores mean", Number(s.Mean));
            Row("scores max", Number(s.Max));
            if (s.InfiniteCount > 0)
            {
                Row("infinite scores", s.InfiniteCount.ToString(CultureInfo.InvariantCulture));
            }
        }
        else
        {
            Row("n", calibrator.N.ToString(CultureInfo.InvariantCulture));
            Row("classes (K)", calibrator.Classes.ToString(CultureInfo.InvariantCulture));
            Row("credal sets", "none (point calibration)");
        }

        if (artifactPath is not null)
        {
            Row("artifact", artifactPath);
        }

        console.Write(grid);
    }

    /// <summary>
    /// Renders one comparison table of the evaluated artifacts (accuracy, ECE, debiased ECE and KS in %, NLL, Brier, and for
    /// set-valued artifacts the coverage and label sets in %), then one coverage line per set-valued artifact: the console
    /// shows percent, the JSON report fractions.
    /// </summary>
    public static void Evaluation(IAnsiConsole console, IReadOnlyList<EvaluationReport> reports)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(reports);
        string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
        var first = reports[0];
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"[bold]n[/] {first.N}  [bold]K[/] {first.Classes}"));
        foreach (var r in reports)
        {
            string threshold = r.Divergence is null ? "none (point calibration)"
                : string.Create(CultureInfo.InvariantCulture, $"{r.Divergence}, eps {Number(r.Epsilon!.Value)}, {r.ThresholdRule switch { "mondrian" => "Mondrian thresholds by predicted class, marginal ", "shift" => "covariate-shift threshold per row, marginal ", _ => string.Empty }}threshold {(r.Threshold is double g ? Number(g) + " nats" : "+inf (unbounded)")}{(r.ThresholdRule is "mondrian" or "shift" ? " (reference only)" : string.Empty)}");
            string temperature = r.Temperature is double t ? $", T = {Number(t)}" : r.Map is string shape ? $", {shape} map" : string.Empty;
            console.MarkupLine($"[bold]{Markup.Escape(r.Artifact)}[/]: {Markup.Escape(r.Method)} (output {Markup.Escape(r.Output)}{temperature}); credal sets: {Markup.Escape(threshold)}");
        }

        bool many = reports.Count > 1;
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("method")
            .AddColumn(new TableColumn("accuracy (%)").RightAligned())
            .AddColumn(new TableColumn("ECE (%)").RightAligned())
            .AddColumn(new TableColumn("debiased ECE (%)").RightAligned())
            .AddColumn(new TableColumn("KS (%)").RightAligned())
            .AddColumn(new TableColumn("NLL").RightAligned())
            .AddColumn(new TableColumn("Brier").RightAligned())
            .AddColumn(new TableColumn("coverage (%)").RightAligned())
            .AddColumn(new TableColumn("set coverage (%)").RightAligned())
            .AddColumn(new TableColumn("set size").RightAligned());
        void Add(string name, MethodMetrics m, EvaluationReport? sets) => table.AddRow(
            Markup.Escape(name), F(100 * m.Accuracy, "F2"), F(100 * m.Ece, "F2"), F(100 * m.EceDebiased, "F2"), F(100 * m.KsError, "F2"), F(m.Nll, "F4"), F(m.Brier, "F4"),
            sets?.Coverage is double c ? F(100 * c, "F2") : string.Empty,
            sets?.LabelSets is { } l ? F(100 * l.Coverage, "F2") : string.Empty,
            sets?.LabelSets is { } s ? F(s.MeanSize, "F3") : string.Empty);
        Add("edge", first.Methods["edge"], null);
        Add("cloud", first.Methods["cloud"], null);
        foreach (var r in reports)
        {
            string prefix = many ? Path.GetFileName(r.Artifact) + ": " : string.Empty;
            foreach (var (name, m) in r.Methods.Where(x => x.Key is not ("edge" or "cloud")))
            {
                Add(prefix + name, m, name.StartsWith("cdci-", StringComparison.Ordinal) ? r : null);
            }
        }

        console.Write(table);
        foreach (var r in reports.Where(r => r.Coverage is not null))
        {
            string prefix = many ? Markup.Escape(Path.GetFileName(r.Artifact)) + ": " : string.Empty;
            double target = 1.0 - r.Epsilon!.Value;
            string colour = r.Coverage >= target ? "green" : "yellow";
            string centre = r.Map is null ? "edge" : r.Temperature is null ? "map's output" : "tempered edge";
            string own = r.ThresholdRule is "mondrian" or "shift" ? "the row's own threshold" : "threshold";
            console.MarkupLine($"{prefix}[bold]coverage[/] [{colour}]{F(100 * r.Coverage!.Value, "F2")}%[/] (share of test inputs with D(cloud || {centre}) <= {own}; target >= {F(100 * target, "F2")}%)");
            if (r.ClassCoverage is { } classes)
            {
                var perClass = new Table().Border(TableBorder.Rounded).Title($"{prefix}coverage by predicted class (Mondrian)")
                    .AddColumn(new TableColumn("class").RightAligned())
                    .AddColumn(new TableColumn("rows").RightAligned())
                    .AddColumn(new TableColumn("calibration rows").RightAligned())
                    .AddColumn(new TableColumn("threshold (nats)").RightAligned())
                    .AddColumn(new TableColumn("coverage").RightAligned());
                foreach (var c in classes)
                {
                    string cov = c.Coverage is double cv ? $"[{(cv >= target ? "green" : "yellow")}]{F(100 * cv, "F2")}%[/]" : "-";
                    perClass.AddRow(new Text(c.Class.ToString(CultureInfo.InvariantCulture)), new Text(c.Rows.ToString(CultureInfo.InvariantCulture)), new Text(c.CalibrationRows.ToString(CultureInfo.InvariantCulture)), new Text(c.Threshold is double g ? Number(g) : "+inf (unbounded)"), new Markup(cov));
                }

                console.Write(perClass);
            }

            if (r.Shift is { } shift)
            {
                console.MarkupLine($"{prefix}[bold]covariate shift[/] density ratio from {shift.DeploymentRows} deployment rows, effective calibration size {F(shift.EffectiveCalibrationRows, "F1")}; mean row threshold {(shift.MeanThreshold is double mg ? Number(mg) + " nats" : "none finite")}, unbounded rows {F(100 * shift.UnboundedFraction, "F2")}%");
            }

            var ls = r.LabelSets!;
            console.MarkupLine($"{prefix}[bold]label sets (interval dominance)[/] true-label coverage {F(100 * ls.Coverage, "F2")}%, cloud top-1 coverage {F(100 * ls.CloudTop1Coverage, "F2")}%, mean size {F(ls.MeanSize, "F3")}");
            if (r.Inefficiency is double v)
            {
                console.MarkupLine($"{prefix}[bold]inefficiency[/] {F(100 * v, "F2")}% (mean share of the simplex volume inside the credal sets)");
            }
        }
    }
}
