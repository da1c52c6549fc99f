using CredalDistill.Calibration;
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

    /// <summary><c>--method</c>: its help lists the registry's methods (<see cref="CalibrationMethods"/>).</summary>
    [CommandOption("--method <METHOD>")]
    [RegistryDescription("Calibration method: {method-summaries}")]
    [DefaultValue("cdci")]
    public string Method { get; set; } = "cdci";

    /// <summary><c>--labels</c>.</summary>
    [CommandOption("--labels <FILE>")]
    [RegistryDescription("True labels of the calibration inputs (.csv or .npy), one class index per row: required by the methods that fit to labels ({label-methods}), not used by the others.")]
    public string? Labels { get; set; }

    /// <summary><c>--ts-objective</c>.</summary>
    [CommandOption("--ts-objective <OBJECTIVE>")]
    [Description("With --method ts: what the temperature minimises, nll (exact minimum over T in [0.01, 100]) or ece (the paper's grid T = 0.1, 0.2, ..., 4.0, 15-bin ECE).")]
    [DefaultValue("nll")]
    public string TsObjective { get; set; } = "nll";

    /// <summary><c>--regularization</c>.</summary>
    [CommandOption("--regularization <LAMBDA>")]
    [Description("Vector and matrix maps (distilled-vs, distilled-ms, vs, ms and their +cdci): the penalty weight lam >= 0 on the intercepts and (matrix) the off-diagonal weights, the diagonal free; or 'auto' (the default for those methods): chosen by 5-fold cross-fitting over 1e-4, 1e-3, ..., 10 (the held-out mean KL to the cloud, or NLL for labels; ties: the smallest).")]
    public string? Regularization { get; set; }

    /// <summary>The parsed <c>--regularization</c>: null for auto or absent.</summary>
    public double? RegularizationValue => Regularization is null || Regularization.Trim().Equals("auto", StringComparison.OrdinalIgnoreCase)
        ? null
        : double.Parse(Regularization, NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary><c>--epsilon</c>.</summary>
    [CommandOption("--epsilon <EPS>")]
    [Description("Miscoverage level in (0, 1); the credal sets contain the cloud output with probability >= 1 - eps. 'auto' chooses it without labels: 2-fold cross-fitted cloud-referenced ECE of the --select-for output over 0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5.")]
    [DefaultValue("0.1")]
    public string EpsilonText { get; set; } = "0.1";

    /// <summary>True when <c>--epsilon auto</c> asks for the label-free choice.</summary>
    public bool AutoEpsilon => string.Equals(EpsilonText.Trim(), "auto", StringComparison.OrdinalIgnoreCase);

    /// <summary><c>--select-for</c>.</summary>
    [CommandOption("--select-for <OUTPUT>")]
    [Description("The point output a set-valued method's artifact records (what predict writes by default): intersection, maxent or centroid for cdci (default intersection; also what --epsilon auto / --divergence auto optimise); calibrated (the map's output, the default) or an extraction for a map followed by cdci (distilled-ts+cdci, ...).")]
    public string? SelectFor { get; set; }

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
    [Description("PAC (training-conditional) threshold, --method cdci only: coverage >= 1 - eps holds with probability >= 1 - DELTA over the calibration draw (the order statistic of the Beta/binomial rule, docs/METHOD.md section 3.4). DELTA in (0, 1); recorded in the artifact as 'delta'.")]
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

    /// <summary>The <c>--method</c> entry of the registry (valid after <see cref="Validate"/>).</summary>
    public CalibrationMethod Entry => CalibrationMethods.Get(Method.Trim().ToLowerInvariant());

    /// <summary>Every method-specific option: its flag, the registry setting it sets, and whether it was given.</summary>
    private IEnumerable<(string Flag, string Setting, bool Given)> MethodSpecific()
    {
        yield return ("--pac-delta", MethodOptionNames.Delta, PacDelta is not null);
        yield return ("--mondrian", MethodOptionNames.Mondrian, Mondrian);
        yield return ("--deployment-edge", MethodOptionNames.DeploymentEdge, DeploymentEdge is not null);
        yield return ("--ts-objective", MethodOptionNames.Objective, !string.Equals(TsObjective.Trim(), "nll", StringComparison.OrdinalIgnoreCase));
        yield return ("--regularization", MethodOptionNames.Regularization, Regularization is not null);
    }

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
        if (!CalibrationMethods.TryGet(method, out var entry) || !entry.Saves)
        {
            return ValidationResult.Error($"--method '{Method}' is not valid; choose one of: {CalibrationMethods.Names}");
        }

        if (entry.NeedsLabels && string.IsNullOrWhiteSpace(Labels))
        {
            return ValidationResult.Error($"--method {method} needs --labels FILE (the true labels of the calibration inputs)");
        }

        if (!entry.NeedsLabels && Labels is not null)
        {
            return ValidationResult.Error($"--labels is only used by methods that fit to labels ({string.Join(", ", CalibrationMethods.Saved.Where(m => m.NeedsLabels).Select(m => m.Name))}); got --method {method}");
        }

        foreach (var (flag, setting, given) in MethodSpecific())
        {
            if (given && !entry.Reads(setting))
            {
                return ValidationResult.Error($"{flag} applies to --method {string.Join(" or ", CalibrationMethods.Saved.Where(m => m.Reads(setting)).Select(m => m.Name))} (got --method {method})");
            }
        }

        if (Regularization is not null && !Regularization.Trim().Equals("auto", StringComparison.OrdinalIgnoreCase)
            && !(double.TryParse(Regularization, NumberStyles.Float, CultureInfo.InvariantCulture, out double lam) && lam >= 0.0 && double.IsFinite(lam)))
        {
            return ValidationResult.Error($"--regularization must be 'auto' or a finite number >= 0 (got '{Regularization}')");
        }

        if (PacDelta is double delta && !(delta > 0.0 && delta < 1.0))
        {
            return ValidationResult.Error($"--pac-delta must be a number strictly between 0 and 1 (got {delta.ToString(CultureInfo.InvariantCulture)})");
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

        if (!MapShapes.TryParse(TsObjective.Trim().ToLowerInvariant(), out MapObjective objective) || objective == MapObjective.DistilledKullbackLeibler)
        {
            return ValidationResult.Error($"--ts-objective must be nll or ece (got '{TsObjective}')");
        }

        if (Labels is not null && CheckMatrixPath("--labels", Labels) is string labelsError)
        {
            return ValidationResult.Error(labelsError);
        }

        if (!AutoEpsilon && !(Epsilon > 0.0 && Epsilon < 1.0))
        {
            return ValidationResult.Error($"--epsilon must be a number strictly between 0 and 1, or auto (got '{EpsilonText}')");
        }

        if (SelectFor is not null && (!CalibratedOutputNames.TryParse(SelectFor, out var output) || !CalibratedOutputNames.IsDistribution(output)))
        {
            return ValidationResult.Error($"--select-for must be one of calibrated, {CalibratedOutputNames.Extractions} (got '{SelectFor}')");
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

    /// <summary>
    /// The registry settings these options give (<paramref name="deployment"/>: the loaded <c>--deployment-edge</c>);
    /// 'auto' for --epsilon or --divergence leaves it null (chosen without labels).
    /// </summary>
    public MethodOptions ToMethodOptions(ProbabilityMatrix? deployment) => new()
    {
        Divergence = AutoDivergence ? null : Divergences.Divergence.Parse(Divergence),
        Epsilon = AutoEpsilon ? null : Epsilon,
        Output = SelectFor is not null && CalibratedOutputNames.TryParse(SelectFor, out var output) ? output : null,
        Objective = MapShapes.TryParse(TsObjective.Trim().ToLowerInvariant(), out MapObjective objective) ? objective : MapObjective.NegativeLogLikelihood,
        Regularization = RegularizationValue,
        Delta = PacDelta,
        Mondrian = Mondrian,
        DeploymentEdge = deployment,
    };
}
