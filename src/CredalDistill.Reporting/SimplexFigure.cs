using CredalDistill.Credal;
using CredalDistill.Divergences;
using ScottPlot;

namespace CredalDistill.Reporting;

/// <summary>One input drawn on the probability simplex: the edge point, its credal set and the cloud point.</summary>
/// <param name="Edge">The edge output (3 probabilities).</param>
/// <param name="Cloud">The cloud output (3 probabilities).</param>
/// <param name="Calibrated">The CD-CI output (e.g. intersection probability), or null.</param>
public sealed record SimplexInput(double[] Edge, double[] Cloud, double[]? Calibrated = null);

/// <summary>
/// Ternary (simplex) plot for three classes: vertex <c>k</c> is class <c>k</c>; a distribution <c>q</c> is drawn at
/// <c>(q_1 + q_2 / 2, q_2 sqrt(3) / 2)</c>. Each input shows the edge output, the boundary of its credal set
/// <c>{ q : D(q || p) &lt;= gamma }</c>, and the cloud output.
/// </summary>
public static class SimplexFigure
{
    private static readonly double Height = Math.Sqrt(3.0) / 2.0;

    /// <summary>Draws the inputs and saves a PNG.</summary>
    public static void Save(string path, string title, IReadOnlyList<string> classNames, FDivergence divergence, double gamma, IReadOnlyList<SimplexInput> inputs, int size = 720)
    {
        ArgumentNullException.ThrowIfNull(classNames);
        ArgumentNullException.ThrowIfNull(inputs);
        var plot = new Plot();
        var triangle = plot.Add.Polygon([new Coordinates(0, 0), new Coordinates(1, 0), new Coordinates(0.5, Height)]);
        triangle.FillColor = Colors.White;
        triangle.LineColor = Colors.Black;
        triangle.LineWidth = 1.5f;
        AddLabel(plot, classNames[0], -0.04, -0.05);
        AddLabel(plot, classNames[1], 1.04, -0.05);
        AddLabel(plot, classNames[2], 0.5, Height + 0.05);

        var palette = new ScottPlot.Palettes.Category10();
        for (int i = 0; i < inputs.Count; i++)
        {
            var input = inputs[i];
            var color = palette.GetColor(i);
            var boundary = CredalBoundary.Trace(divergence, input.Edge, gamma, 120);
            var polygon = new Coordinates[boundary.Length / 3];
            for (int j = 0; j < polygon.Length; j++)
            {
                polygon[j] = Project(boundary.AsSpan(j * 3, 3));
            }

            var set = plot.Add.Polygon(polygon);
            set.FillColor = color.WithAlpha(0.18);
            set.LineColor = color;
            set.LineWidth = 1.5f;

            var edge = plot.Add.Marker(Project(input.Edge));
            edge.Color = color;
            edge.Shape = MarkerShape.FilledCircle;
            edge.Size = 9;

            var cloud = plot.Add.Marker(Project(input.Cloud));
            cloud.Color = color;
            cloud.Shape = MarkerShape.FilledTriangleUp;
            cloud.Size = 11;

            if (input.Calibrated is { } calibrated)
            {
                var ip = plot.Add.Marker(Project(calibrated));
                ip.Color = color;
                ip.Shape = MarkerShape.Cross;
                ip.Size = 10;
            }
        }

        // One colour per input; the legend shows the symbols in black, whatever the input's colour.
        LegendEntry.Add(plot, "edge output", Colors.Black, MarkerShape.FilledCircle, 9);
        LegendEntry.Add(plot, "cloud output", Colors.Black, MarkerShape.FilledTriangleUp, 11);
        if (inputs.Any(x => x.Calibrated is not null))
        {
            LegendEntry.Add(plot, "CD-CI intersection probability", Colors.Black, MarkerShape.Cross);
        }

        LegendEntry.Add(plot, "credal set (one colour per input)", Colors.Gray.WithAlpha(0.4), MarkerShape.FilledSquare, 12);
        plot.Title(title, ReliabilityFigure.TitleSize(title, size));
        plot.Axes.SetLimits(-0.2, 1.2, -0.12, Height + 0.12);
        plot.Axes.SquareUnits();
        plot.HideAxesAndGrid();
        plot.Axes.Title.IsVisible = true;
        plot.ShowLegend(Alignment.UpperRight);
        plot.SavePng(path, size, size);
    }

    /// <summary>Ternary projection of a three-class distribution.</summary>
    public static Coordinates Project(ReadOnlySpan<double> q) => new(q[1] + (0.5 * q[2]), q[2] * Height);

    private static void AddLabel(Plot plot, string text, double x, double y)
    {
        var label = plot.Add.Text(text, x, y);
        label.LabelFontSize = 16;
        label.LabelAlignment = Alignment.MiddleCenter;
    }
}
