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

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
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
