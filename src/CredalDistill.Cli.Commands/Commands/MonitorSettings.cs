using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CredalDistill.Cli.Commands;

/// <summary>Options of <c>credal monitor</c>.</summary>
public sealed class MonitorSettings : CommonSettings
{
    /// <summary><c>--calibration</c>.</summary>
    [CommandOption("--calibration <FILE>", true)]
    [Description("Calibration artifact with a conformal threshold (method cdci, distilled-ts+cdci or auto).")]
    public string Calibration { get; set; } = string.Empty;

    /// <summary><c>--pairs</c>.</summary>
    [CommandOption("--pairs <FILE>", true)]
    [Description("Audited inputs (.csv or .npy), one row each: the cloud's K outputs, then the edge's K outputs (2K columns). Streamed in chunks.")]
    public string Pairs { get; set; } = string.Empty;

    /// <summary><c>--logits</c>.</summary>
    [CommandOption("--logits")]
    [Description("Both halves of each row hold logits instead of probabilities.")]
    [DefaultValue(false)]
    public bool Logits { get; set; }

    /// <summary><c>--alpha</c>.</summary>
    [CommandOption("--alpha <A>")]
    [Description("Error level of the alarm and of the confidence sequence: the probability of ever raising a false alarm on a stream whose coverage is at least 1 - eps. In (0, 1).")]
    [DefaultValue(0.05)]
    public double Alpha { get; set; } = 0.05;

    /// <summary><c>--json</c>.</summary>
    [CommandOption("--json <FILE>")]
    [Description("Also write the report as JSON (keys rows, covered, coverage, lower, upper, logWealth, bettingUpper, target, alpha, threshold, alarm, alarmRow, refreshedThreshold, refreshedErrors).")]
    public string? Json { get; set; }

    /// <summary><c>--refresh-out</c>.</summary>
    [CommandOption("--refresh-out <FILE>")]
    [Description("Track the threshold over the stream with the adaptive-conformal update (quantile tracking) and write a new artifact with the final threshold.")]
    public string? RefreshOut { get; set; }

    /// <summary><c>--step</c>.</summary>
    [CommandOption("--step <NATS>")]
    [Description("Quantile-tracking step in nats for --refresh-out (default: 5% of the artifact's threshold).")]
    public double? Step { get; set; }

    /// <summary><c>--sign-key</c>.</summary>
    [CommandOption("--sign-key <FILE>")]
    [Description("Secret key file: the artifact must carry an HMAC-SHA256 signature made with it; the refreshed artifact is signed with it.")]
    public string? SignKey { get; set; }

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        if (!(Alpha > 0 && Alpha < 1))
        {
            return ValidationResult.Error($"--alpha must be in (0, 1); got {Alpha}");
        }

        if (Step is double s && !(s > 0 && double.IsFinite(s)))
        {
            return ValidationResult.Error($"--step must be a positive number of nats; got {s}");
        }

        if (Step is not null && RefreshOut is null)
        {
            return ValidationResult.Error("--step only applies with --refresh-out");
        }

        if (string.IsNullOrWhiteSpace(Calibration))
        {
            return ValidationResult.Error("--calibration needs a file name");
        }

        string ext = Path.GetExtension(Pairs);
        return ext.Equals(".csv", StringComparison.OrdinalIgnoreCase) || ext.Equals(".npy", StringComparison.OrdinalIgnoreCase)
            ? ValidationResult.Success()
            : ValidationResult.Error($"--pairs '{Pairs}': unsupported file type; supported extensions: .csv, .npy");
    }
}
