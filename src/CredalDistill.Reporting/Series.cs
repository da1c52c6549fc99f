namespace CredalDistill.Reporting;

/// <summary>One named line of a <see cref="LineFigure"/>: y values (and optional error bars) at shared x positions.</summary>
/// <param name="Name">Legend text.</param>
/// <param name="Y">Values, one per x.</param>
/// <param name="Error">Optional half-widths of error bars (e.g. one standard deviation), one per x.</param>
public sealed record Series(string Name, double[] Y, double[]? Error = null);
