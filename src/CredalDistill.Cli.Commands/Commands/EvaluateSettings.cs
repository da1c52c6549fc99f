using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CredalDistill.Cli.Commands;

/// <summary>Options of <c>credal evaluate</c>.</summary>
public sealed class EvaluateSettings : PredictorSettings
{
    /// <summary><c>--calibration</c>.</summary>
    [CommandOption("--calibration <FILE>", true)]
    [Description("Calibration artifact written by 'credal calibrate' (any method). Repeat the option to compare several artifacts in one table.")]
    public string[] Calibration { get; set; } = [];

    /// <summary><c>--edge</c>.</summary>
    [CommandOption("--edge <FILE>", true)]
    [Description("Edge model outputs on the test inputs (.csv, .npy or .parquet).")]
    public string Edge { get; set; } = string.Empty;

    /// <summary><c>--cloud</c>.</summary>
    [CommandOption("--cloud <FILE>", true)]
    [Description("Cloud model outputs on the same test inputs.")]
    public string Cloud { get; set; } = string.Empty;

    /// <summary><c>--labels</c>.</summary>
    [CommandOption("--labels <FILE>", true)]
    [Description("True labels, one integer class index per input (.csv or .npy).")]
    public string Labels { get; set; } = string.Empty;

    /// <summary><c>--json</c>.</summary>
    [CommandOption("--json <FILE>")]
    [Description("Also write the report as JSON to this file (atomically). Default: no JSON file.")]
    public string? Json { get; set; }

    /// <summary>The smallest <c>--bootstrap</c> accepted.</summary>
    public const int MinimumBootstrap = 100;

    /// <summary><c>--bootstrap</c>.</summary>
    [CommandOption("--bootstrap <B>")]
    [Description("Resample the test rows B times (with replacement, paired across methods) for 95% percentile intervals of accuracy, ECE, debiased ECE, KS, NLL and Brier, and, with several --calibration files, paired differences against the first. At least 100; 2000 is usual. Default: no bootstrap.")]
    public int? Bootstrap { get; set; }

    /// <summary><c>--seed</c>.</summary>
    [CommandOption("--seed <SEED>")]
    [Description("Seed of the bootstrap resamples (same seed, same intervals on any machine).")]
    [DefaultValue(1UL)]
    public ulong Seed { get; set; } = 1UL;

    /// <summary><c>--figures</c>.</summary>
    [CommandOption("--figures <DIR>")]
    [Description("Also write a reliability diagram (PNG) per method to this folder, with 95% bootstrap bands on each bin's accuracy when --bootstrap is given. Default: no figures. (Repository CLI only: the credal .NET tool has no plotting library and refuses it.)")]
    public string? Figures { get; set; }

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        if (Bootstrap is int b && b < MinimumBootstrap)
        {
            return ValidationResult.Error($"--bootstrap must be at least {MinimumBootstrap} (got {b}): percentile intervals from fewer resamples are unstable");
        }

        if (Figures is not null && string.IsNullOrWhiteSpace(Figures))
        {
            return ValidationResult.Error("--figures needs a folder name");
        }

        if (CheckSamples(MonteCarloSamples) is string samplesError)
        {
            return ValidationResult.Error(samplesError);
        }

        string? bad = CheckMatrixPath("--edge", Edge) ?? CheckMatrixPath("--cloud", Cloud) ?? CheckMatrixPath("--labels", Labels, parquet: false);
        if (bad is not null)
        {
            return ValidationResult.Error(bad);
        }

        if (Json is not null && string.IsNullOrWhiteSpace(Json))
        {
            return ValidationResult.Error("--json needs a file name");
        }

        if (Calibration.Length == 0)
        {
            return ValidationResult.Error("--calibration is required (repeat it to compare several artifacts)");
        }

        return Calibration.Any(string.IsNullOrWhiteSpace) ? ValidationResult.Error("--calibration needs a file name") : ValidationResult.Success();
    }
}
