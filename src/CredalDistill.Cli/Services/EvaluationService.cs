using CredalDistill.Calibration;
using CredalDistill.Cli.Reporting;
using CredalDistill.IO;

namespace CredalDistill.Cli.Services;

/// <summary>
/// The evaluation of <c>credal evaluate</c> (reusable by <c>credal demo</c>): for one fitted calibrator, the labelled metrics of
/// the edge, the cloud and the calibrator's outputs (the tempered edge when it tempers; the three CD-CI extractions around it
/// when it has a threshold), and for set-valued calibrators the coverage, the label sets and (K = 3) the inefficiency. Every
/// per-row computation is a batch call of the core (<see cref="FittedCalibrator"/>, <see cref="Credal.CredalPredictor"/>);
/// every reported number is a sum over rows (<see cref="EvaluationSums"/>), so a file streamed in chunks gives the same report.
/// </summary>
public static class EvaluationService
{
    /// <summary>Evaluates <paramref name="calibrator"/> on test outputs (all of the same shape; labels one per row).</summary>
    /// <param name="calibrator">The fitted calibrator (e.g. restored from an artifact).</param>
    /// <param name="artifact">The artifact's file name, reported as given.</param>
    /// <param name="edge">Edge outputs on the test inputs.</param>
    /// <param name="cloud">Cloud outputs on the same inputs.</param>
    /// <param name="labels">True labels.</param>
    /// <param name="progress">Receives the completed fraction of the per-row computations.</param>
    /// <param name="cancellationToken">Interrupts the computation.</param>
    public static EvaluationReport Evaluate(FittedCalibrator calibrator, string artifact, ProbabilityMatrix edge, ProbabilityMatrix cloud, int[] labels, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(edge);
        var sums = new EvaluationSums(calibrator, artifact, edge.Classes);
        sums.Add(edge, cloud, labels, 0, progress, cancellationToken);
        return sums.Report();
    }

    /// <summary>
    /// Streams the test set chunk by chunk (edge and cloud in lockstep, labels alongside) into every calibrator's
    /// <see cref="EvaluationSums"/>, so memory is one chunk of each matrix plus the labels (4 bytes a row).
    /// </summary>
    /// <param name="sums">One accumulator per compared calibrator.</param>
    /// <param name="edge">Edge outputs, read chunk by chunk.</param>
    /// <param name="cloud">Cloud outputs on the same inputs.</param>
    /// <param name="labels">True labels, one per row.</param>
    /// <param name="files">The file names, for row-count messages.</param>
    /// <param name="progress">Receives the completed fraction (when the row count is known in advance).</param>
    /// <param name="cancellationToken">Interrupts the computation.</param>
    /// <returns>The number of rows evaluated.</returns>
    /// <exception cref="DataFormatException">The files have different row counts, more rows than labels, or a bad row.</exception>
    internal static long Stream(IReadOnlyList<EvaluationSums> sums, ProbabilityMatrixReader edge, ProbabilityMatrixReader cloud, int[] labels, Commands.EvaluateSettings files, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sums);
        ArgumentNullException.ThrowIfNull(edge);
        ArgumentNullException.ThrowIfNull(cloud);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(files);
        int? total = edge.Reader.TotalRows;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var e = edge.ReadChunk();
            var c = cloud.ReadChunk();
            if (e is null || c is null || e.Rows != c.Rows)
            {
                if (e is null && c is null)
                {
                    break;
                }

                // Different lengths: finish counting both to report the real row counts.
                long edgeRows = edge.RowsRead + CalibrationService.Drain(edge);
                long cloudRows = cloud.RowsRead + CalibrationService.Drain(cloud);
                InputLoader.CheckRows(files.Cloud, checked((int)cloudRows), files.Edge, checked((int)edgeRows));
            }

            int first = checked((int)edge.FirstRow);
            if (first + e!.Rows > labels.Length)
            {
                InputLoader.CheckRows(files.Labels, labels.Length, files.Edge, checked((int)(edge.RowsRead + CalibrationService.Drain(edge))));
            }

            for (int a = 0; a < sums.Count; a++)
            {
                var part = total is int t ? new ProgressSlice(progress, ((double)first / t) + ((double)a * e.Rows / t / sums.Count), (double)e.Rows / t / sums.Count) : null;
                sums[a].Add(e, c!, labels.AsSpan(first, e.Rows), first, part, cancellationToken);
            }
        }

        if (edge.RowsRead == 0)
        {
            throw new DataFormatException(edge.Reader.FilePath, edge.Reader.Header is null ? "no data rows" : "a header but no data rows");
        }

        return edge.RowsRead;
    }
}
