using CredalDistill.Metrics;
using ScottPlot;

namespace CredalDistill.Reporting;

/// <summary>
/// Reliability diagram (accuracy per confidence bin against the diagonal, gaps shaded) above a confidence histogram,
/// saved as one PNG.
/// </summary>
public static class ReliabilityFigure
{
    /// <summary>Draws the bins of one method and saves a PNG; the title should name the method and its ECE.</summary>
    public static void Save(string path, string title, IReadOnlyList<ReliabilityBin> bins, int width = 560, int height = 720)
    {
        ArgumentNullException.ThrowIfNull(bins);
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

        var accuracyBars = new List<Bar>();
        var gapBars = new List<Bar>();
        var countBars = new List<Bar>();
        foreach (var b in bins)
        {
            double centre = 0.5 * (b.Lower + b.Upper);
            double w = b.Upper - b.Lower;
            if (!b.IsEmpty)
            {
                accuracyBars.Add(new Bar { Position = centre, Value = b.Accuracy, Size = w * 0.95, FillColor = Colors.SteelBlue, LineWidth = 0 });
                gapBars.Add(new Bar { Position = centre, ValueBase = Math.Min(b.Accuracy, b.MeanConfidence), Value = Math.Max(b.Accuracy, b.MeanConfidence), Size = w * 0.95, FillColor = Colors.OrangeRed.WithAlpha(0.35), LineWidth = 0 });
            }

            countBars.Add(new Bar { Position = centre, Value = total > 0 ? b.Count / total : 0.0, Size = w * 0.95, FillColor = Colors.Gray, LineWidth = 0 });
        }

        top.Add.Bars(accuracyBars);
        top.Add.Bars(gapBars);
        var diagonal = top.Add.Line(0, 0, 1, 1);
        diagonal.LinePattern = LinePattern.Dashed;
        diagonal.Color = Colors.Black;
        top.Axes.SetLimits(0, 1, 0, 1);
        top.Title(title);
        top.XLabel("confidence (top-1 probability)");
        top.YLabel("accuracy (blue), gap (red)");

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
