namespace CredalDistill.Reporting;

/// <summary>One named point cloud of a <see cref="ScatterFigure"/>.</summary>
/// <param name="Name">Legend text.</param>
/// <param name="X">x coordinates.</param>
/// <param name="Y">y coordinates, one per x.</param>
public sealed record PointSeries(string Name, double[] X, double[] Y);
