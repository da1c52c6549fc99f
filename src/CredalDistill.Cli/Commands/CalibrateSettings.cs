using System.Globalization;
using System.ComponentModel;
using CredalDistill.Divergences;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CredalDistill.Cli.Commands;

/// <summary>Options of <c>credal calibrate</c>.</summary>
public sealed class CalibrateSettings : InputSettings
{
    /// <summary><c>--cloud</c>.</summary>
    [CommandOption("--cloud <FILE>", true)]
    [Description("Cloud model outputs on the calibration inputs (.csv, .npy or .parquet, one row per input, one column per class).")]
    public string Cloud { get; set; } = string.Empty;

    /// <summary><c>--edge</c>.</summary>
    [CommandOption("--edge <FILE>", true)]
    [Description("Edge model outputs on the same inputs, same order and shape.")]
    public string Edge { get; set; } = string.Empty;

    /// <summary><c>--epsilon</c>.</summary>
    [CommandOption("--epsilon <EPS>")]
    [Description("Miscoverage level in (0, 1); the credal sets contain the cloud output with probability >= 1 - eps. 'auto' chooses it without labels: 2-fold cross-fitted cloud-referenced ECE of the --select-for output over 0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5.")]
    [DefaultValue("0.1")]
    public string EpsilonText { get; set; } = "0.1";

    /// <summary>True when <c>--epsilon auto</c> asks for the label-free choice.</summary>
    public bool AutoEpsilon => string.Equals(EpsilonText.Trim(), "auto", StringComparison.OrdinalIgnoreCase);

    /// <summary><c>--select-for</c>.</summary>
    [CommandOption("--select-for <OUTPUT>")]
    [Description("With --epsilon auto or --divergence auto: the output whose calibration is optimised: intersection, maxent or centroid.")]
    [DefaultValue("intersection")]
    public string SelectFor { get; set; } = "intersection";

    /// <summary>The parsed <c>--epsilon</c> (valid after <see cref="Validate"/>; NaN for auto).</summary>
    public double Epsilon => double.TryParse(EpsilonText, NumberStyles.Float, CultureInfo.InvariantCulture, out double eps) ? eps : double.NaN;

    /// <summary><c>--divergence</c>.</summary>
    [CommandOption("--divergence <NAME>")]
    [Description("Score divergence D(cloud || edge): " + CredalDistill.Divergences.Divergence.Names + " (e.g. alpha:0.9); or 'auto': chosen without labels, like --epsilon auto, among kl, reverse-kl, alpha:0.9, alpha:1.2, tv, hellinger, chi2 (jointly with eps when --epsilon is auto too).")]
    [DefaultValue("kl")]
    public string Divergence { get; set; } = "kl";

    /// <summary>True for <c>--divergence auto</c>.</summary>
    public bool AutoDivergence => string.Equals(Divergence.Trim(), "auto", StringComparison.OrdinalIgnoreCase);

    /// <summary><c>--out</c>.</summary>
    [CommandOption("--out <FILE>", true)]
    [Description("Calibration artifact to write (JSON, written atomically).")]
    public string Out { get; set; } = string.Empty;

    /// <summary><c>--sign-key</c>.</summary>
    [CommandOption("--sign-key <FILE>")]
    [Description("Secret key file (raw bytes, at least 16): sign the artifact with HMAC-SHA256, verified by predict/evaluate --sign-key.")]
    public string? SignKey { get; set; }

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        if (!AutoEpsilon && !(Epsilon > 0.0 && Epsilon < 1.0))
        {
            return ValidationResult.Error($"--epsilon must be a number strictly between 0 and 1, or auto (got '{EpsilonText}')");
        }

        if (SelectFor is not ("intersection" or "maxent" or "centroid"))
        {
            return ValidationResult.Error($"--select-for must be intersection, maxent or centroid (got '{SelectFor}')");
        }

        if (!AutoDivergence && !Divergences.Divergence.TryParse(Divergence, out _, out string? error))
        {
            return ValidationResult.Error("--divergence: " + error);
        }

        string? bad = CheckMatrixPath("--cloud", Cloud) ?? CheckMatrixPath("--edge", Edge);
        if (bad is not null)
        {
            return ValidationResult.Error(bad);
        }

        return string.IsNullOrWhiteSpace(Out) ? ValidationResult.Error("--out needs a file name") : ValidationResult.Success();
    }
}
