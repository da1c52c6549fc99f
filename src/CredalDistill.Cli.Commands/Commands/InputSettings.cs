using CredalDistill.IO;
using System.ComponentModel;
using CredalDistill.Cli.Services;
using Spectre.Console.Cli;

namespace CredalDistill.Cli.Commands;

/// <summary>Options of commands that read probability matrices.</summary>
public class InputSettings : CommonSettings
{
    /// <summary><c>--logits</c>.</summary>
    [CommandOption("--logits")]
    [Description("Every input matrix holds logits (same as --edge-logits, plus --cloud-logits where a cloud matrix is read). Logits stay logits: the exact kernels and scores use the log-softmax, so near-one-hot rows keep their exact credal sets.")]
    [DefaultValue(false)]
    public bool Logits { get; set; }

    /// <summary><c>--edge-logits</c>.</summary>
    [CommandOption("--edge-logits")]
    [Description("The edge matrix holds logits (log-softmax kept end to end).")]
    [DefaultValue(false)]
    public bool EdgeLogits { get; set; }

    /// <summary><c>--cloud-logits</c>.</summary>
    [CommandOption("--cloud-logits")]
    [Description("The cloud matrix holds logits (log-softmax kept for the scores).")]
    [DefaultValue(false)]
    public bool CloudLogits { get; set; }

    /// <summary><c>--renormalize</c>.</summary>
    [CommandOption("--renormalize")]
    [Description("Divide each probability row by its sum instead of rejecting rows that do not sum to 1 (within 1e-6).")]
    [DefaultValue(false)]
    public bool Renormalize { get; set; }

    /// <summary>Null when <paramref name="samples"/> is a valid Monte Carlo sample count, otherwise the error message.</summary>
    protected static string? CheckSamples(int samples)
        => samples >= 20 ? null : $"--mc-samples must be at least 20 (got {samples})";

    /// <summary>Null unless <c>--cloud-logits</c> was given to <paramref name="command"/>, which reads no cloud matrix (its help leaves the option out).</summary>
    protected string? RejectCloudLogits(string command)
        => CloudLogits ? $"--cloud-logits: '{command}' reads no cloud matrix; use --edge-logits (or --logits) for edge logits" : null;

    /// <summary>The input options these settings select.</summary>
    public InputOptions ToInputOptions() => new(Logits || EdgeLogits, Logits || CloudLogits, Renormalize);

    /// <summary>Null when <paramref name="path"/> has a registered matrix extension (<see cref="MatrixFormats"/>; with <paramref name="parquet"/> false, CSV or NPY only), otherwise the error message.</summary>
    protected static string? CheckMatrixPath(string option, string? path, bool parquet = true)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return $"{option} needs a file name";
        }

        if (Directory.Exists(path))
        {
            return $"{option} '{path}' is a folder; give a file (.csv, .npy{(parquet ? " or .parquet" : string.Empty)}) inside it";
        }

        var format = MatrixFormats.Find(path);
        bool ok = format is not null && (parquet || format == MatrixFormats.Csv || format == MatrixFormats.Npy);
        return ok ? null : $"{option} '{path}': unsupported file type; supported extensions: {(parquet ? MatrixFormats.Extensions : ".csv, .npy")}";
    }
}
