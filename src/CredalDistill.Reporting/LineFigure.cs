using ScottPlot;

namespace CredalDistill.Reporting;

/// <summary>Lines with markers and optional error bars over a shared x axis (e.g. ECE versus epsilon), saved as PNG.</summary>
public static class LineFigure
{
    /// <summary>Draws <paramref name="series"/> against <paramref name="x"/> and saves a PNG at <paramref name="path"/>.</summary>
    public static void Save(string path, string title, string xLabel, string yLabel, double[] x, IReadOnlyList<Series> series, int width = 720, int height = 480)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(series);
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        for (int s = 0; s < series.Count; s++)
        {
            var line = plot.Add.Scatter(x, series[s].Y);
            line.LegendText = series[s].Name;
            line.LineWidth = 2;
            line.MarkerSize = 7;
            line.Color = palette.GetColor(s);
            if (series[s].Error is { } error)
            {
                var bars = plot.Add.ErrorBar(x, series[s].Y, error);
                bars.Color = palette.GetColor(s);
            }
        }

        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.ShowLegend(Alignment.UpperRight);
        plot.SavePng(path, width, height);
    }
}
