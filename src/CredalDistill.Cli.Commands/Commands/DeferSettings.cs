using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CredalDistill.Cli.Commands;

/// <summary>Options of <c>credal defer</c>.</summary>
public sealed class DeferSettings : InputSettings
{
    /// <summary>The rule names accepted by <c>--rule</c>.</summary>
    public const string Rules = "label-set, width, rival, confidence";

    /// <summary><c>--calibration</c>.</summary>
    [CommandOption("--calibration <FILE>", true)]
    [Description("Calibration artifact with a conformal threshold (the credal rules read its credal sets).")]
    public string Calibration { get; set; } = string.Empty;

    /// <summary><c>--edge</c>.</summary>
    [CommandOption("--edge <FILE>", true)]
    [Description("Edge model outputs (.csv or .npy), one row per input.")]
    public string Edge { get; set; } = string.Empty;

    /// <summary><c>--rule</c>.</summary>
    [CommandOption("--rule <RULE>")]
    [Description("label-set: send to the cloud when the interval-dominance label set has more than one label; width: when the top class's interval upper - lower exceeds --level; rival: when another class's upper probability exceeds --level; confidence: when the centre's maximum probability is below --level (baseline).")]
    [DefaultValue("label-set")]
    public string Rule { get; set; } = "label-set";

    /// <summary><c>--level</c>.</summary>
    [CommandOption("--level <L>")]
    [Description("Level in [0, 1] for width, rival and confidence (required for them; not used by label-set).")]
    public double? Level { get; set; }

    /// <summary><c>--out</c>.</summary>
    [CommandOption("--out <FILE>", true)]
    [Description("Decisions (.csv or .npy), one row per input: defer (1 = send to the cloud, 0 = answer on the device) and score (the rule's statistic).")]
    public string Out { get; set; } = string.Empty;

    /// <summary><c>--sign-key</c>.</summary>
    [CommandOption("--sign-key <FILE>")]
    [Description("Secret key file: the artifact must carry an HMAC-SHA256 signature made with it.")]
    public string? SignKey { get; set; }

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        string rule = Rule.Trim().ToLowerInvariant();
        if (rule is not ("label-set" or "width" or "rival" or "confidence"))
        {
            return ValidationResult.Error($"--rule '{Rule}' is not valid; choose one of: {Rules}");
        }

        if (rule != "label-set" && Level is null)
        {
            return ValidationResult.Error($"--rule {rule} needs --level (a number in [0, 1])");
        }

        if (Level is double l && !(l >= 0 && l <= 1))
        {
            return ValidationResult.Error($"--level must be in [0, 1]; got {l}");
        }

        if (string.IsNullOrWhiteSpace(Calibration))
        {
            return ValidationResult.Error("--calibration needs a file name");
        }

        return (RejectCloudLogits("defer") ?? CheckMatrixPath("--edge", Edge) ?? CheckMatrixPath("--out", Out)) is string bad ? ValidationResult.Error(bad) : ValidationResult.Success();
    }
}
