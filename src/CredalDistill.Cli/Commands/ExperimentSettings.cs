using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CredalDistill.Cli.Commands;

/// <summary>Options of <c>credal experiment</c>.</summary>
public sealed class ExperimentSettings : CommonSettings
{
    /// <summary><c>--quick</c>.</summary>
    [CommandOption("--quick")]
    [Description("Smoke run: 3 splits, KL and alpha:0.9, eps 0.1 and 0.2, regimes on 2 edges per task (under a minute). Writes to out/experiment-quick unless --out is given.")]
    [DefaultValue(false)]
    public bool Quick { get; set; }

    /// <summary><c>--splits</c>.</summary>
    [CommandOption("--splits <N>")]
    [Description("Random calibration/labeled/test splits per task (default 50; 3 with --quick).")]
    public int? Splits { get; set; }

    /// <summary><c>--seed</c>.</summary>
    [CommandOption("--seed <SEED>")]
    [Description("Master seed of the splits and Monte Carlo estimates.")]
    [DefaultValue(20250110UL)]
    public ulong Seed { get; set; } = 20250110UL;

    /// <summary><c>--guarantee</c>.</summary>
    [CommandOption("--guarantee")]
    [DefaultValue(false)]
    [Description("Run only the coverage guarantee test at scale (GUARANTEE.md, guarantee.json; see docs/RELIABILITY.md).")]
    public bool Guarantee { get; set; }

    /// <summary><c>--guarantee-splits</c>.</summary>
    [CommandOption("--guarantee-splits <N>")]
    [Description("Random calibration/test splits of the guarantee test (default 1000; 200 with --quick).")]
    public int? GuaranteeSplits { get; set; }

    /// <summary><c>--out</c>.</summary>
    [CommandOption("--out <DIR>")]
    [Description("Folder for RESULTS.md, results.json, figures/, GUARANTEE.md and guarantee.json (default docs, or out/experiment-quick with --quick).")]
    public string? Out { get; set; }

    /// <summary><c>--root</c>.</summary>
    [CommandOption("--root <DIR>")]
    [Description("Repository folder holding data/ and models/ (default: found by walking up from the current folder).")]
    public string? Root { get; set; }

    /// <inheritdoc />
    public override ValidationResult Validate() =>
        Splits is <= 0 ? ValidationResult.Error("--splits must be positive")
        : GuaranteeSplits is < 2 ? ValidationResult.Error("--guarantee-splits must be at least 2")
        : ValidationResult.Success();
}
