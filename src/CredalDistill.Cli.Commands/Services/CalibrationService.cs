using CredalDistill.Calibration;
using CredalDistill.Conformal;
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
    /// <param name="cancellationToken">Interrupts the fit.</param>
    /// <exception cref="DataFormatException">The files disagree, are too small for the method, or hold values the method cannot fit (the method's message, against the edge file).</exception>
    public static FittedCalibrator Fit(Calibrator calibrator, ProbabilityMatrix cloud, ProbabilityMatrix edge, int[]? labels, (string Cloud, string Edge, string? Labels) paths, CancellationToken cancellationToken = default)
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

        var data = new CalibrationData(cloud, edge, labels);
        try
        {
            return calibrator.Fit(data, cancellationToken);
        }
        catch (ArgumentException ex) when (ex.ParamName == "data")
        {
            // What the data cannot give the method: too few rows for its splits, an edge zero under a log, ...
            throw new DataFormatException(paths.Edge, ex.Message.Split(" (Parameter", 2)[0].TrimEnd('.'), innerException: ex);
        }
    }

    /// <summary>
    /// CD-CI with a fixed divergence and eps from streamed files: the score pass reads cloud and edge in lockstep chunks
    /// and keeps only the scores (8 bytes a row), then the exact threshold is their k-th order statistic
    /// (<see cref="CdciCalibrator.FitScores"/>; the artifact equals the in-memory fit's).
    /// </summary>
    /// <param name="calibrator">A CD-CI calibrator with fixed divergence and eps.</param>
    /// <param name="cloud">Cloud outputs, read chunk by chunk.</param>
    /// <param name="edge">Edge outputs on the same inputs.</param>
    /// <param name="labels">Labels (only checked for their row count), or null.</param>
    /// <param name="paths">The file names, for messages.</param>
    /// <param name="progress">Receives the completed fraction (when the row count is known in advance).</param>
    /// <param name="cancellationToken">Interrupts the score pass.</param>
    /// <exception cref="DataFormatException">Different row counts, no rows or a bad row.</exception>
    public static FittedCalibrator FitStreamed(CdciCalibrator calibrator, ProbabilityMatrixReader cloud, ProbabilityMatrixReader edge, int[]? labels, (string Cloud, string Edge, string? Labels) paths, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(calibrator);
        ArgumentNullException.ThrowIfNull(cloud);
        ArgumentNullException.ThrowIfNull(edge);
        var divergence = calibrator.Divergence ?? throw new ArgumentException("The divergence must be fixed.", nameof(calibrator));
        if (cloud.Reader.TotalRows is int c && edge.Reader.TotalRows is int e)
        {
            InputLoader.CheckRows(paths.Edge, e, paths.Cloud, c);
        }

        int? total = cloud.Reader.TotalRows;
        var scores = new double[total ?? cloud.ChunkRows];
        long rows = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var cc = cloud.ReadChunk();
            var ec = edge.ReadChunk();
            if (cc is null && ec is null)
            {
                break;
            }

            if (cc is null || ec is null || cc.Rows != ec.Rows)
            {
                long cloudRows = cloud.RowsRead + Drain(cloud);
                long edgeRows = edge.RowsRead + Drain(edge);
                InputLoader.CheckRows(paths.Edge, checked((int)edgeRows), paths.Cloud, checked((int)cloudRows));
            }

            if (rows + cc!.Rows > scores.Length)
            {
                Array.Resize(ref scores, (int)Math.Min(Array.MaxLength, Math.Max(rows + cc.Rows, 2L * scores.Length)));
            }

            SplitConformal.Scores(cc, ec!, divergence, scores.AsSpan((int)rows, cc.Rows));
            rows += cc.Rows;
            if (total is int t)
            {
                progress?.Report((double)rows / t);
            }
        }

        if (rows == 0)
        {
            throw new DataFormatException(paths.Cloud, cloud.Reader.Header is null ? "no data rows" : "a header but no data rows");
        }

        if (labels is not null)
        {
            InputLoader.CheckRows(paths.Labels ?? "labels", labels.Length, paths.Edge, checked((int)rows));
        }

        return calibrator.FitScores(scores.AsSpan(0, (int)rows), cloud.Classes);
    }

    /// <summary>Reads the rest of <paramref name="reader"/> and returns how many rows it had.</summary>
    internal static long Drain(ProbabilityMatrixReader reader)
    {
        long rows = 0;
        while (reader.ReadChunk() is { } chunk)
        {
            rows += chunk.Rows;
        }

        return rows;
    }
}
