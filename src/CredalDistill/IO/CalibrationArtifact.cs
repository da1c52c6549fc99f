using CredalDistill.Calibration;
using CredalDistill.Validation;

namespace CredalDistill.IO;

/// <summary>
/// What a calibration method fitted, as a plain record: the method's name, the calibration map (the centre
/// <c>q = softmax(A log p + b)</c>; the identity for CD-CI), the conformal threshold around it (null for point
/// calibrations), the point output <c>predict</c> writes, and how choices were made. Written by <c>credal calibrate</c>
/// and read by every other command. The JSON form, its versions and its checksum and signature are handled apart
/// (<see cref="Save(string, byte[])"/>, <see cref="Load(string, byte[])"/>; <c>docs/FILE-FORMATS.md</c>); a fitted
/// calibrator comes from <see cref="FittedCalibrator.FromArtifact"/>.
/// </summary>
public sealed record CalibrationArtifact
{
    /// <summary>Value of the <c>format</c> field.</summary>
    public const string FormatName = "credal-distill/calibration";

    /// <summary>Value of the <c>version</c> field written by this build (version 1 is also read).</summary>
    public const int CurrentVersion = 2;

    /// <summary>Value of the <c>thresholdUnits</c> field.</summary>
    public const string Units = "nats";

    /// <summary>Shortest accepted signing key, in bytes.</summary>
    public const int MinimumKeyLength = 16;

    /// <summary>Creates an empty artifact (every required member is set by the initializer).</summary>
    public CalibrationArtifact()
    {
    }

    /// <summary>A copy (<c>with</c>): the parts are kept, the file facts (version read, checksum, signature) are not.</summary>
    private CalibrationArtifact(CalibrationArtifact original)
    {
        Method = original.Method;
        Output = original.Output;
        _classes = original._classes;
        _n = original._n;
        Map = original.Map;
        Threshold = original.Threshold;
        Selection = original.Selection;
        Auto = original.Auto;
        _created = original._created;
    }

    private readonly int _classes;
    private readonly int _n;
    private readonly DateTime _created = DateTime.UtcNow;

    /// <summary>The method's registry name (<see cref="CalibrationMethods"/>); <c>cdci</c> for a version-1 file.</summary>
    public required string Method { get; init; }

    /// <summary>The point output <c>predict</c> writes by default (a single distribution).</summary>
    public required CalibratedOutput Output { get; init; }

    /// <summary>Number of classes <c>K &gt;= 2</c>.</summary>
    public required int Classes
    {
        get => _classes;
        init
        {
            Check.Classes(value, nameof(Classes));
            _classes = value;
        }
    }

    /// <summary>Calibration rows behind the threshold (set-valued methods) or behind the map (point calibrations), at least 1.</summary>
    public required int N
    {
        get => _n;
        init
        {
            Check.Positive(value, nameof(N));
            _n = value;
        }
    }

    /// <summary>The calibration map: the centre of the credal sets and the output <c>calibrated</c>.</summary>
    public required CalibrationMap Map { get; init; }

    /// <summary>The conformal threshold around the map's output, or null for a point calibration.</summary>
    public ArtifactThreshold? Threshold { get; init; }

    /// <summary>How the divergence and eps were chosen; null for point calibrations and version-1 files.</summary>
    public ThresholdSelection? Selection { get; init; }

    /// <summary>What <c>auto</c> chose and why; null for the other methods.</summary>
    public AutoChoice? Auto { get; init; }

    /// <summary>Creation time, UTC (a local time is converted). Default: now.</summary>
    public DateTime CreatedUtc
    {
        get => _created;
        init => _created = value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : DateTime.SpecifyKind(value, DateTimeKind.Utc);
    }

    /// <summary>
    /// A CD-CI artifact (method <c>cdci</c>, the identity map, output intersection) for a threshold computed elsewhere, e.g.
    /// by a database engine over a fleet's telemetry or restored from another system.
    /// </summary>
    /// <param name="divergence">The score divergence.</param>
    /// <param name="epsilon">The miscoverage in (0, 1).</param>
    /// <param name="n">Calibration rows behind the threshold.</param>
    /// <param name="classes">Number of classes.</param>
    /// <param name="gamma">The threshold in nats (+infinity when unbounded).</param>
    /// <param name="scores">Summary of the calibration scores.</param>
    /// <param name="createdUtc">Creation time; null: now.</param>
    /// <param name="groups">Per-group thresholds (<see cref="ArtifactThreshold.Groups"/>); null for one threshold.</param>
    /// <exception cref="ArgumentException">The values do not fit together (e.g. the groups' rows do not add up to <paramref name="n"/>).</exception>
    public static CalibrationArtifact Cdci(Divergences.FDivergence divergence, double epsilon, int n, int classes, double gamma, ArtifactScoreSummary scores, DateTime? createdUtc = null, Conformal.GroupThresholds? groups = null) => new CalibrationArtifact
    {
        Method = "cdci",
        Output = CalibratedOutput.Intersection,
        Classes = classes,
        N = n,
        Map = CalibrationMap.Identity(classes),
        Threshold = new ArtifactThreshold { Divergence = divergence, Epsilon = epsilon, Gamma = gamma, Scores = scores, Groups = groups },
        Selection = ThresholdSelection.FixedChoice(divergence.Name, epsilon, "intersection"),
        CreatedUtc = createdUtc ?? DateTime.UtcNow,
    }.Validated();

    /// <summary>True when the artifact holds a conformal threshold.</summary>
    public bool HasThreshold => Threshold is not null;

    /// <summary>The artifact version read from the file (1 or 2); <see cref="CurrentVersion"/> for an artifact built in memory.</summary>
    public int Version { get; internal set; } = CurrentVersion;

    /// <summary>The SHA-256 checksum (corruption detection, not tamper-proofing) as last saved or loaded (lowercase hex), or null for an artifact never saved or loaded.</summary>
    public string? Sha256 { get; internal set; }

    /// <summary>True when the artifact was loaded with a verified HMAC signature or saved with one.</summary>
    public bool SignatureVerified { get; internal set; }

    /// <summary>Null when the parts fit together and fit the method's registry entry; otherwise the reason.</summary>
    public string? Problem()
    {
        if (!CalibrationMethods.TryGet(Method, out var method))
        {
            return $"unknown method '{Method}'; expected one of {CalibrationMethods.Names}";
        }

        if (Map.Classes != Classes)
        {
            return $"the map has {Map.Classes} classes; the artifact has {Classes}";
        }

        if (method.Check(this) is string error)
        {
            return error;
        }

        if (Threshold is { } t && Selection is not null && !Selection.Divergences.Contains(t.Divergence.Name))
        {
            return $"selection: the divergence '{t.Divergence.Name}' is not among the candidates";
        }

        if (Threshold?.Groups is not null && Method != CdciCalibrator.Method.Name)
        {
            return $"per-group thresholds need method 'cdci'; this artifact's method is '{Method}'";
        }

        return Threshold?.RowsError(Classes, N);
    }

    /// <summary>Throws when <see cref="Problem"/> finds one.</summary>
    /// <exception cref="ArgumentException">The parts do not fit; the message says why.</exception>
    public CalibrationArtifact Validated() => Problem() is string error ? throw new ArgumentException(error) : this;

    /// <summary>
    /// Writes the artifact atomically as indented UTF-8 JSON with its SHA-256 checksum; with a <paramref name="signingKey"/>
    /// also an HMAC-SHA256 signature (docs/FILE-FORMATS.md). Returns the checksum.
    /// </summary>
    /// <param name="path">Destination file.</param>
    /// <param name="signingKey">Secret key of at least <see cref="MinimumKeyLength"/> bytes, or null for an unsigned artifact.</param>
    /// <exception cref="ArgumentException">The artifact is invalid (<see cref="Problem"/>) or the key too short.</exception>
    public string Save(string path, byte[]? signingKey = null) => CalibrationArtifactJson.Save(Validated(), path, signingKey);

    /// <summary>
    /// Loads and verifies an artifact: JSON syntax, format and version, every required field and no unknown one, the
    /// checksum (and, with a <paramref name="verificationKey"/>, the signature, which must then be present), then every value
    /// and the method's shape. Version-1 files load as method <c>cdci</c> with output <c>intersection</c>.
    /// </summary>
    /// <param name="path">The artifact file.</param>
    /// <param name="verificationKey">The signing key, or null (a signature in the file is then not checked).</param>
    /// <exception cref="CalibrationArtifactException">The file is refused; the message says why.</exception>
    public static CalibrationArtifact Load(string path, byte[]? verificationKey = null) => CalibrationArtifactJson.Load(path, verificationKey);
}
