using System.Globalization;
using System.Text;
using CredalDistill.Calibration;
using CredalDistill.Cli.Formats;
using CredalDistill.Credal;
using CredalDistill.IO;

namespace CredalDistill.Cli.Services;

/// <summary>
/// Run time as used by <c>credal predict</c>: the requested outputs of a fitted calibrator, each a batch call of the core
/// (<see cref="FittedCalibrator"/>, <see cref="CredalPredictor"/>) with cancellation and progress; credal outputs are computed
/// around the calibrator's map output (the edge itself for CD-CI).
/// </summary>
public static class PredictionService
{
    /// <summary>Computes the table for <paramref name="output"/>.</summary>
    /// <param name="calibrator">The fitted calibrator.</param>
    /// <param name="edge">Edge outputs.</param>
    /// <param name="output">What to compute; anything but <see cref="CalibratedOutput.Calibrated"/> needs a set-valued calibrator.</param>
    /// <param name="rule">Label-set rule for <c>labels</c> and <c>all</c>.</param>
    /// <param name="progress">Receives the completed fraction.</param>
    /// <param name="cancellationToken">Interrupts the computation.</param>
    /// <param name="firstRow">Index of <paramref name="edge"/>'s first row in the whole input (seeds the Monte Carlo streams, so chunks give the results of one pass).</param>
    /// <exception cref="InvalidOperationException">A credal output was asked of a point calibration.</exception>
    public static PredictionTable Compute(FittedCalibrator calibrator, ProbabilityMatrix edge, CalibratedOutput output, LabelSetRule rule, IProgress<double>? progress = null, CancellationToken cancellationToken = default, int firstRow = 0)
    {
        ArgumentNullException.ThrowIfNull(calibrator);
        ArgumentNullException.ThrowIfNull(edge);
        int n = edge.Rows;
        int k = edge.Classes;
        var centre = calibrator.Centre(edge);
        if (output == CalibratedOutput.Calibrated)
        {
            progress?.Report(1.0);
            return new PredictionTable(n, Names("p", k), centre.ToArray(), null);
        }

        var predictor = calibrator.Predictor ?? throw new InvalidOperationException($"{calibrator.Name} is a point calibration; it has no credal sets.");
        switch (output)
        {
            case CalibratedOutput.Intersection:
            case CalibratedOutput.MaximumEntropy:
            case CalibratedOutput.Centroid:
            {
                var kind = output switch
                {
                    CalibratedOutput.MaximumEntropy => CalibratedOutput.MaximumEntropy,
                    CalibratedOutput.Centroid => CalibratedOutput.Centroid,
                    _ => CalibratedOutput.Intersection,
                };
                return new PredictionTable(n, Names("p", k), predictor.Predict(centre, kind, cancellationToken, progress, firstRow).ToArray(), null);
            }

            case CalibratedOutput.Bounds:
            {
                var bounds = predictor.Bounds(centre, cancellationToken, progress);
                var values = new double[n * 2 * k];
                for (int i = 0; i < n; i++)
                {
                    bounds.LowerRow(i).CopyTo(values.AsSpan(i * 2 * k, k));
                    bounds.UpperRow(i).CopyTo(values.AsSpan((i * 2 * k) + k, k));
                }

                return new PredictionTable(n, [.. Names("lower", k), .. Names("upper", k)], values, null);
            }

            case CalibratedOutput.LabelSet:
            {
                var flags = predictor.LabelSets(centre, rule, cancellationToken, progress);
                return new PredictionTable(n, [], [], [.. Enumerable.Range(0, n).Select(i => Join(flags.AsSpan(i * k, k)))]);
            }

            case CalibratedOutput.All:
            {
                var parts = ProgressSlice.Split(progress, 2);
                var sets = predictor.Describe(centre, rule, cancellationToken, parts[0]);
                var maxent = predictor.Predict(centre, CalibratedOutput.MaximumEntropy, cancellationToken, parts[1], firstRow);
                int width = 4 * k;
                var values = new double[n * width];
                for (int i = 0; i < n; i++)
                {
                    var row = values.AsSpan(i * width, width);
                    sets.Bounds.LowerRow(i).CopyTo(row[..k]);
                    sets.Bounds.UpperRow(i).CopyTo(row[k..(2 * k)]);
                    sets.Intersection.Row(i).CopyTo(row[(2 * k)..(3 * k)]);
                    maxent.Row(i).CopyTo(row[(3 * k)..]);
                }

                return new PredictionTable(n, [.. Names("lower", k), .. Names("upper", k), .. Names("ip", k), .. Names("maxent", k)], values, [.. Enumerable.Range(0, n).Select(i => Join(sets.LabelSets.AsSpan(i * k, k)))]);
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(output), output, "Unknown output.");
        }
    }

    /// <summary>
    /// Streams <paramref name="edge"/> to <paramref name="outPath"/> chunk by chunk (read a chunk, compute it with
    /// <see cref="Compute"/>, append it to the output), so memory is bounded by one chunk whatever the number of rows;
    /// the output is written atomically and appears only when every row is done.
    /// </summary>
    /// <param name="calibrator">The fitted calibrator (from the artifact).</param>
    /// <param name="edge">Edge outputs, read chunk by chunk.</param>
    /// <param name="outPath">Destination (<c>.csv</c>, <c>.npy</c> or <c>.parquet</c>).</param>
    /// <param name="output">What to compute.</param>
    /// <param name="rule">Label-set rule for <c>labels</c> and <c>all</c>.</param>
    /// <param name="progress">Receives the completed fraction (when the total row count is known).</param>
    /// <param name="cancellationToken">Interrupts the computation; nothing is written then.</param>
    /// <returns>The shape of the table written.</returns>
    /// <exception cref="DataFormatException">A bad row (file, line/row, column) or no data rows.</exception>
    public static (long Rows, int Columns) Stream(FittedCalibrator calibrator, ProbabilityMatrixReader edge, string outPath, CalibratedOutput output, LabelSetRule rule, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(edge);
        MatrixWriter? writer = null;
        try
        {
            int? total = edge.Reader.TotalRows;
            while (edge.ReadChunk() is { } chunk)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var chunkProgress = total is int t ? new ProgressSlice(progress, (double)edge.FirstRow / t, (double)chunk.Rows / t) : null;
                var table = Compute(calibrator, chunk, output, rule, chunkProgress, cancellationToken, checked((int)edge.FirstRow));
                writer ??= MatrixWriter.Create(outPath, table.NumericHeader, table.Sets is null ? null : PredictionTable.SetColumn);
                table.WriteTo(writer);
            }

            if (writer is null)
            {
                throw new DataFormatException(edge.Reader.FilePath, edge.Reader.Header is null ? "no data rows" : "a header but no data rows");
            }

            cancellationToken.ThrowIfCancellationRequested();
            writer.Commit();
            return (writer.RowsWritten, writer.Columns + (writer.TextColumn is null ? 0 : 1));
        }
        finally
        {
            writer?.Dispose();
        }
    }

    /// <summary>The member labels joined by <c>|</c>, e.g. <c>0|2</c>.</summary>
    public static string Join(ReadOnlySpan<bool> members)
    {
        var sb = new StringBuilder();
        for (int k = 0; k < members.Length; k++)
        {
            if (members[k])
            {
                if (sb.Length > 0)
                {
                    sb.Append('|');
                }

                sb.Append(k.ToString(CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }

    /// <summary><c>prefix_0 .. prefix_{K-1}</c>.</summary>
    public static string[] Names(string prefix, int classes)
        => [.. Enumerable.Range(0, classes).Select(k => prefix + "_" + k.ToString(CultureInfo.InvariantCulture))];
}
