using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CredalDistill.Calibration;
using CredalDistill.Conformal;
using CredalDistill.Credal;
using CredalDistill.Divergences;
using CredalDistill.Validation;

namespace CredalDistill.IO;

/// <summary>
/// The JSON artifact written by <c>credal calibrate</c>: a fitted calibration method (<c>method</c>), its temperature, its
/// conformal threshold <c>gamma</c> (nats) and how they were obtained. Version 2 is written; version 1 files (CD-CI only) still
/// load, as method <c>cdci</c> with output <c>intersection</c>. See <c>docs/FILE-FORMATS.md</c> for the field list.
/// </summary>
/// <remarks>
/// <para>
/// <b>Checksum.</b> <c>sha256</c> is the lowercase hexadecimal SHA-256 of the file's exact bytes in which the
/// 64 characters of the <c>sha256</c> value itself (between its quotes) are replaced by 64 ASCII <c>'0'</c>
/// characters. <see cref="Save(string)"/> writes the file with that placeholder, hashes the bytes and patches the
/// hash in place (same length, so nothing else moves); <see cref="Load(string)"/> reverses it. Any edit of the file,
/// including reformatting, therefore invalidates the checksum. It detects accidental corruption (truncation, bit rot,
/// an editor's reformatting), not deliberate tampering: anyone can recompute it after an edit.
/// </para>
/// <para>
/// <b>Numbers.</b> <c>threshold</c> is JSON <c>null</c> exactly when <c>unbounded</c> is true (<c>gamma = +inf</c>,
/// the credal set is the whole simplex). In <c>scores</c>, <c>null</c> for min/median/max means <c>+infinity</c>
/// (an infinite score, e.g. KL with an edge probability of 0 where the cloud has mass); an infinite mean is omitted.
/// </para>
/// </remarks>
public sealed class CalibrationArtifact
{
    /// <summary>Value of the <c>format</c> field.</summary>
    public const string FormatName = "credal-distill/calibration";

    /// <summary>Value of the <c>version</c> field written by this build (version 1 is also read).</summary>
    public const int CurrentVersion = 2;

    /// <summary>Value of the <c>thresholdUnits</c> field.</summary>
    public const string Units = "nats";

    private const int HashLength = 64;

    private static readonly string[] TopLevelFieldsV1 =
        ["format", "version", "divergence", "epsilon", "n", "classes", "threshold", "unbounded", "thresholdUnits", "scores", "createdUtc", "sha256"];

    private static readonly string[] TopLevelFieldsV2 =
        ["format", "version", "method", "output", "divergence", "epsilon", "n", "classes", "threshold", "unbounded", "thresholdUnits", "scores", "temperature", "selection", "auto", "createdUtc", "sha256"];

    private static readonly string[] ConformalFields = ["divergence", "epsilon", "threshold", "unbounded", "thresholdUnits", "scores"];

    private static readonly string[] ScoreFields = ["min", "median", "max"];

    /// <summary>Optional top-level fields: the HMAC signature of a signed artifact.</summary>
    private const string SignatureField = "hmacSha256";

    /// <summary>Optional top-level field of a PAC threshold (version 2): the failure probability <c>delta</c>.</summary>
    private const string DeltaField = "delta";

    /// <summary>Optional top-level fields of a per-row threshold (version 2): Mondrian by predicted class, or covariate shift.</summary>
    private static readonly string[] RowThresholdFields = ["thresholds", "classCounts", "shift", ArtifactGroups.Field];

    /// <summary>Shortest accepted signing key, in bytes.</summary>
    public const int MinimumKeyLength = 16;

    /// <summary>Creates a CD-CI artifact (method <c>cdci</c>, output <c>intersection</c>, divergence and eps fixed), validating every value.</summary>
    /// <param name="divergence">Divergence name accepted by <see cref="Divergences.Divergence.TryParse"/> (e.g. <c>kl</c>, <c>alpha:0.9</c>).</param>
    /// <param name="epsilon">Miscoverage level in (0, 1).</param>
    /// <param name="n">Number of calibration samples (at least 1).</param>
    /// <param name="classes">Number of classes (at least 2).</param>
    /// <param name="threshold">The threshold <c>gamma &gt;= 0</c> in nats, or +infinity (unbounded).</param>
    /// <param name="scores">Summary of the calibration scores.</param>
    /// <param name="createdUtc">Creation time (converted to UTC); null means now.</param>
    public CalibrationArtifact(string divergence, double epsilon, int n, int classes, double threshold, ArtifactScoreSummary scores, DateTime? createdUtc = null)
        : this(CalibratorNames.Cdci, CalibratedOutput.Intersection, n, classes, divergence ?? throw new ArgumentNullException(nameof(divergence)), epsilon, threshold, scores ?? throw new ArgumentNullException(nameof(scores)), null, ThresholdSelection.FixedChoice(divergence, epsilon, "intersection"), null, createdUtc)
    {
    }

    /// <summary>Creates an artifact of any serialisable method, validating every value and the method's shape.</summary>
    /// <param name="method">One of <see cref="CalibratorNames.Serialisable"/>.</param>
    /// <param name="output">The point output applied by <c>predict</c>.</param>
    /// <param name="n">Calibration rows behind the threshold (set-valued methods) or the temperature (point-only methods).</param>
    /// <param name="classes">Number of classes (at least 2).</param>
    /// <param name="divergence">The threshold's divergence; null for point-only methods (<c>ts</c>, <c>distilled-ts</c>).</param>
    /// <param name="epsilon">The threshold's miscoverage in (0, 1); null exactly when <paramref name="divergence"/> is.</param>
    /// <param name="threshold">gamma in nats (+infinity when unbounded); null exactly when <paramref name="divergence"/> is.</param>
    /// <param name="scores">Summary of the calibration scores; null exactly when <paramref name="divergence"/> is.</param>
    /// <param name="temperature">The fitted temperature, or null (CD-CI).</param>
    /// <param name="selection">How the divergence and eps were chosen; null for point-only methods.</param>
    /// <param name="auto">What <c>auto</c> chose and why (method <c>auto</c> only).</param>
    /// <param name="createdUtc">Creation time (converted to UTC); null means now.</param>
    public CalibrationArtifact(string method, CalibratedOutput output, int n, int classes, string? divergence, double? epsilon, double? threshold, ArtifactScoreSummary? scores, TemperatureFit? temperature, ThresholdSelection? selection, AutoChoice? auto, DateTime? createdUtc = null)
    {
        ArgumentNullException.ThrowIfNull(method);
        if (Validate(method, output, divergence, epsilon, threshold, scores, temperature, selection, auto) is string error)
        {
            throw new ArgumentException(error, nameof(method));
        }

        Check.Positive(n, nameof(n));
        Check.Classes(classes);
        if (epsilon is double eps)
        {
            Check.Epsilon(eps);
        }

        if (threshold is double gamma)
        {
            Check.Gamma(gamma, nameof(threshold));
        }

        Method = method;
        Output = output;
        Divergence = divergence ?? string.Empty;
        Epsilon = epsilon ?? double.NaN;
        N = n;
        Classes = classes;
        Threshold = threshold ?? double.NaN;
        Scores = scores;
        Temperature = temperature;
        Selection = selection;
        Auto = auto;
        DateTime created = createdUtc ?? DateTime.UtcNow;
        CreatedUtc = created.Kind == DateTimeKind.Local ? created.ToUniversalTime() : DateTime.SpecifyKind(created, DateTimeKind.Utc);
    }

    /// <summary>The method name (<see cref="CalibratorNames"/>); <c>cdci</c> for a version-1 file.</summary>
    public string Method { get; }

    /// <summary>The point output <c>predict</c> writes by default.</summary>
    public CalibratedOutput Output { get; }

    /// <summary>True when the artifact holds a conformal threshold (every method except <c>ts</c> and <c>distilled-ts</c>).</summary>
    public bool HasThreshold => Divergence.Length > 0;

    /// <summary>The fitted temperature, or null (CD-CI, version-1 files).</summary>
    public TemperatureFit? Temperature { get; }

    /// <summary>How the divergence and eps were chosen; null for point-only methods and version-1 files (which did not record it).</summary>
    public ThresholdSelection? Selection { get; }

    /// <summary>
    /// Null for the marginal split-conformal threshold; for a PAC (training-conditional) threshold the probability
    /// <c>delta</c>, over calibration sets, that coverage falls below <c>1 - eps</c> (METHOD.md 3.4; JSON <c>delta</c>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not in (0, 1), or set on an artifact without a threshold.</exception>
    public double? Delta
    {
        get => _delta;
        init
        {
            if (value is double d && !(d > 0.0 && d < 1.0 && HasThreshold))
            {
                throw new ArgumentOutOfRangeException(nameof(Delta), value, HasThreshold ? "delta must be in (0, 1)." : "a point calibration has no threshold, so no delta.");
            }

            _delta = value;
        }
    }

    private readonly double? _delta;

    /// <summary>
    /// Null when one threshold serves every row; otherwise the per-row threshold (method <c>cdci</c> only): a
    /// <see cref="MondrianThreshold"/> (JSON <c>thresholds</c>: one threshold per predicted class, null = unbounded, and
    /// <c>classCounts</c>: the calibration rows of each) or a <see cref="Shift.CovariateShiftThreshold"/> (JSON <c>shift</c>: the density ratio's parameters and the sorted
    /// scores with their weights). <see cref="Threshold"/> and <see cref="Scores"/> then describe the marginal threshold of all
    /// calibration scores, kept for reference; <c>predict</c> and <c>evaluate</c> use each row's own threshold.
    /// </summary>
    /// <exception cref="ArgumentException">The threshold does not match the artifact (method, divergence, eps, classes, n).</exception>
    public RowThreshold? RowThreshold
    {
        get => _rowThreshold;
        init
        {
            if (value is not null && (HasThreshold ? (_groups is null ? RowThresholdError(value, Method, Divergence, Epsilon, Classes, N, Delta) : "per-group thresholds exclude a per-row threshold") : "a point calibration has no threshold, so no per-row threshold") is string error)
            {
                throw new ArgumentException(error, nameof(RowThreshold));
            }

            _rowThreshold = value;
        }
    }

    private readonly RowThreshold? _rowThreshold;

    /// <summary>
    /// Null when one threshold serves every row; otherwise one threshold per value of a group column (JSON <c>groups</c>,
    /// written by the engines' <c>calibrate --query ... --group-by</c>; method <c>cdci</c>, no <see cref="RowThreshold"/>).
    /// <see cref="Threshold"/>, <see cref="N"/> and <see cref="Scores"/> then describe all calibration rows together (the pooled
    /// threshold); <c>predict --group COLUMN</c> applies each row's group threshold.
    /// </summary>
    /// <exception cref="ArgumentException">The groups do not fit the artifact (method, per-row threshold, rows).</exception>
    public GroupThresholds? Groups
    {
        get => _groups;
        init
        {
            if (value is not null && ArtifactGroups.Error(value, Method, HasThreshold, N, _rowThreshold is not null) is string error)
            {
                throw new ArgumentException(error, nameof(Groups));
            }

            _groups = value;
        }
    }

    private readonly GroupThresholds? _groups;

    /// <summary>What <c>auto</c> chose and why; null for the other methods.</summary>
    public AutoChoice? Auto { get; }

    /// <summary>The artifact version read from the file (1 or 2); <see cref="CurrentVersion"/> for an artifact built in memory.</summary>
    public int Version { get; private set; } = CurrentVersion;

    /// <summary>The calibrator this artifact describes, ready to apply to edge outputs.</summary>
    /// <param name="options">Settings of the credal predictor (Monte Carlo samples, parallelism); null for the defaults.</param>
    public FittedCalibrator ToCalibrator(CredalPredictorOptions? options = null) => new TemperedCredalCalibration(this, options);

    /// <summary>The threshold's divergence name as stored (parse it with <see cref="CreateDivergence"/>); empty when <see cref="HasThreshold"/> is false.</summary>
    public string Divergence { get; }

    /// <summary>Miscoverage level <c>eps</c> in (0, 1); NaN when <see cref="HasThreshold"/> is false.</summary>
    public double Epsilon { get; }

    /// <summary>Calibration rows behind the threshold (set-valued methods) or the temperature (point-only methods).</summary>
    public int N { get; }

    /// <summary>Number of classes.</summary>
    public int Classes { get; }

    /// <summary>The threshold <c>gamma</c> in nats; <see cref="double.PositiveInfinity"/> when <see cref="Unbounded"/>; NaN when <see cref="HasThreshold"/> is false.</summary>
    public double Threshold { get; }

    /// <summary>True when the threshold is infinite (credal set = whole simplex).</summary>
    public bool Unbounded => double.IsPositiveInfinity(Threshold);

    /// <summary>Summary of the calibration scores (nats); null when <see cref="HasThreshold"/> is false.</summary>
    public ArtifactScoreSummary? Scores { get; }

    /// <summary>Creation time, UTC.</summary>
    public DateTime CreatedUtc { get; }

    /// <summary>The SHA-256 checksum (corruption detection, not tamper-proofing) as last saved or loaded (lowercase hex), or null for an artifact never saved or loaded.</summary>
    public string? Sha256 { get; private set; }

    /// <summary>The divergence instance named by <see cref="Divergence"/>.</summary>
    /// <exception cref="InvalidOperationException">The artifact has no threshold (point-only method).</exception>
    public IDivergence CreateDivergence() => HasThreshold ? Divergences.Divergence.Parse(Divergence) : throw new InvalidOperationException($"the {Method} artifact is a point calibration; it has no divergence or threshold.");

    /// <summary>True when the artifact was loaded with a verified HMAC signature or saved with one.</summary>
    public bool SignatureVerified { get; private set; }

    /// <summary>Writes the artifact atomically as indented UTF-8 JSON (no BOM) with its SHA-256 checksum; returns the checksum.</summary>
    public string Save(string path) => Save(path, null);

    /// <summary>
    /// Writes the artifact like <see cref="Save(string)"/>; with a <paramref name="signingKey"/> it also writes
    /// <c>hmacSha256</c>, the HMAC-SHA256 under that key of the file bytes with both the <c>sha256</c> and the
    /// <c>hmacSha256</c> values replaced by 64 <c>'0'</c> characters (the checksum then covers the signature).
    /// </summary>
    /// <param name="path">Destination file.</param>
    /// <param name="signingKey">Secret key of at least <see cref="MinimumKeyLength"/> bytes, or null for an unsigned artifact.</param>
    public string Save(string path, byte[]? signingKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (signingKey is not null && signingKey.Length < MinimumKeyLength)
        {
            throw new ArgumentException($"the signing key has {signingKey.Length} bytes; at least {MinimumKeyLength} are required.", nameof(signingKey));
        }

        var doc = new CalibrationArtifactDocument
        {
            Format = FormatName,
            Version = CurrentVersion,
            Method = Method,
            Output = CalibratedOutputNames.Name(Output),
            Divergence = HasThreshold ? Divergence : null,
            Epsilon = HasThreshold ? Epsilon : null,
            N = N,
            Classes = Classes,
            Threshold = HasThreshold && !Unbounded ? Threshold : null,
            Unbounded = HasThreshold ? Unbounded : null,
            ThresholdUnits = HasThreshold ? Units : null,
            Scores = Scores is null ? null : new ScoreSummaryDocument
            {
                Min = FiniteOrNull(Scores.Min),
                Median = FiniteOrNull(Scores.Median),
                Max = FiniteOrNull(Scores.Max),
                Mean = Scores.Mean is double m && double.IsFinite(m) ? m : null,
            },
            Temperature = CalibrationArtifactParts.ToDocument(Temperature),
            Selection = CalibrationArtifactParts.ToDocument(Selection),
            Auto = CalibrationArtifactParts.ToDocument(Auto),
            Delta = Delta,
            Thresholds = CalibrationArtifactParts.ToMondrian(RowThreshold).Thresholds,
            ClassCounts = CalibrationArtifactParts.ToMondrian(RowThreshold).Counts,
            Shift = CalibrationArtifactParts.ToShift(RowThreshold),
            Groups = ArtifactGroups.ToDocument(Groups),
            CreatedUtc = CreatedUtc.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            Sha256 = new string('0', HashLength),
            HmacSha256 = signingKey is null ? null : new string('0', HashLength),
        };
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(doc, CalibrationArtifactJsonContext.Default.CalibrationArtifactDocument);
        var bytes = new byte[json.Length + 1];
        json.CopyTo(bytes, 0);
        bytes[^1] = (byte)'\n';
        var scan = Scan(bytes, path);
        if (signingKey is not null)
        {
            string signature = Convert.ToHexStringLower(HMACSHA256.HashData(signingKey, bytes));
            Encoding.ASCII.GetBytes(signature, bytes.AsSpan(scan.SignatureOffset, HashLength));
        }

        string hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
        Encoding.ASCII.GetBytes(hash, bytes.AsSpan(scan.HashOffset, HashLength));
        AtomicFile.Write(path, stream => stream.Write(bytes));
        Sha256 = hash;
        SignatureVerified = signingKey is not null;
        return hash;
    }

    /// <summary>
    /// Loads and verifies an artifact: JSON syntax, <c>format</c>, <c>version</c>, every required field present and
    /// no unknown field, field types, the checksum, then value ranges (divergence name, <c>epsilon</c> in (0, 1),
    /// <c>n &gt;= 1</c>, <c>classes &gt;= 2</c>, <c>threshold &gt;= 0</c> or null exactly when <c>unbounded</c>,
    /// <c>thresholdUnits = "nats"</c>, ordered scores, ISO 8601 <c>createdUtc</c>).
    /// </summary>
    /// <exception cref="CalibrationArtifactException">The file is refused; the message says why.</exception>
    public static CalibrationArtifact Load(string path) => Load(path, null);

    /// <summary>
    /// Loads like <see cref="Load(string)"/>; with a <paramref name="verificationKey"/> the artifact must also carry an
    /// <c>hmacSha256</c> signature made with that key (compared in constant time), otherwise it is refused. Without a
    /// key, a signature present in the file is not checked (<see cref="SignatureVerified"/> stays false).
    /// </summary>
    /// <param name="path">The artifact file.</param>
    /// <param name="verificationKey">The signing key, or null.</param>
    /// <exception cref="CalibrationArtifactException">The file is refused; the message says why.</exception>
    public static CalibrationArtifact Load(string path, byte[]? verificationKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length == 0)
        {
            throw Fail(path, "the file is empty; expected a calibration artifact (JSON)");
        }

        var scan = Scan(bytes, path);
        if (scan.Format is null)
        {
            throw Fail(path, $"not a calibration artifact: no string field 'format' (expected \"{FormatName}\")");
        }

        if (scan.Format != FormatName)
        {
            throw Fail(path, $"not a calibration artifact: format is \"{scan.Format}\", expected \"{FormatName}\"");
        }

        if (scan.Version is null)
        {
            throw Fail(path, "missing or non-integer field 'version'");
        }

        if (scan.Version is not (1 or CurrentVersion))
        {
            throw Fail(path, $"unsupported artifact version {scan.Version}; this build reads versions 1 and {CurrentVersion}");
        }

        var topLevelFields = scan.Version == 1 ? TopLevelFieldsV1 : TopLevelFieldsV2;
        foreach (string name in scan.Names)
        {
            if (Array.IndexOf(topLevelFields, name) < 0 && name != SignatureField && !((name == DeltaField || Array.IndexOf(RowThresholdFields, name) >= 0) && scan.Version != 1))
            {
                throw Fail(path, $"unknown field '{name}'");
            }
        }

        CalibrationArtifactDocument doc;
        try
        {
            doc = JsonSerializer.Deserialize(bytes, CalibrationArtifactJsonContext.Default.CalibrationArtifactDocument)
                ?? throw Fail(path, "the JSON value is null; expected an object");
        }
        catch (JsonException ex)
        {
            string field = ex.Path?.TrimStart('$', '.') ?? string.Empty;
            string problem = ex.Path is null ? "a field has an invalid value or type"
                : ex.Message.Contains("could not be mapped", StringComparison.Ordinal) ? $"unknown field '{field}'"
                : $"field '{field}' has an invalid value or type";
            throw new CalibrationArtifactException(path, problem, ex.LineNumber is long l ? (int)l + 1 : null, ex);
        }

        foreach (string name in topLevelFields)
        {
            if (!scan.Names.Contains(name))
            {
                throw Fail(path, $"missing field '{name}'");
            }
        }

        foreach (string name in ScoreFields)
        {
            if (doc.Scores is not null && !scan.ScoreNames.Contains(name))
            {
                throw Fail(path, $"missing field 'scores.{name}'");
            }
        }

        if (scan.HashOffset < 0)
        {
            throw Fail(path, $"field 'sha256' must be a string of {HashLength} lowercase hexadecimal digits");
        }

        string stored = Encoding.ASCII.GetString(bytes, scan.HashOffset, HashLength);
        var copy = (byte[])bytes.Clone();
        copy.AsSpan(scan.HashOffset, HashLength).Fill((byte)'0');
        string actual = Convert.ToHexStringLower(SHA256.HashData(copy));
        if (!string.Equals(stored, actual, StringComparison.Ordinal))
        {
            throw Fail(path, "checksum mismatch: the sha256 checksum does not match the content (the file was corrupted or edited); re-run calibrate");
        }

        if (scan.Names.Contains(SignatureField) && scan.SignatureOffset < 0)
        {
            throw Fail(path, $"field '{SignatureField}' must be a string of {HashLength} lowercase hexadecimal digits");
        }

        if (verificationKey is not null)
        {
            if (scan.SignatureOffset < 0)
            {
                throw Fail(path, $"the artifact is not signed (no '{SignatureField}' field), but a signing key was given; re-run calibrate with the key");
            }

            copy.AsSpan(scan.SignatureOffset, HashLength).Fill((byte)'0');
            byte[] expected = HMACSHA256.HashData(verificationKey, copy);
            byte[] given = Convert.FromHexString(Encoding.ASCII.GetString(bytes, scan.SignatureOffset, HashLength));
            if (!CryptographicOperations.FixedTimeEquals(expected, given))
            {
                throw Fail(path, "signature mismatch: the artifact was not signed with this key, or it was modified and re-checksummed");
            }
        }

        var artifact = FromDocument(doc, path);
        artifact.Version = scan.Version.Value;
        artifact.Sha256 = stored;
        artifact.SignatureVerified = verificationKey is not null;
        return artifact;
    }

    private static CalibrationArtifact FromDocument(CalibrationArtifactDocument doc, string path)
    {
        bool v1 = doc.Version == 1;
        string method = v1 ? CalibratorNames.Cdci : Required(doc.Method, "method", path);
        if (!CalibratorNames.Serialisable.Contains(method))
        {
            throw Fail(path, $"unknown method '{method}'; expected one of {string.Join(", ", CalibratorNames.Serialisable)}");
        }

        string outputName = v1 ? "intersection" : Required(doc.Output, "output", path);
        if (!CalibratedOutputNames.TryParse(outputName, out var output))
        {
            throw Fail(path, $"field 'output' is '{outputName}'; expected tempered, intersection, maxent or centroid");
        }

        int n = Required(doc.N, "n", path);
        if (n < 1)
        {
            throw Fail(path, $"field 'n' must be at least 1; got {n}");
        }

        int classes = Required(doc.Classes, "classes", path);
        if (classes < 2)
        {
            throw Fail(path, $"field 'classes' must be at least 2; got {classes}");
        }

        if (classes > InputLimits.MaxColumns)
        {
            throw Fail(path, $"field 'classes' is {classes}; at most {InputLimits.MaxColumns} classes are supported");
        }

        string? divergence = null;
        double? epsilon = null;
        double? threshold = null;
        ArtifactScoreSummary? scores = null;
        if (v1 || doc.Divergence is not null)
        {
            (divergence, epsilon, threshold, scores) = Conformal(doc, path);
        }
        else if (ConformalFields.FirstOrDefault(f => f switch
        {
            "epsilon" => doc.Epsilon is not null,
            "threshold" => doc.Threshold is not null,
            "unbounded" => doc.Unbounded is not null,
            "thresholdUnits" => doc.ThresholdUnits is not null,
            "scores" => doc.Scores is not null,
            _ => false,
        }) is string stray)
        {
            throw Fail(path, $"field '{stray}' must be null when 'divergence' is null (a point calibration has no threshold)");
        }

        string created = Required(doc.CreatedUtc, "createdUtc", path);
        if (!DateTimeOffset.TryParse(created, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var when))
        {
            throw Fail(path, $"field 'createdUtc' is not an ISO 8601 timestamp: \"{created}\"");
        }

        var temperature = CalibrationArtifactParts.FromDocument(doc.Temperature, path);
        var selection = CalibrationArtifactParts.FromDocument(doc.Selection, path);
        var auto = CalibrationArtifactParts.FromDocument(doc.Auto, path);
        if (Validate(method, output, divergence, epsilon, threshold, scores, temperature, selection, auto) is string error)
        {
            throw Fail(path, error);
        }

        if (doc.Delta is double delta && !(delta > 0.0 && delta < 1.0 && divergence is not null))
        {
            throw Fail(path, divergence is null ? "field 'delta' needs a conformal threshold ('divergence' is null)" : $"field 'delta' is {Check.Format(delta)}; it must be in (0, 1)");
        }

        RowThreshold? rows = null;
        if (doc.Thresholds is not null || doc.ClassCounts is not null || doc.Shift is not null)
        {
            if (divergence is null)
            {
                throw Fail(path, "fields 'thresholds', 'classCounts' and 'shift' need a conformal threshold ('divergence' is null)");
            }

            rows = CalibrationArtifactParts.FromDocument(doc.Thresholds, doc.ClassCounts, doc.Shift, Divergences.Divergence.Parse(divergence), epsilon!.Value, doc.Delta, classes, n, path);
        }

        if (rows is not null && RowThresholdError(rows, method, divergence!, epsilon!.Value, classes, n, doc.Delta) is string rowError)
        {
            throw Fail(path, rowError);
        }

        var groups = doc.Groups is null ? null : ArtifactGroups.FromDocument(doc.Groups, n, path);
        if (groups is not null && ArtifactGroups.Error(groups, method, divergence is not null, n, rows is not null) is string groupError)
        {
            throw Fail(path, groupError);
        }

        return new CalibrationArtifact(method, output, n, classes, divergence, epsilon, threshold, scores, temperature, selection, auto, when.UtcDateTime) { Delta = doc.Delta, RowThreshold = rows, Groups = groups };
    }

    /// <summary>Null when <paramref name="rows"/> fits an artifact of these values, otherwise the reason.</summary>
    private static string? RowThresholdError(RowThreshold rows, string method, string divergence, double epsilon, int classes, int n, double? delta)
    {
        if (method != CalibratorNames.Cdci)
        {
            return $"a Mondrian or covariate-shift threshold needs method 'cdci'; this artifact's method is '{method}'";
        }

        if (rows.Divergence.Name != divergence || rows.Epsilon != epsilon || rows.Classes != classes || rows.N != n)
        {
            return string.Create(CultureInfo.InvariantCulture, $"the per-row threshold ({rows.Divergence.Name}, eps = {rows.Epsilon:R}, K = {rows.Classes}, n = {rows.N}) does not match the artifact ({divergence}, eps = {epsilon:R}, K = {classes}, n = {n})");
        }

        return rows is MondrianThreshold m && m.Delta != delta ? "the Mondrian thresholds' delta does not match the artifact's 'delta'" : null;
    }

    /// <summary>The conformal keys (v1's keys, unchanged in v2): divergence, epsilon, threshold/unbounded, units, scores.</summary>
    private static (string Divergence, double Epsilon, double Threshold, ArtifactScoreSummary Scores) Conformal(CalibrationArtifactDocument doc, string path)
    {
        string divergence = Required(doc.Divergence, "divergence", path);
        if (!Divergences.Divergence.TryParse(divergence, out _, out string? error))
        {
            throw Fail(path, $"field 'divergence': {error}");
        }

        double epsilon = Required(doc.Epsilon, "epsilon", path);
        if (!(epsilon > 0.0 && epsilon < 1.0))
        {
            throw Fail(path, $"field 'epsilon' must lie in the open interval (0, 1); got {CsvText.Format(epsilon)}");
        }

        bool unbounded = Required(doc.Unbounded, "unbounded", path);
        double threshold;
        if (doc.Threshold is double t)
        {
            if (unbounded)
            {
                throw Fail(path, "inconsistent: 'unbounded' is true but 'threshold' is a number (it must be null)");
            }

            if (!(t >= 0.0) || !double.IsFinite(t))
            {
                throw Fail(path, $"field 'threshold' must be a finite number >= 0 (nats) or null; got {CsvText.Format(t)}");
            }

            threshold = t;
        }
        else
        {
            if (!unbounded)
            {
                throw Fail(path, "inconsistent: 'threshold' is null but 'unbounded' is false");
            }

            threshold = double.PositiveInfinity;
        }

        string units = Required(doc.ThresholdUnits, "thresholdUnits", path);
        if (units != Units)
        {
            throw Fail(path, $"field 'thresholdUnits' must be \"{Units}\"; got \"{units}\"");
        }

        var s = doc.Scores ?? throw Fail(path, "field 'scores' must be an object");
        double min = s.Min ?? double.PositiveInfinity;
        double median = s.Median ?? double.PositiveInfinity;
        double max = s.Max ?? double.PositiveInfinity;
        string? scoreError = ArtifactScoreSummary.Validate(min, median, max, s.Mean);
        if (scoreError is not null)
        {
            throw Fail(path, "field " + scoreError);
        }

        return (divergence, epsilon, threshold, new ArtifactScoreSummary(min, median, max, s.Mean));
    }

    /// <summary>Null when the parts fit the method, otherwise the reason (shared by the constructor and Load).</summary>
    private static string? Validate(string method, CalibratedOutput output, string? divergence, double? epsilon, double? threshold, ArtifactScoreSummary? scores, TemperatureFit? temperature, ThresholdSelection? selection, AutoChoice? auto)
    {
        if (!CalibratorNames.Serialisable.Contains(method))
        {
            return $"unknown method '{method}'; expected one of {string.Join(", ", CalibratorNames.Serialisable)}";
        }

        bool set = divergence is not null;
        if (set != epsilon.HasValue || set != threshold.HasValue || set != (scores is not null))
        {
            return "divergence, epsilon, threshold and scores must be given together (set-valued methods) or all be null (point calibrations)";
        }

        if (set && !Divergences.Divergence.TryParse(divergence, out _, out string? divergenceError))
        {
            return "divergence: " + divergenceError;
        }

        bool point = method is CalibratorNames.Ts or CalibratorNames.DistilledTs;
        if (point == set)
        {
            return point ? $"method '{method}' is a point calibration; it has no divergence or threshold" : $"method '{method}' needs a divergence and a threshold";
        }

        if (!set && output != CalibratedOutput.Tempered)
        {
            return $"method '{method}' has no credal set; its output must be 'tempered'";
        }

        if (output == CalibratedOutput.Tempered && temperature is null)
        {
            return "output 'tempered' needs a temperature";
        }

        string? expectedObjective = method switch
        {
            CalibratorNames.Cdci => null,
            CalibratorNames.Ts => "nll or ece",
            CalibratorNames.DistilledTs or CalibratorNames.TwoStage => TemperatureFit.DistilledKl,
            _ => "any",
        };
        if (expectedObjective is null && temperature is not null)
        {
            return "method 'cdci' does not temper; 'temperature' must be null";
        }

        if (expectedObjective is not (null or "any") && (temperature is null || !expectedObjective.Contains(temperature.Objective, StringComparison.Ordinal)))
        {
            return $"method '{method}' needs a temperature with objective {expectedObjective}";
        }

        if ((method == CalibratorNames.Auto) != (auto is not null))
        {
            return method == CalibratorNames.Auto ? "method 'auto' needs the 'auto' record (what was chosen and why)" : $"'auto' must be null for method '{method}'";
        }

        if (set && selection is not null && !selection.Divergences.Contains(divergence!))
        {
            return $"selection: the divergence '{divergence}' is not among the candidates";
        }

        return null;
    }

    private static T Required<T>(T? value, string name, string path)
        where T : class
        => value ?? throw Fail(path, $"field '{name}' must not be null");

    private static T Required<T>(T? value, string name, string path)
        where T : struct
        => value ?? throw Fail(path, $"field '{name}' must not be null");

    private static double? FiniteOrNull(double v) => double.IsPositiveInfinity(v) ? null : v;

    private static CalibrationArtifactException Fail(string path, string problem) => new(path, problem, null);

    /// <summary>
    /// Syntax check and structural scan: the root is an object; collects top-level and <c>scores</c> member names
    /// (rejecting duplicates), the <c>format</c> and <c>version</c> values and the byte offset of the sha256 value.
    /// </summary>
    private static ScanResult Scan(byte[] bytes, string path)
    {
        var result = new ScanResult();
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, AllowTrailingCommas = false });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw Fail(path, "the root JSON value must be an object");
            }

            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == 0)
                {
                    break;
                }

                string name = reader.GetString()!;
                if (!result.Names.Add(name))
                {
                    throw new CalibrationArtifactException(path, $"duplicate field '{name}'", Line(bytes, reader.TokenStartIndex));
                }

                reader.Read();
                switch (name)
                {
                    case "format" when reader.TokenType == JsonTokenType.String:
                        result.Format = reader.GetString();
                        break;
                    case "version" when reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out int v):
                        result.Version = v;
                        break;
                    case "sha256" when reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped && reader.ValueSpan.Length == HashLength && IsLowerHex(reader.ValueSpan):
                        result.HashOffset = (int)reader.TokenStartIndex + 1;
                        break;
                    case SignatureField when reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped && reader.ValueSpan.Length == HashLength && IsLowerHex(reader.ValueSpan):
                        result.SignatureOffset = (int)reader.TokenStartIndex + 1;
                        break;
                    case "scores" when reader.TokenType == JsonTokenType.StartObject:
                        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                        {
                            string inner = reader.GetString()!;
                            if (!result.ScoreNames.Add(inner))
                            {
                                throw new CalibrationArtifactException(path, $"duplicate field 'scores.{inner}'", Line(bytes, reader.TokenStartIndex));
                            }

                            reader.Read();
                            reader.Skip();
                        }

                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            if (reader.Read())
            {
                throw Fail(path, "unexpected content after the JSON object");
            }
        }
        catch (JsonException ex)
        {
            throw new CalibrationArtifactException(path, "not valid JSON: " + ex.Message, ex.LineNumber is long l ? (int)l + 1 : null, ex);
        }
        catch (InvalidOperationException ex)
        {
            // Utf8JsonReader.GetString on a name or value that is not valid UTF-8 (found by fuzzing).
            throw new CalibrationArtifactException(path, "not valid JSON: a string is not valid UTF-8", null, ex);
        }

        return result;
    }

    private static bool IsLowerHex(ReadOnlySpan<byte> value)
    {
        foreach (byte b in value)
        {
            if (!((b >= (byte)'0' && b <= (byte)'9') || (b >= (byte)'a' && b <= (byte)'f')))
            {
                return false;
            }
        }

        return true;
    }

    private static int Line(byte[] bytes, long offset) => bytes.AsSpan(0, (int)offset).Count((byte)'\n') + 1;

    private sealed class ScanResult
    {
        public HashSet<string> Names { get; } = new(StringComparer.Ordinal);

        public HashSet<string> ScoreNames { get; } = new(StringComparer.Ordinal);

        public string? Format { get; set; }

        public int? Version { get; set; }

        public int HashOffset { get; set; } = -1;

        public int SignatureOffset { get; set; } = -1;
    }
}
