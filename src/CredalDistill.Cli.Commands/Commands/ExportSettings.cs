using CredalDistill.Calibration;
using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CredalDistill.Cli.Commands;

/// <summary>Options of <c>credal export</c>.</summary>
public sealed class ExportSettings : CommonSettings
{
    /// <summary><c>--model</c>.</summary>
    [CommandOption("--model <FILE>", true)]
    [Description("The edge ONNX model (opset >= 13) with a float32 [N, K] logits output.")]
    public string Model { get; set; } = string.Empty;

    /// <summary><c>--calibration</c>.</summary>
    [CommandOption("--calibration <FILE>", true)]
    [Description("Calibration artifact written by 'credal calibrate' (its K must match the logits).")]
    public string Calibration { get; set; } = string.Empty;

    /// <summary><c>--out</c>.</summary>
    [CommandOption("--out <FILE>", true)]
    [Description("The calibrated ONNX model to write (atomically): the edge's inputs and outputs plus probabilities, lower, upper, label_set.")]
    public string Out { get; set; } = string.Empty;

    /// <summary><c>--logits-output</c>.</summary>
    [CommandOption("--logits-output <NAME>")]
    [Description("Name of the model's logits output.")]
    [DefaultValue("logits")]
    public string LogitsOutput { get; set; } = "logits";

    /// <summary><c>--output</c>.</summary>
    [CommandOption("--output <KIND>")]
    [Description("The distribution written to 'probabilities': calibrated (the calibration map's output; alias tempered), intersection (any divergence) or maxent (KL only). Default: the artifact's own output. A point calibration (ts, distilled-ts, ...) exports calibrated only.")]
    public string? Output { get; set; }

    /// <summary>The parsed <see cref="Output"/>, or null for the artifact's own output.</summary>
    public CalibratedOutput? OutputKind => Output is null ? null : CalibratedOutputNames.TryParse(Output, out var kind) ? kind : null;

    /// <summary><c>--group-input</c>.</summary>
    [CommandOption("--group-input <NAME>")]
    [Description("For an artifact with per-group thresholds (calibrate --query ... --group-by): add an int64 [[N]] graph input of this name, each row's group id (the index of its group among the artifact's groups in ordinal order, listed in the metadata credal.groups; an id outside them is unbounded), and apply each row's group threshold. Without it every row gets the threshold over all rows.")]
    public string? GroupInput { get; set; }

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        if (Output is not null && OutputKind is not (CalibratedOutput.Calibrated or CalibratedOutput.Intersection or CalibratedOutput.MaximumEntropy))
        {
            return ValidationResult.Error($"--output '{Output}' is not valid for export; choose one of: calibrated, intersection, maxent");
        }

        if (string.IsNullOrWhiteSpace(LogitsOutput))
        {
            return ValidationResult.Error("--logits-output needs a name");
        }

        if (string.IsNullOrWhiteSpace(Model) || string.IsNullOrWhiteSpace(Calibration))
        {
            return ValidationResult.Error("--model and --calibration need file names");
        }

        if (!Path.GetExtension(Out).Equals(".onnx", StringComparison.OrdinalIgnoreCase))
        {
            return ValidationResult.Error($"--out '{Out}' must be an .onnx file");
        }

        return ValidationResult.Success();
    }
}
