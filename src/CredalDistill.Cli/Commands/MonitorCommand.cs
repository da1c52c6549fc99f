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
            consoles.Fail(string.Create(CultureInfo.InvariantCulture, $"ALARM at audited row {row}: coverage {monitor.Coverage:P2} so far, below the target {1 - monitor.Epsilon:P0} with confidence {1 - monitor.Alpha:P0} (confidence sequence [{monitor.Lower:P2}, {monitor.Upper:P2}])")),
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

        consoles.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{report.Rows} audited rows, coverage {report.Coverage:P2} (anytime-valid {1 - report.Alpha:P0} confidence sequence [{report.Lower:P2}, {report.Upper:P2}]), target {report.Target:P0}: {(report.Alarm ? $"ALARM raised at row {report.AlarmRow}" : "no alarm")}"));
        return report.Alarm ? ExitCodes.Alarm : ExitCodes.Success;
    }
}
