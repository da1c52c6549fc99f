using System.Globalization;
using System.Text;
using CredalDistill.Cli.Formats;
using CredalDistill.Credal;
using CredalDistill.IO;

namespace CredalDistill.Cli.Services;

/// <summary>
/// Run-time CD-CI as used by <c>credal predict</c>: computes the requested outputs row by row (in parallel chunks with
/// progress), with exactly the per-row functions of <see cref="CredalPredictor"/> (so the results equal its batch
/// methods, Monte Carlo streams included).
/// </summary>
public static class PredictionService
{
    /// <summary>Label-set flags live on the stack up to this many classes and on the heap above.</summary>
    internal const int MaxStackClasses = 1024;

    /// <summary>Computes the table for <paramref name="output"/>.</summary>
    /// <param name="predictor">The calibrated predictor.</param>
    /// <param name="edge">Edge outputs.</param>
    /// <param name="output">What to compute.</param>
    /// <param name="rule">Label-set rule for <c>labels</c> and <c>all</c>.</param>
    /// <param name="progress">Receives the completed fraction.</param>
    /// <param name="cancellationToken">Interrupts the computation.</param>
    /// <param name="firstRow">Index of <paramref name="edge"/>'s first row in the whole input (seeds the Monte Carlo streams, so chunks give the results of one pass).</param>
    public static PredictionTable Compute(CredalPredictor predictor, ProbabilityMatrix edge, PredictOutput output, LabelSetRule rule, IProgress<double>? progress = null, CancellationToken cancellationToken = default, int firstRow = 0)
    {
        ArgumentNullException.ThrowIfNull(predictor);
        ArgumentNullException.ThrowIfNull(edge);
        int n = edge.Rows;
        int k = edge.Classes;
        switch (output)
        {
            case PredictOutput.Intersection:
            case PredictOutput.MaximumEntropy:
            case PredictOutput.Centroid:
            {
                var kind = output switch
                {
                    PredictOutput.MaximumEntropy => CredalOutput.MaximumEntropy,
                    PredictOutput.Centroid => CredalOutput.Centroid,
                    _ => CredalOutput.Intersection,
                };
                var values = new double[n * k];
                RowBatches.For(n, progress, i => predictor.Predict(edge.AsEdgeRow(i), kind, values.AsSpan(i * k, k), firstRow + i), cancellationToken);
                return new PredictionTable(n, Names("p", k), values, null);
            }

            case PredictOutput.Bounds:
            {
                var values = new double[n * 2 * k];
                RowBatches.For(n, progress, i =>
                {
                    var row = values.AsSpan(i * 2 * k, 2 * k);
                    predictor.Bounds(edge.AsEdgeRow(i), row[..k], row[k..]);
                }, cancellationToken);
                return new PredictionTable(n, [.. Names("lower", k), .. Names("upper", k)], values, null);
            }

            case PredictOutput.Labels:
            {
                var sets = new string[n];
                RowBatches.For(n, progress, i =>
                {
                    Span<bool> members = k <= MaxStackClasses ? stackalloc bool[k] : new bool[k];
                    predictor.LabelSet(edge.AsEdgeRow(i), rule, members);
                    sets[i] = Join(members);
                }, cancellationToken);
                return new PredictionTable(n, [], [], sets);
            }

            case PredictOutput.All:
            {
                int width = 4 * k;
                var values = new double[n * width];
                var sets = new string[n];
                RowBatches.For(n, progress, i =>
                {
                    var row = values.AsSpan(i * width, width);
                    var p = edge.AsEdgeRow(i);
                    predictor.BoundsAndIntersection(p, row[..k], row[k..(2 * k)], row[(2 * k)..(3 * k)]);
                    predictor.Predict(p, CredalOutput.MaximumEntropy, row[(3 * k)..], firstRow + i);
                    Span<bool> members = k <= MaxStackClasses ? stackalloc bool[k] : new bool[k];
                    if (rule == LabelSetRule.Maximality)
                    {
                        predictor.LabelSet(p, rule, members);
                    }
                    else
                    {
                        LabelSets.IntervalDominance(row[..k], row[k..(2 * k)], members);
                    }

                    sets[i] = Join(members);
                }, cancellationToken);
                return new PredictionTable(n, [.. Names("lower", k), .. Names("upper", k), .. Names("ip", k), .. Names("maxent", k)], values, sets);
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
    /// <param name="predictor">The calibrated predictor.</param>
    /// <param name="edge">Edge outputs, read chunk by chunk.</param>
    /// <param name="outPath">Destination (<c>.csv</c>, <c>.npy</c> or <c>.parquet</c>).</param>
    /// <param name="output">What to compute.</param>
    /// <param name="rule">Label-set rule for <c>labels</c> and <c>all</c>.</param>
    /// <param name="progress">Receives the completed fraction (when the total row count is known).</param>
    /// <param name="cancellationToken">Interrupts the computation; nothing is written then.</param>
    /// <returns>The shape of the table written.</returns>
    /// <exception cref="DataFormatException">A bad row (file, line/row, column) or no data rows.</exception>
    public static (long Rows, int Columns) Stream(CredalPredictor predictor, ProbabilityMatrixReader edge, string outPath, PredictOutput output, LabelSetRule rule, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(edge);
        MatrixWriter? writer = null;
        try
        {
            int? total = edge.Reader.TotalRows;
            while (edge.ReadChunk() is { } chunk)
            {
                cancellationToken.ThrowIfCancellationRequested();
                long done = edge.FirstRow;
                var chunkProgress = progress is null || total is not int t ? null : new Progress(f => progress.Report((done + (f * chunk.Rows)) / t));
                var table = Compute(predictor, chunk, output, rule, chunkProgress, cancellationToken, checked((int)edge.FirstRow));
                writer ??= MatrixFiles.CreateWriter(outPath, table.NumericHeader, table.Sets is null ? null : PredictionTable.SetColumn);
                table.WriteTo(writer);
            }

            if (writer is null)
            {
                throw edge.Reader.Header is null ? new DataFormatException(edge.Reader.FilePath, "no data rows") : new DataFormatException(edge.Reader.FilePath, "a header but no data rows");
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

    /// <summary>Reports synchronously (unlike <see cref="Progress{T}"/>, which posts to the thread pool).</summary>
    private sealed class Progress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}
