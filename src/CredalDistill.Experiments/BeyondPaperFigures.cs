using CredalDistill.Reporting;

namespace CredalDistill.Experiments;

/// <summary>Figures of the sections beyond the paper: deferral curves and one monitored stream per task.</summary>
public static class BeyondPaperFigures
{
    /// <summary>Writes <c>deferral-{task}.png</c> and <c>monitor-{task}.png</c>; returns the file names.</summary>
    public static List<string> Write(IReadOnlyList<DeferralStudyResult> deferral, IReadOnlyList<MonitoringStudyResult> monitoring, string directory)
    {
        ArgumentNullException.ThrowIfNull(deferral);
        ArgumentNullException.ThrowIfNull(monitoring);
        Directory.CreateDirectory(directory);
        var files = new List<string>();
        double[] rates = [.. DeferralStudy.RateGrid.Select(r => 100 * r)];
        foreach (var d in deferral)
        {
            var series = d.Rules.Select(r => new Series(r.Rule, [.. r.Curve.Select(a => 100 * a)])).ToList();
            series.Add(new Series("cloud", [.. rates.Select(_ => 100 * d.CloudAccuracy)]));
            string file = $"deferral-{d.Task}.png";
            LineFigure.Save(Path.Combine(directory, file), $"{d.Task}: system accuracy vs share of inputs sent to the cloud (mean over {d.Splits} splits)", "deferral rate (%)", "system accuracy (%)", rates, series);
            files.Add(file);
        }

        foreach (var m in monitoring.Where(m => m.TraceCoverage.Length > 0))
        {
            // Every 10th audited input (the markers of 3,000 points would hide the lines).
            int[] at = [.. Enumerable.Range(0, m.TraceCoverage.Length).Where(i => (i + 1) % 10 == 0)];
            double[] t = [.. at.Select(i => i + 1.0)];
            var series = new List<Series>
            {
                new("running coverage", [.. at.Select(i => 100 * m.TraceCoverage[i])]),
                new("confidence sequence, lower", [.. at.Select(i => 100 * m.TraceLower[i])]),
                new("confidence sequence, upper", [.. at.Select(i => 100 * m.TraceUpper[i])]),
                new("target 1 - eps", [.. t.Select(_ => 100 * (1 - MonitoringStudy.Epsilon))]),
            };
            string file = $"monitor-{m.Task}.png";
            LineFigure.Save(Path.Combine(directory, file), $"{m.Task}: coverage on an audited stream, {m.TraceShift} after input {MonitoringStudy.ChangePoint}", "audited inputs", "coverage (%)", t, series);
            files.Add(file);
        }

        return files;
    }
}
