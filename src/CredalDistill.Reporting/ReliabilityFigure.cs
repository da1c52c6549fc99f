using CredalDistill.Metrics;
using ScottPlot;

namespace CredalDistill.Reporting;

/// <summary>
/// Reliability diagram (accuracy per confidence bin against the diagonal, gaps shaded, optionally each bin's bootstrap
/// interval of the accuracy as a black bar with caps) above a confidence histogram, saved as one PNG.
/// </summary>
public static class ReliabilityFigure
{
    /// <summary>
    /// The 95% bootstrap interval of each equal-width bin's accuracy for one method's outputs (<see cref="CalibrationBootstrap"/>:
    /// <paramref name="replicates"/> resamples of the rows, seeded), for <see cref="Save"/>'s bands.
    /// </summary>
    public static BootstrapInterval[] Bands(ProbabilityMatrix output, ReadOnlySpan<int> labels, int replicates, ulong seed, int bins = ExpectedCalibrationError.DefaultBins)
    {
        var rows = new MetricAccumulator(output?.Classes ?? throw new ArgumentNullException(nameof(output)), bins, RowRetention.Bootstrap);
        rows.Add(output, labels);
        var result = new CalibrationBootstrap { Replicates = replicates, Seed = seed }.Run([rows]);
        return [.. Enumerable.Range(0, bins).Select(b => result.BinAccuracyInterval(0, b))];
    }

    private static readonly Color AccuracyColor = Colors.SteelBlue;
    private static readonly Color OverconfidentColor = Colors.OrangeRed.WithAlpha(0.55);
    private static readonly Color UnderconfidentColor = Colors.ForestGreen.WithAlpha(0.55);

    /// <summary>
    /// A title font size at which the longest line of <paramref name="title"/> fits <paramref name="width"/> pixels (bold
    /// characters are at most about 0.62 of the size wide), at most 16.
    /// </summary>
    internal static float TitleSize(string title, int width)
    {
        int longest = title.Split('\n').Max(line => line.Length);
        return (float)Math.Min(16.0, 0.92 * width / (0.62 * Math.Max(1, longest)));
    }

    /// <summary>Draws the bins of one method and saves a PNG; the title should name the method and its ECE.</summary>
    /// <param name="path">The PNG file.</param>
    /// <param name="title">Title above the diagram.</param>
    /// <param name="bins">The reliability bins.</param>
    /// <param name="bands">Per bin, an interval of its accuracy (e.g. <see cref="BootstrapResult.BinAccuracyInterval"/>), drawn for non-empty bins with finite bounds; null for none.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    public static void Save(string path, string title, IReadOnlyList<ReliabilityBin> bins, IReadOnlyList<BootstrapInterval>? bands = null, int width = 560, int height = 720)
    {
        ArgumentNullException.ThrowIfNull(bins);
        if (bands is not null && bands.Count != bins.Count)
        {
            throw new ArgumentException($"bands has {bands.Count} intervals for {bins.Count} bins.", nameof(bands));
        }

        var multi = new Multiplot();
        multi.AddPlots(2);
        multi.Layout = new ScottPlot.MultiplotLayouts.DraggableRows();
        var top = multi.GetPlot(0);
        var bottom = multi.GetPlot(1);

        double total = 0;
        foreach (var b in bins)
        {
            total += b.Count;
        }

        // Each bin: blue up to min(accuracy, confidence), then the gap up to max(accuracy, confidence), red when the
        // confidence is above the accuracy (overconfident) and green when below (underconfident); the bar's top is the
        // accuracy in the first case and the gap's top in the second.
        var accuracyBars = new List<Bar>();
        var gapBars = new List<Bar>();
        var countBars = new List<Bar>();
        foreach (var b in bins)
        {
            double centre = 0.5 * (b.Lower + b.Upper);
            double w = b.Upper - b.Lower;
            if (!b.IsEmpty)
            {
                double low = Math.Min(b.Accuracy, b.MeanConfidence);
                accuracyBars.Add(new Bar { Position = centre, Value = low, Size = w * 0.95, FillColor = AccuracyColor, LineWidth = 0 });
                gapBars.Add(new Bar { Position = centre, ValueBase = low, Value = Math.Max(b.Accuracy, b.MeanConfidence), Size = w * 0.95, FillColor = b.MeanConfidence > b.Accuracy ? OverconfidentColor : UnderconfidentColor, LineWidth = 0 });
            }

            countBars.Add(new Bar { Position = centre, Value = total > 0 ? b.Count / total : 0.0, Size = w * 0.95, FillColor = Colors.Gray, LineWidth = 0 });
        }

        top.Add.Bars(accuracyBars);
        top.Add.Bars(gapBars);
        for (int i = 0; bands is not null && i < bins.Count; i++)
        {
            var b = bins[i];
            var band = bands[i];
            if (b.IsEmpty || !double.IsFinite(band.Lower) || !double.IsFinite(band.Upper))
            {
                continue;
            }

            double centre = 0.5 * (b.Lower + b.Upper);
            double cap = 0.2 * (b.Upper - b.Lower);
            foreach (var (x1, y1, x2, y2) in new[] { (centre, band.Lower, centre, band.Upper), (centre - cap, band.Lower, centre + cap, band.Lower), (centre - cap, band.Upper, centre + cap, band.Upper) })
            {
                var segment = top.Add.Line(x1, y1, x2, y2);
                segment.Color = Colors.Black;
                segment.LineWidth = 1.5f;
            }
        }

        var diagonal = top.Add.Line(0, 0, 1, 1);
        diagonal.LinePattern = LinePattern.Dashed;
        diagonal.Color = Colors.Black;
        diagonal.LegendText = "confidence = accuracy";
        LegendEntry.Add(top, "accuracy (up to the confidence)", AccuracyColor, MarkerShape.FilledSquare);
        LegendEntry.Add(top, "gap: confidence above accuracy", OverconfidentColor, MarkerShape.FilledSquare);
        LegendEntry.Add(top, "gap: accuracy above confidence", UnderconfidentColor, MarkerShape.FilledSquare);
        top.ShowLegend(Alignment.UpperLeft);
        top.Axes.SetLimits(0, 1, 0, 1);
        top.Title(title, TitleSize(title, width));
        top.XLabel("confidence (top-1 probability)");
        top.YLabel(bands is null ? "accuracy per confidence bin" : "accuracy per confidence bin (± 95% CI)");

        bottom.Add.Bars(countBars);
        double maxShare = 0.0;
        foreach (var bar in countBars)
        {
            maxShare = Math.Max(maxShare, bar.Value);
        }

        bottom.Axes.SetLimits(0, 1, 0, Math.Max(0.05, maxShare * 1.1));
        bottom.XLabel("confidence (top-1 probability)");
        bottom.YLabel("share of inputs");
        multi.SavePng(path, width, height);
    }
}
