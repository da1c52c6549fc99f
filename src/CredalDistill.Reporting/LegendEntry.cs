using ScottPlot;

namespace CredalDistill.Reporting;

/// <summary>
/// A legend entry drawn for its own sake: a marker placed outside the plot's fixed axis limits, so that the legend can show
/// a neutral symbol (the marker shape of a series drawn in several colours) or a colour that no single plottable has.
/// The figures that use it fix their limits with <c>SetLimits</c>, so the hidden marker never moves the axes.
/// </summary>
internal static class LegendEntry
{
    /// <summary>Far outside any axis range the figures set.</summary>
    private const double Outside = -1e6;

    /// <summary>Adds an entry <paramref name="text"/> with a <paramref name="shape"/> marker of <paramref name="color"/>.</summary>
    public static void Add(Plot plot, string text, Color color, MarkerShape shape, float size = 10)
    {
        var marker = plot.Add.Marker(Outside, Outside);
        marker.Color = color;
        marker.Shape = shape;
        marker.Size = size;
        marker.LegendText = text;
    }
}
