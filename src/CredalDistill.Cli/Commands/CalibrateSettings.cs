using System.Globalization;
using System.ComponentModel;
using CredalDistill.Divergences;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CredalDistill.Cli.Commands;

/// <summary>Options of <c>credal calibrate</c>.</summary>
public sealed partial class CalibrateSettings : EngineColumnsSettings
{
    /// <summary><c>--cloud</c>.</summary>
    [CommandOption("--cloud <FILE>")]
    [Description("Cloud model outputs on the calibration inputs (.csv, .npy or .parquet, one row per input, one column per class). Required unless --query.")]
    public string Cloud { get; set; } = string.Empty;

    /// <summary><c>--edge</c>.</summary>
    [CommandOption("--edge <FILE>")]
    [Description("Edge model outputs on the same inputs, same order and shape. Required unless --query.")]
    public string Edge { get; set; } = string.Empty;

    /// <summary><c>--method</c>.</summary>
    [CommandOption("--method <METHOD>")]
    [Description("Calibration method: " + Services.OptionNames.Methods + ". cdci: conformal threshold around the edge (the paper). distilled-ts: temperature fitted to the cloud, no labels, point output only. ts: temperature fitted to --labels by NLL (or --ts-objective ece), point output only. distilled-ts+cdci: distilled temperature on the first half of the rows, then the threshold around the tempered edge on the second half. auto: chosen without labels among distilled-ts, cdci (divergence x eps x intersection/maxent) and distilled-ts+cdci by 2-fold cross-fitted cloud-referenced ECE; bounds and label sets always come from a CD-CI threshold.")]
    [DefaultValue("cdci")]
    public string Method { get; set; } = "cdci";

    /// <summary><c>--labels</c>.</summary>
    [CommandOption("--labels <FILE>")]
    [Description("True labels of the calibration inputs (.csv or .npy), one class index per row: required by --method ts, not used by the other methods.")]
    public string? Labels { get; set; }

    /// <summary><c>--ts-objective</c>.</summary>
    [CommandOption("--ts-objective <OBJECTIVE>")]
    [Description("With --method ts: what the temperature minimises, nll (exact minimum over T in [[0.01, 100]]) or ece (the paper's grid T = 0.1, 0.2, ..., 4.0, 15-bin ECE).")]
    [DefaultValue("nll")]
    public string TsObjective { get; set; } = "nll";

    /// <summary><c>--epsilon</c>.</summary>
    [CommandOption("--epsilon <EPS>")]
    [Description("Miscoverage level in (0, 1); the credal sets contain the cloud output with probability >= 1 - eps. 'auto' chooses it without labels: 2-fold cross-fitted cloud-referenced ECE of the --select-for output over 0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5.")]
    [DefaultValue("0.1")]
    public string EpsilonText { get; set; } = "0.1";

    /// <summary>True when <c>--epsilon auto</c> asks for the label-free choice.</summary>
    public bool AutoEpsilon => string.Equals(EpsilonText.Trim(), "auto", StringComparison.OrdinalIgnoreCase);

    /// <summary><c>--select-for</c>.</summary>
    [CommandOption("--select-for <OUTPUT>")]
    [Description("The CD-CI extraction (intersection, maxent or centroid) that predict writes by default (methods cdci and distilled-ts+cdci) and that --epsilon auto / --divergence auto optimise.")]
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

    /// <summary><c>--pac-delta</c>.</summary>
    [CommandOption("--pac-delta <DELTA>")]
    [Description("PAC (training-conditional) threshold, --method cdci only: coverage >= 1 - eps holds with probability >= 1 - DELTA over the calibration draw (the order statistic of the Beta/binomial rule, METHOD.md 3.4). DELTA in (0, 1); recorded in the artifact as 'delta'.")]
    public double? PacDelta { get; set; }

    /// <summary><c>--mondrian</c>.</summary>
    [CommandOption("--mondrian")]
    [Description("Mondrian thresholds, --method cdci only: one threshold per class predicted by the edge (argmax, lowest index on ties), each the split-conformal (or, with --pac-delta, PAC) threshold of that class's calibration rows, so coverage >= 1 - eps holds within each predicted class. A class with too few rows is unbounded, with a warning. predict and evaluate use each row's own threshold; evaluate reports per-class coverage.")]
    public bool Mondrian { get; set; }

    /// <summary><c>--deployment-edge</c>.</summary>
    [CommandOption("--deployment-edge <FILE>")]
    [Description("Covariate-shift threshold, --method cdci only: unlabeled edge outputs from deployment (same format and classes as --edge; no cloud needed). A logistic density ratio on the edge log-probabilities weights the calibration scores, and each row's threshold is the weighted quantile with its own weight (Tibshirani et al. 2019). Excludes --mondrian and --pac-delta.")]
    public string? DeploymentEdge { get; set; }

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
        if (Query is not null || HasColumnOptions)
        {
            return ValidateQuery();
        }

        if (Cloud.Length == 0 && Edge.Length == 0)
        {
            return ValidationResult.Error("--cloud FILE and --edge FILE are required (or calibrate inside DuckDB with --query \"SELECT ...\" --cloud-columns ... --edge-columns ...)");
        }

        string method = Method.Trim().ToLowerInvariant();
        if (method is not ("cdci" or "distilled-ts" or "ts" or "distilled-ts+cdci" or "auto"))
        {
            return ValidationResult.Error($"--method '{Method}' is not valid; choose one of: {Services.OptionNames.Methods}");
        }

        if (method == "ts" && string.IsNullOrWhiteSpace(Labels))
        {
            return ValidationResult.Error("--method ts needs --labels FILE (the true labels of the calibration inputs)");
        }

        if (method != "ts" && Labels is not null)
        {
            return ValidationResult.Error($"--labels is only used by --method ts (got --method {method})");
        }

        if (PacDelta is double delta && !(delta > 0.0 && delta < 1.0))
        {
            return ValidationResult.Error($"--pac-delta must be a number strictly between 0 and 1 (got {delta.ToString(CultureInfo.InvariantCulture)})");
        }

        if (PacDelta is not null && method != "cdci")
        {
            return ValidationResult.Error($"--pac-delta applies to --method cdci (got --method {method})");
        }

        if ((Mondrian || DeploymentEdge is not null) && method != "cdci")
        {
            return ValidationResult.Error($"{(Mondrian ? "--mondrian" : "--deployment-edge")} applies to --method cdci (got --method {method})");
        }

        if (Mondrian && DeploymentEdge is not null)
        {
            return ValidationResult.Error("--mondrian and --deployment-edge exclude each other: choose per-class thresholds or the covariate-shift threshold");
        }

        if (DeploymentEdge is not null && PacDelta is not null)
        {
            return ValidationResult.Error("--deployment-edge cannot be combined with --pac-delta (the weighted threshold has no PAC rule)");
        }

        if (DeploymentEdge is not null && CheckMatrixPath("--deployment-edge", DeploymentEdge) is string deploymentError)
        {
            return ValidationResult.Error(deploymentError);
        }

        if (TsObjective.Trim().ToLowerInvariant() is not ("nll" or "ece"))
        {
            return ValidationResult.Error($"--ts-objective must be nll or ece (got '{TsObjective}')");
        }

        if (method is "distilled-ts+cdci" or "auto" && (AutoEpsilon || AutoDivergence))
        {
            return ValidationResult.Error($"--method {method} takes a fixed --epsilon and --divergence (the threshold around the tempered edge); 'auto' values are for --method cdci");
        }

        if (Labels is not null && CheckMatrixPath("--labels", Labels) is string labelsError)
        {
            return ValidationResult.Error(labelsError);
        }

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
