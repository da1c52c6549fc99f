using ScottPlot;

namespace CredalDistill.Reporting;

/// <summary>Named point clouds (markers only, e.g. one point per edge model) with an optional y = x reference line, saved as PNG.</summary>
public static class ScatterFigure
{
    /// <summary>Draws <paramref name="series"/> and saves a PNG at <paramref name="path"/>; <paramref name="diagonal"/> adds the line y = x.</summary>
    public static void Save(string path, string title, string xLabel, string yLabel, IReadOnlyList<PointSeries> series, bool diagonal = false, int width = 760, int height = 520)
    {
        ArgumentNullException.ThrowIfNull(series);
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var markers = new[] { MarkerShape.FilledCircle, MarkerShape.FilledSquare, MarkerShape.FilledTriangleUp, MarkerShape.FilledDiamond, MarkerShape.OpenCircle, MarkerShape.OpenSquare, MarkerShape.OpenTriangleUp, MarkerShape.Cross };
        for (int s = 0; s < series.Count; s++)
        {
            var points = plot.Add.ScatterPoints(series[s].X, series[s].Y);
            points.LegendText = series[s].Name;
            points.MarkerSize = 8;
            points.MarkerShape = markers[s % markers.Length];
            points.Color = palette.GetColor(s);
        }

        if (diagonal)
        {
            var all = series.SelectMany(s => s.X.Concat(s.Y)).Where(double.IsFinite).ToArray();
            if (all.Length > 0)
            {
                double lo = Math.Min(0.0, all.Min());
                double hi = all.Max();
                var line = plot.Add.Line(lo, lo, hi, hi);
                line.LegendText = "y = x";
                line.Color = Colors.Gray;
                line.LinePattern = LinePattern.Dashed;
            }
        }

        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, width, height);
    }
}
