using CredalDistill.Reporting;

namespace CredalDistill.Experiments;

/// <summary>
/// The regimes figures: per task, each method's ECE against the raw edge's ECE (one point per edge), and the label-set
/// size (K &gt; 3) or inefficiency (K = 3) against coverage for <c>cdci-paper</c> and <c>distilled-ts+cdci</c>.
/// </summary>
public static class RegimeFigures
{
    /// <summary>Writes <c>regime-ece-{task}.png</c> and <c>regime-sets-{task}.png</c> for every task into <paramref name="directory"/>; returns the file names.</summary>
    public static List<string> Write(IReadOnlyList<RegimeResult> results, string directory)
    {
        ArgumentNullException.ThrowIfNull(results);
        Directory.CreateDirectory(directory);
        var files = new List<string>();
        foreach (var task in results.GroupBy(r => r.Task))
        {
            var edges = task.OrderBy(r => r.RawEce).ToList();
            double[] raw = [.. edges.Select(r => 100 * r.RawEce)];
            var ece = RegimeRunner.Methods.Where(m => m != RegimeRunner.Edge)
                .Select(m => new PointSeries(m.Id, raw, [.. edges.Select(r => 100 * (r[m]?.Mean("ece") ?? double.NaN))]))
                .ToList();
            string eceFile = $"regime-ece-{task.Key}.png";
            ScatterFigure.Save(Path.Combine(directory, eceFile), $"{task.Key}: ECE after each method vs raw edge ECE ({edges.Count} edges, mean over splits)", "raw edge ECE (%)", "ECE after the method (%)", ece, diagonal: true);
            files.Add(eceFile);

            bool volume = edges[0].Classes == 3;
            string metric = volume ? "inefficiency" : "set-size";
            var sets = new[] { RegimeRunner.CdciPaper, RegimeRunner.TwoStage }
                .Select(m => new PointSeries(m.Id, [.. edges.Select(r => 100 * (r[m]?.Mean("coverage") ?? double.NaN))], [.. edges.Select(r => r[m]?.Mean(metric) ?? double.NaN)]))
                .ToList();
            string setsFile = $"regime-sets-{task.Key}.png";
            ScatterFigure.Save(Path.Combine(directory, setsFile), $"{task.Key}: {(volume ? "inefficiency (volume fraction)" : "label-set size")} vs coverage, one point per edge", "coverage D(cloud || centre) <= gamma (%)", volume ? "inefficiency" : "mean interval-dominance label-set size", sets);
            files.Add(setsFile);
        }

        return files;
    }
}
