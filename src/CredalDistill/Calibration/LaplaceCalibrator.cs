using System.Globalization;
using CredalDistill.Baselines;
using CredalDistill.IO;
using CredalDistill.Validation;

namespace CredalDistill.Calibration;

/// <summary>
/// Last-layer Laplace (<see cref="LastLayerLaplace"/>): a Gaussian posterior over the last layer's weights, prior precision tuned
/// by NLL on the labelled calibration rows, predictive by the probit approximation. Needs labels and
/// <see cref="CalibrationData.Features"/>. It reads last-layer features, not edge outputs, so it is not serialisable to a
/// calibration artifact.
/// </summary>
public sealed class LaplaceCalibrator : Calibrator
{
    /// <summary>The registry entry <c>laplace-kfac</c>.</summary>
    internal static CalibrationMethod Kronecker { get; } = Entry(LastLayerLaplaceKind.KroneckerFactored, "Kronecker-factored");

    /// <summary>The registry entry <c>laplace-diag</c>.</summary>
    internal static CalibrationMethod Diagonal { get; } = Entry(LastLayerLaplaceKind.Diagonal, "diagonal");

    /// <summary>The registry entry <c>laplace-full</c>.</summary>
    internal static CalibrationMethod Full { get; } = Entry(LastLayerLaplaceKind.Full, "full");

    /// <summary>The posterior's covariance structure. Default Kronecker-factored.</summary>
    public LastLayerLaplaceKind Kind { get; init; } = LastLayerLaplaceKind.KroneckerFactored;

    /// <inheritdoc />
    public override string Name => NameOf(Kind);

    /// <summary><c>laplace-kfac</c>, <c>laplace-diag</c> or <c>laplace-full</c>.</summary>
    public static string NameOf(LastLayerLaplaceKind kind) => kind switch
    {
        LastLayerLaplaceKind.Diagonal => "laplace-diag",
        LastLayerLaplaceKind.Full => "laplace-full",
        _ => "laplace-kfac",
    };

    private static CalibrationMethod Entry(LastLayerLaplaceKind kind, string structure) => new(
        NameOf(kind),
        $"last-layer Laplace ({structure} GGN posterior, prior precision tuned on the labels, probit predictive); reads last-layer features, so it is not saved.",
        _ => new LaplaceCalibrator { Kind = kind })
    {
        NeedsLabels = true,
        NeedsFeatures = true,
        Saves = false,
        Maps = [],
    };

    /// <inheritdoc />
    private protected override FittedCalibrator FitCore(CalibrationData data, CancellationToken cancellationToken)
    {
        if (!data.HasLabels || data.Features is null)
        {
            throw new ArgumentException($"{Name} needs the calibration rows' labels and last-layer features (CalibrationData.Features); {(data.HasLabels ? "no features" : "no labels")} were given.", nameof(data));
        }

        var f = data.Features;
        var fitted = LastLayerLaplace.Fit(Kind, f.Values.Span, f.Dimension, f.Weights.Span, f.Bias.Span, data.Labels.Span, cancellationToken);
        return new Fitted(Name, fitted, data.Rows);
    }

    private sealed class Fitted(string name, LastLayerLaplace laplace, int n) : FittedCalibrator
    {
        public override string Name => name;

        public override int Classes => laplace.Classes;

        public override int N => n;

        public override CalibratedOutput Output => CalibratedOutput.Calibrated;

        public override bool RequiresFeatures => true;

        public override IReadOnlyList<CalibratorParameter> Parameters =>
        [
            new("kind", name),
            new("prior precision", laplace.PriorPrecision.ToString("R", CultureInfo.InvariantCulture)),
        ];

        public override void Calibrate(EdgeRow edge, Span<double> destination, int row = 0) => throw NeedsFeatures();

        public override void Calibrate(EdgeRow edge, ReadOnlySpan<double> features, Span<double> destination, int row = 0)
        {
            Check.SameLength(laplace.Dimension, features.Length, nameof(features));
            Check.DestinationLength(Classes, destination.Length, nameof(destination));
            laplace.Predict(features, destination);
        }

        public override ProbabilityMatrix Calibrate(ProbabilityMatrix edge, CancellationToken cancellationToken = default, IProgress<double>? progress = null) => throw NeedsFeatures();

        public override ProbabilityMatrix Calibrate(ProbabilityMatrix edge, ReadOnlyMemory<double> features, CancellationToken cancellationToken = default, IProgress<double>? progress = null)
        {
            CheckEdge(edge);
            Check.SameLength(edge.Rows * laplace.Dimension, features.Length, nameof(features));
            var result = laplace.Predict(features.Span, cancellationToken);
            progress?.Report(1.0);
            return result;
        }

        public override CalibrationArtifact ToArtifact()
            => throw new NotSupportedException($"{name} cannot be saved as a calibration artifact: it applies to last-layer features, not to edge outputs.");

        private InvalidOperationException NeedsFeatures() => new($"{name} applies to last-layer features; call the overload that takes the features of each row.");
    }
}
