using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CredalDistill.Cli.Commands;

/// <summary>Options of <c>credal bench</c>.</summary>
public sealed class BenchSettings : CommonSettings
{
    /// <summary><c>--quick</c>.</summary>
    [CommandOption("--quick")]
    [Description("K = 3 and 10 only, fewer repetitions, smaller offline and batch runs (a few seconds). Without it: K = 3, 10, 100, 1,000 and 32,768 (under a minute).")]
    [DefaultValue(false)]
    public bool Quick { get; set; }

    /// <summary><c>--full</c>.</summary>
    [CommandOption("--full")]
    [Description("Also the slowest cases: max-entropy by the Lagrange conditions at K = 32,768, maximality and the hit-and-run centroid at K = 100, and predict end to end on temporary 10^6 x 10 CSV, NPY and Parquet files (a few minutes; used for docs/PERFORMANCE.md).")]
    [DefaultValue(false)]
    public bool Full { get; set; }

    /// <summary><c>--json</c>.</summary>
    [CommandOption("--json <FILE>")]
    [Description("Also write the measurements as JSON (gridSpeedupK3, overheadVsEdgeForward, allocatedBytesPerInput, kl131072BoundsMs, every timing, the machine).")]
    public string? Json { get; set; }

    /// <summary><c>--markdown</c>.</summary>
    [CommandOption("--markdown <FILE>")]
    [Description("Also write the Markdown page (docs/PERFORMANCE.md): the table, the machine, the command and the performance targets met or missed.")]
    public string? Markdown { get; set; }

    /// <summary><c>--root</c>.</summary>
    [CommandOption("--root <DIR>")]
    [Description("Repository folder holding data/ and models/ (default: found by walking up from the current folder).")]
    public string? Root { get; set; }

    /// <inheritdoc />
    public override ValidationResult Validate() =>
        Quick && Full ? ValidationResult.Error("--quick and --full exclude each other")
        : Json is not null && string.IsNullOrWhiteSpace(Json) ? ValidationResult.Error("--json needs a file name")
        : Markdown is not null && string.IsNullOrWhiteSpace(Markdown) ? ValidationResult.Error("--markdown needs a file name")
        : Root is not null && !Directory.Exists(Root) ? ValidationResult.Error($"--root: no such folder '{Root}'")
        : ValidationResult.Success();
}
