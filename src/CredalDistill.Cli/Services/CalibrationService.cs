using CredalDistill.Calibration;
using CredalDistill.IO;

namespace CredalDistill.Cli.Services;

/// <summary>The offline phase as used by <c>credal calibrate</c>: checks the files against each other, then fits any core <see cref="Calibrator"/>.</summary>
public static class CalibrationService
{
    /// <summary>
    /// Fits <paramref name="calibrator"/> on paired cloud/edge outputs (same shape; a row mismatch is reported against
    /// the edge file) and optional labels.
    /// </summary>
    /// <param name="calibrator">The method to fit.</param>
    /// <param name="cloud">Cloud outputs.</param>
    /// <param name="edge">Edge outputs on the same inputs.</param>
    /// <param name="labels">True labels (needed by <c>ts</c>), or null.</param>
    /// <param name="paths">The cloud, edge and labels files, for messages.</param>
    /// <param name="minimumRows">Rows the method needs (4 for the label-free selections' cross-fitting), with the option that needs them.</param>
    /// <param name="cancellationToken">Interrupts the fit.</param>
    /// <exception cref="DataFormatException">The files disagree or are too small for the method.</exception>
    public static FittedCalibrator Fit(Calibrator calibrator, ProbabilityMatrix cloud, ProbabilityMatrix edge, int[]? labels, (string Cloud, string Edge, string? Labels) paths, (int Rows, string Option)? minimumRows = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(calibrator);
        ArgumentNullException.ThrowIfNull(cloud);
        ArgumentNullException.ThrowIfNull(edge);
        InputLoader.CheckRows(paths.Edge, edge.Rows, paths.Cloud, cloud.Rows);
        if (edge.Classes != cloud.Classes)
        {
            throw new DataFormatException(paths.Edge, $"{edge.Classes} columns, but {Path.GetFileName(paths.Cloud)} has {cloud.Classes}; both models must output the same classes");
        }

        if (labels is not null)
        {
            InputLoader.CheckRows(paths.Labels ?? "labels", labels.Length, paths.Edge, edge.Rows);
        }

        if (minimumRows is var (rows, option) && edge.Rows < rows)
        {
            throw new DataFormatException(paths.Edge, $"{option} needs at least {rows} calibration rows for its cross-fitting; got {edge.Rows}");
        }

        return calibrator.Fit(new CalibrationData(cloud, edge, labels), cancellationToken);
    }
}
