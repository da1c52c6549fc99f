using System.Globalization;
using CredalDistill.Calibration;
using CredalDistill.Conformal;
using CredalDistill.IO;
using CredalDistill.Monitoring;

namespace CredalDistill.Cli.Services;

/// <summary>
/// <c>credal monitor</c>: streams audited (cloud, edge) pairs - a matrix of <c>2K</c> columns, the cloud's <c>K</c>
/// outputs then the edge's - in chunks, scores each pair <c>s = D(p_cloud || centre)</c> (centre: the edge, or the
/// map's output of a map+cdci artifact), feeds <c>s &lt;= gamma</c> to <see cref="CoverageMonitor"/> and, when asked,
/// <c>s</c> to a <see cref="QuantileTracker"/> started at the artifact's threshold (the adaptive-conformal update on the
/// threshold itself: the artifact does not keep the calibration scores).
/// </summary>
public static class MonitorService
{
    /// <summary>Rows per chunk: memory stays flat whatever the stream's length.</summary>
    public const int ChunkRows = 4096;

    /// <summary>Runs the monitor over <paramref name="path"/>.</summary>
    /// <param name="calibrator">The restored calibrator (must be set-valued).</param>
    /// <param name="path">The pairs file (.csv or .npy, 2K columns).</param>
    /// <param name="logits">Both halves hold logits.</param>
    /// <param name="alpha">Alarm level.</param>
    /// <param name="step">Quantile-tracking step in nats, or null for no refresh.</param>
    /// <param name="onAlarm">Called once, with the 1-based row, when the alarm is raised.</param>
    /// <param name="progress">Completed fraction (when the row count is known).</param>
    /// <param name="cancellationToken">Stops between chunks.</param>
    public static MonitorReport Run(FittedCalibrator calibrator, string path, bool logits, double alpha, double? step, Action<long, CoverageMonitor>? onAlarm, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(calibrator);
        var predictor = calibrator.Predictor ?? throw new UsageException($"a {calibrator.Name} artifact is a point calibration: it has no conformal threshold to monitor; calibrate with --method cdci, distilled-ts+cdci or auto");
        double epsilon = calibrator.Epsilon!.Value;
        var rows = predictor.RowThreshold;
        if (step is not null && rows is not null)
        {
            throw new UsageException("--refresh-out tracks one threshold; this artifact has a per-row threshold (Mondrian or covariate shift): monitor it without --refresh-out, or recalibrate");
        }

        double gamma = calibrator.ReportedGamma;
        int k = calibrator.Classes;
        var monitor = new CoverageMonitor(epsilon, alpha);
        if (step is not null && double.IsPositiveInfinity(gamma))
        {
            throw new UsageException("--refresh-out needs a finite threshold to track; this artifact's threshold is unbounded");
        }

        QuantileTracker? aci = step is double eta ? new QuantileTracker(gamma, epsilon, eta) : null;
        using var reader = OpenPairs(path, k);
        var buffer = new double[ChunkRows * 2 * k];
        var cloud = new double[ChunkRows * k];
        var edge = new double[ChunkRows * k];
        long row = 0;
        int? total = reader.TotalRows;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int n = reader.ReadRows(buffer);
            if (n == 0)
            {
                break;
            }

            for (int i = 0; i < n; i++)
            {
                var pair = buffer.AsSpan(i * 2 * k, 2 * k);
                Validate(pair[..k], logits, path, row + i + 1, 1, "cloud");
                Validate(pair[k..], logits, path, row + i + 1, k + 1, "edge");
                pair[..k].CopyTo(cloud.AsSpan(i * k, k));
                pair[k..].CopyTo(edge.AsSpan(i * k, k));
            }

            var cloudRows = logits ? ProbabilityMatrix.FromLogits(cloud.AsSpan(0, n * k), k, path) : ProbabilityMatrix.FromProbabilities(cloud.AsSpan(0, n * k), k, path);
            var edgeRows = logits ? ProbabilityMatrix.FromLogits(edge.AsSpan(0, n * k), k, path) : ProbabilityMatrix.FromProbabilities(edge.AsSpan(0, n * k), k, path);
            var centre = calibrator.Centre(edgeRows);
            var scores = SplitConformal.Scores(cloudRows, centre, predictor.Divergence);
            for (int i = 0; i < n; i++)
            {
                if (monitor.Observe(scores[i] <= (rows is null ? gamma : rows.GammaFor(centre.AsEdgeRow(i)))))
                {
                    onAlarm?.Invoke(row + i + 1, monitor);
                }

                aci?.Observe(scores[i]);
            }

            row += n;
            if (total is int t && t > 0)
            {
                progress?.Report((double)row / t);
            }
        }

        if (row == 0)
        {
            throw new DataFormatException(path, "no audited pairs (the file has no data rows)");
        }

        return new MonitorReport
        {
            Rows = monitor.Count,
            Covered = monitor.Covered,
            Coverage = monitor.Coverage,
            Lower = monitor.Lower,
            Upper = monitor.Upper,
            LogWealth = monitor.LogWealth,
            BettingUpper = monitor.UpperBound,
            Target = 1 - epsilon,
            Alpha = alpha,
            Threshold = double.IsPositiveInfinity(gamma) ? null : gamma,
            ThresholdRule = rows?.Rule ?? RowThreshold.Marginal,
            Alarm = monitor.Alarm,
            AlarmRow = monitor.AlarmAt,
            RefreshedThreshold = aci is null || double.IsPositiveInfinity(aci.Gamma) ? null : aci.Gamma,
            RefreshedErrors = aci?.Errors,
        };
    }

    /// <summary>Opens the pairs file, whose width must be <c>2k</c>; a wrong width says what the layout is.</summary>
    private static MatrixReader OpenPairs(string path, int k)
    {
        try
        {
            return MatrixReader.Open(path, 2 * k);
        }
        catch (DataFormatException ex) when (ex.Problem.Contains("columns, expected", StringComparison.Ordinal))
        {
            throw new DataFormatException(ex.FilePath, string.Create(CultureInfo.InvariantCulture, $"{ex.Problem}: each row is one audited input, the cloud's {k} outputs then the edge's {k} outputs ({2 * k} columns for this {k}-class artifact)"), ex.Line, ex.Row, ex.Column, ex);
        }
    }

    private static void Validate(ReadOnlySpan<double> values, bool logits, string path, long row, int firstColumn, string which)
    {
        try
        {
            _ = logits ? EdgeRow.FromLogits(values) : EdgeRow.FromProbabilities(values);
        }
        catch (ArgumentException ex)
        {
            throw new DataFormatException(path, string.Create(CultureInfo.InvariantCulture, $"the {which} outputs (columns {firstColumn}..{firstColumn + values.Length - 1}) are not valid {(logits ? "logits" : "probabilities")}: {ex.Message}"), row: (int)Math.Min(row, int.MaxValue), column: firstColumn);
        }
    }
}
