using CredalDistill.Calibration;
using CredalDistill.Cli.Reporting;
using CredalDistill.IO;

namespace CredalDistill.Cli.Services;

/// <summary>
/// The evaluation of <c>credal evaluate</c> (reusable by <c>credal demo</c>): for one fitted calibrator, the labelled metrics of
/// the edge, the cloud and the calibrator's outputs (the map's output when it has a map; the three CD-CI extractions around it
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
    /// Streams the test set chunk by chunk (edge, cloud and labels in lockstep) into every calibrator's
    /// <see cref="EvaluationSums"/>, so memory is one chunk of each file whatever the number of rows.
    /// </summary>
    /// <param name="sums">One accumulator per compared calibrator.</param>
    /// <param name="edge">Edge outputs, read chunk by chunk.</param>
    /// <param name="cloud">Cloud outputs on the same inputs.</param>
    /// <param name="labels">True labels, one per row, read chunk by chunk.</param>
    /// <param name="files">The file names, for row-count messages.</param>
    /// <param name="progress">Receives the completed fraction (when the row count is known in advance).</param>
    /// <param name="cancellationToken">Interrupts the computation.</param>
    /// <returns>The number of rows evaluated.</returns>
    /// <exception cref="DataFormatException">The files have different row counts, more rows than labels, or a bad row.</exception>
    internal static long Stream(IReadOnlyList<EvaluationSums> sums, ProbabilityMatrixReader edge, ProbabilityMatrixReader cloud, LabelReader labels, Commands.EvaluateSettings files, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sums);
        ArgumentNullException.ThrowIfNull(edge);
        ArgumentNullException.ThrowIfNull(cloud);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(files);
        int? total = edge.Reader.TotalRows;
        int[] chunkLabels = [];
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
            if (chunkLabels.Length < e!.Rows)
            {
                chunkLabels = new int[e.Rows];
            }

            var rowLabels = chunkLabels.AsSpan(0, e.Rows);
            if (ReadFully(labels, rowLabels) < e.Rows)
            {
                InputLoader.CheckRows(files.Labels, checked((int)labels.RowsRead), files.Edge, checked((int)(edge.RowsRead + CalibrationService.Drain(edge))));
            }

            for (int a = 0; a < sums.Count; a++)
            {
                var part = total is int t ? new ProgressSlice(progress, ((double)first / t) + ((double)a * e.Rows / t / sums.Count), (double)e.Rows / t / sums.Count) : null;
                sums[a].Add(e, c!, rowLabels, first, part, cancellationToken);
            }
        }

        if (edge.RowsRead == 0)
        {
            throw new DataFormatException(edge.Reader.FilePath, edge.Reader.Header is null ? "no data rows" : "a header but no data rows");
        }

        // More labels than rows: count them all for the message.
        Span<int> rest = stackalloc int[1024];
        if (labels.Read(rest) > 0)
        {
            while (labels.Read(rest) > 0)
            {
            }

            InputLoader.CheckRows(files.Labels, checked((int)labels.RowsRead), files.Edge, checked((int)edge.RowsRead));
        }

        return edge.RowsRead;
    }

    /// <summary>Reads labels until <paramref name="destination"/> is full or the file ends; returns how many were read.</summary>
    private static int ReadFully(LabelReader labels, Span<int> destination)
    {
        int done = 0;
        int count;
        while (done < destination.Length && (count = labels.Read(destination[done..])) > 0)
        {
            done += count;
        }

        return done;
    }
}
