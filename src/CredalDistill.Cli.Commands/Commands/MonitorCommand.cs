using CredalDistill.Calibration;
using System.Globalization;
using System.Text.Json;
using CredalDistill.Cli.Services;
using CredalDistill.IO;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CredalDistill.Cli.Commands;

/// <summary><c>credal monitor</c>: anytime-valid coverage monitoring of a calibration on audited (cloud, edge) pairs; exit 4 on an alarm.</summary>
public sealed class MonitorCommand : Command<MonitorSettings>
{
    /// <inheritdoc />
    public override int Execute(CommandContext context, MonitorSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(settings);
        var consoles = (CliConsoles)context.Data!;
        byte[]? key = SigningKey.Read(settings.SignKey);
        var artifact = CalibrationArtifact.Load(settings.Calibration, key);
        var calibrator = FittedCalibrator.FromArtifact(artifact);
        double? step = null;
        if (settings.RefreshOut is not null)
        {
            step = settings.Step ?? (0.05 * (artifact.Threshold is { Gamma: > 0 and < double.PositiveInfinity } t ? t.Gamma : 1.0));
        }

        var report = consoles.Progress.Run($"monitoring {Path.GetFileName(settings.Pairs)}", p => MonitorService.Run(calibrator, settings.Pairs, settings.Logits, settings.Alpha, step, (row, monitor) =>
            consoles.Fail(AlarmMessage(row, monitor)),
            p, cancellationToken));
        cancellationToken.ThrowIfCancellationRequested();
        if (settings.Json is not null)
        {
            AtomicFile.WriteText(settings.Json, w => w.Write(JsonSerializer.Serialize(report, MonitorReportJsonContext.Default.MonitorReport)));
        }

        if (settings.RefreshOut is not null)
        {
            var refreshed = new CalibrationArtifact
            {
                Method = artifact.Method,
                Output = artifact.Output,
                Classes = artifact.Classes,
                N = artifact.N,
                Map = artifact.Map,
                Threshold = artifact.Threshold! with { Gamma = report.RefreshedThreshold ?? 0.0 },
                Selection = artifact.Selection,
                Auto = artifact.Auto,
            };
            refreshed.Save(settings.RefreshOut, key);
            consoles.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {settings.RefreshOut}: threshold {report.RefreshedThreshold:G6} nats after tracking {report.Rows} audited rows (was {artifact.Threshold!.Gamma:G6}; {report.RefreshedErrors} miscovered while tracking). Its coverage is the long-run guarantee of adaptive conformal inference, not the split-conformal one."));
        }

        consoles.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{report.Rows} audited rows, {report.Covered} covered ({report.Coverage:P2}), target {report.Target:P0}: {(report.Alarm ? $"ALARM raised at row {report.AlarmRow}" : "no alarm")}. Betting wealth against 'coverage >= {report.Target:P0}' now {Wealth(report.LogWealth)} (the alarm fires at 1/alpha = {1 / report.Alpha:G4}); anytime-valid {1 - report.Alpha:P0} bounds on the coverage: at most {report.BettingUpper:P2} (the alarm's test), and [{report.Lower:P2}, {report.Upper:P2}] (two-sided Hoeffding sequence, wider)."));
        return report.Alarm ? ExitCodes.Alarm : ExitCodes.Success;
    }

    /// <summary>
    /// The alarm line: the statistic that fired (the betting wealth against <c>coverage &gt;= 1 - eps</c>, at least
    /// <c>1/alpha</c>) and the upper bound from the same test, which is then below the target.
    /// </summary>
    private static string Wealth(double logWealth)
        => logWealth < 700 ? Math.Exp(logWealth).ToString("G4", CultureInfo.InvariantCulture) : string.Create(CultureInfo.InvariantCulture, $"e^{logWealth:F1}");

    /// <summary>A percentage with as many decimals as it takes to show that <paramref name="value"/> is below <paramref name="target"/> (2 to 8).</summary>
    private static string Below(double value, double target)
    {
        for (int digits = 2; digits <= 8; digits++)
        {
            string shown = (100 * value).ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            if (double.Parse(shown, CultureInfo.InvariantCulture) < 100 * target)
            {
                return shown + " %";
            }
        }

        return (100 * value).ToString("F8", CultureInfo.InvariantCulture) + " % (just below the target)";
    }

    internal static string AlarmMessage(long row, Monitoring.CoverageMonitor monitor)
        => string.Create(CultureInfo.InvariantCulture, $"ALARM at audited row {row}: the betting wealth against 'coverage >= {1 - monitor.Epsilon:P0}' reached {Wealth(monitor.LogWealth)}, at least 1/alpha = {1 / monitor.Alpha:G4}, so coverage is below {1 - monitor.Epsilon:P0} with confidence {1 - monitor.Alpha:P0}: anytime-valid upper bound {Below(monitor.UpperBound, 1 - monitor.Epsilon)} (coverage so far {monitor.Coverage:P2}, {monitor.Covered} of {monitor.Count})");
}
