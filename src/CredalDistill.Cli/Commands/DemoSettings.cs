using System.ComponentModel;
using CredalDistill.Divergences;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CredalDistill.Cli.Commands;

/// <summary>Options of <c>credal demo</c> (all optional).</summary>
public sealed class DemoSettings : CommonSettings
{
    /// <summary><c>--seed</c>.</summary>
    [CommandOption("--seed <SEED>")]
    [Description("Seed of the random calibration/labeled/test split (same seed, same numbers).")]
    [DefaultValue(1UL)]
    public ulong Seed { get; set; } = 1UL;

    /// <summary><c>--epsilon</c>.</summary>
    [CommandOption("--epsilon <EPS>")]
    [Description("Miscoverage level in (0, 1).")]
    [DefaultValue(0.1)]
    public double Epsilon { get; set; } = 0.1;

    /// <summary><c>--divergence</c>.</summary>
    [CommandOption("--divergence <NAME>")]
    [Description("Score divergence: " + CredalDistill.Divergences.Divergence.Names + ".")]
    [DefaultValue("kl")]
    public string Divergence { get; set; } = "kl";

    /// <summary><c>--out</c>.</summary>
    [CommandOption("--out <DIR>")]
    [Description("Report folder (report.md, report.json, figures/).")]
    [DefaultValue("out/demo")]
    public string Out { get; set; } = Path.Combine("out", "demo");

    /// <summary><c>--root</c>.</summary>
    [CommandOption("--root <DIR>")]
    [Description("Repository folder holding data/ and models/ (default: found by walking up from the current folder).")]
    public string? Root { get; set; }

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        if (!(Epsilon > 0.0 && Epsilon < 1.0))
        {
            return ValidationResult.Error($"--epsilon must be strictly between 0 and 1 (got {Epsilon})");
        }

        return Divergences.Divergence.TryParse(Divergence, out _, out string? error) ? ValidationResult.Success() : ValidationResult.Error("--divergence: " + error);
    }
}
