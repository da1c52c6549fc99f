using CredalDistill.Calibration;
using System.ComponentModel;
using CredalDistill.Cli.Services;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CredalDistill.Cli.Commands;

/// <summary>Options of <c>credal predict</c>.</summary>
public sealed partial class PredictSettings : PredictorSettings
{
    /// <summary><c>--calibration</c>.</summary>
    [CommandOption("--calibration <FILE>", true)]
    [Description("Calibration artifact written by 'credal calibrate'.")]
    public string Calibration { get; set; } = string.Empty;

    /// <summary><c>--edge</c>.</summary>
    [CommandOption("--edge <FILE>", true)]
    [Description("Edge model outputs to predict for (.csv, .npy or .parquet; read in chunks); must have the artifact's number of classes.")]
    public string Edge { get; set; } = string.Empty;

    /// <summary><c>--out</c>.</summary>
    [CommandOption("--out <FILE>", true)]
    [Description("Output file, .csv (header row always), .npy (numeric outputs only) or .parquet; written in chunks, atomically.")]
    public string Out { get; set; } = string.Empty;

    /// <summary><c>--output</c>.</summary>
    [CommandOption("--output <KIND>")]
    [RegistryDescription("What to write: {outputs}. Default: the artifact's output (intersection for cdci; calibrated for a point calibration such as ts or distilled-ms and for a map followed by CD-CI such as distilled-ms+cdci). calibrated (alias tempered: the calibration map's output, the centre of the credal sets)/intersection/maxent/centroid: columns p_0..p_{K-1}; bounds: lower_k then upper_k; labels: column set (labels joined by |); all: lower_k, upper_k, ip_k, maxent_k, set. Credal outputs are computed around the map's output; a point artifact has only calibrated.")]
    public string? Output { get; set; }

    /// <summary><c>--label-rule</c>.</summary>
    [CommandOption("--label-rule <RULE>")]
    [Description("Label-set rule for labels/all: interval (interval dominance) or maximality.")]
    [DefaultValue("interval")]
    public string LabelRule { get; set; } = "interval";

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        if (CheckSamples(MonteCarloSamples) is string samplesError)
        {
            return ValidationResult.Error(samplesError);
        }

        var output = CalibratedOutput.Intersection;
        if (Output is not null && !CalibratedOutputNames.TryParse(Output, out output))
        {
            return ValidationResult.Error($"--output '{Output}' is not valid; choose one of: {CalibratedOutputNames.All}");
        }

        if (!OptionNames.TryParseLabelRule(LabelRule, out _))
        {
            return ValidationResult.Error($"--label-rule '{LabelRule}' is not valid; choose one of: {OptionNames.LabelRules}");
        }

        string? bad = RejectCloudLogits("predict") ?? CheckGroup() ?? CheckMatrixPath("--edge", Edge) ?? CheckMatrixPath("--out", Out);
        if (bad is not null)
        {
            return ValidationResult.Error(bad);
        }

        if (CalibratedOutputNames.HasText(output) && Path.GetExtension(Out).Equals(".npy", StringComparison.OrdinalIgnoreCase))
        {
            return ValidationResult.Error($"--output {Output} has the text column 'set' and cannot be written to .npy; use a .csv or .parquet --out file");
        }

        return string.IsNullOrWhiteSpace(Calibration) ? ValidationResult.Error("--calibration needs a file name") : ValidationResult.Success();
    }
}
