using CredalDistill.Calibration;
using System.Globalization;
using CredalDistill.Cli.Services;
using CredalDistill.Deferral;
using CredalDistill.IO;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CredalDistill.Cli.Commands;

/// <summary><c>credal defer</c>: which inputs the device should send to the cloud, decided from each input's credal set.</summary>
public sealed class DeferCommand : Command<DeferSettings>
{
    /// <inheritdoc />
    public override int Execute(CommandContext context, DeferSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(settings);
        var consoles = (CliConsoles)context.Data!;
        var artifact = CalibrationArtifact.Load(settings.Calibration, SigningKey.Read(settings.SignKey));
        var calibrator = FittedCalibrator.FromArtifact(artifact);
        var predictor = calibrator.Predictor ?? throw new UsageException($"{Path.GetFileName(settings.Calibration)} is a {artifact.Method} artifact (a point calibration): the deferral rules need a conformal threshold; calibrate with --method cdci, distilled-ts+cdci or auto");
        var rule = settings.Rule.Trim().ToLowerInvariant() switch
        {
            "width" => DeferralRule.TopIntervalWidth,
            "rival" => DeferralRule.RivalUpper,
            "confidence" => DeferralRule.EdgeConfidence,
            _ => DeferralRule.LabelSetSize,
        };
        var loader = new InputLoader(consoles.Progress, settings.ToInputOptions());
        var edge = loader.ReadEdge(settings.Edge, artifact.Classes, settings.Calibration);
        var centre = calibrator.Centre(edge);
        var deferral = new CredalDeferral(predictor, rule, settings.Level ?? 0.5);
        var table = new double[centre.Rows * 2];
        int deferred = consoles.Progress.Run("deciding", p =>
        {
            int count = 0;
            for (int i = 0; i < centre.Rows; i++)
            {
                if ((i & 1023) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    p.Report((double)i / centre.Rows);
                }

                var row = centre.AsEdgeRow(i);
                double score = deferral.Score(row);
                bool defer = deferral.Defer(score);
                table[2 * i] = defer ? 1 : 0;
                table[(2 * i) + 1] = score;
                count += defer ? 1 : 0;
            }

            return count;
        });
        cancellationToken.ThrowIfCancellationRequested();
        MatrixFile.Write(settings.Out, table, centre.Rows, 2, ["defer", "score"]);
        consoles.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {settings.Out}: {deferred} of {centre.Rows} inputs ({(double)deferred / centre.Rows:P1}) go to the cloud (rule {settings.Rule.Trim().ToLowerInvariant()}{(settings.Level is double l ? $", level {l}" : string.Empty)})"));
        return ExitCodes.Success;
    }
}
