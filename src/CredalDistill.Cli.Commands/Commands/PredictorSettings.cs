using System.ComponentModel;
using CredalDistill.Credal;
using Spectre.Console.Cli;

namespace CredalDistill.Cli.Commands;

/// <summary>Options of commands that compute credal sets from a calibration artifact (<c>predict</c>, <c>evaluate</c>).</summary>
public class PredictorSettings : InputSettings
{
    /// <summary><c>--mc-samples</c>.</summary>
    [CommandOption("--mc-samples <N>")]
    [Description("Monte Carlo samples per row for the centroid when K > 3 (seeded, reproducible; K = 3 is exact). At least 20.")]
    [DefaultValue(2000)]
    public int MonteCarloSamples { get; set; } = MonteCarloOptions.Default.Samples;

    /// <summary><c>--sign-key</c>.</summary>
    [CommandOption("--sign-key <FILE>")]
    [Description("Secret key file (raw bytes, at least 16): the artifact must carry an HMAC-SHA256 signature made with it (calibrate --sign-key).")]
    public string? SignKey { get; set; }

    /// <summary>Predictor settings selected by the options.</summary>
    public CredalPredictorOptions ToPredictorOptions()
        => new() { MonteCarlo = MonteCarloOptions.Default with { Samples = MonteCarloSamples } };
}
