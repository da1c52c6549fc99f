using System.Globalization;
using System.Text.Json;
using CredalDistill.Calibration;
using static CredalDistill.IO.CalibrationArtifactDocument;

namespace CredalDistill.IO;

/// <summary>
/// The JSON codec of <see cref="CalibrationArtifact"/>: version 2 is written; version 1 files (CD-CI only) still load, as
/// method <c>cdci</c> with output <c>intersection</c> (the migration is in <see cref="FromDocument"/>). A temperature map is
/// the <c>temperature</c> object (<c>value</c>, <c>objective</c>, <c>n</c>), a vector or matrix map the <c>map</c> object; the
/// checksum and signature are <see cref="ArtifactIntegrity"/>'s. See <c>docs/FILE-FORMATS.md</c> for the field list.
/// </summary>
/// <remarks>
/// <b>Numbers.</b> <c>threshold</c> is JSON <c>null</c> exactly when <c>unbounded</c> is true (<c>gamma = +inf</c>, the credal
/// set is the whole simplex). In <c>scores</c>, <c>null</c> for min/median/max means <c>+infinity</c> (an infinite score,
/// e.g. KL with an edge probability of 0 where the cloud has mass); an infinite mean is omitted. Doubles are written in
/// their shortest round-trip form, so every fitted value (temperature, map weights, gamma) is restored bit for bit.
/// </remarks>
internal static class CalibrationArtifactJson
{
    private const int HashLength = ArtifactIntegrity.HashLength;

    private static readonly string[] TopLevelFieldsV1 =
        ["format", "version", "divergence", "epsilon", "n", "classes", "threshold", "unbounded", "thresholdUnits", "scores", "createdUtc", "sha256"];

    private static readonly string[] TopLevelFieldsV2 =
        ["format", "version", "method", "output", "divergence", "epsilon", "n", "classes", "threshold", "unbounded", "thresholdUnits", "scores", "temperature", "selection", "auto", "createdUtc", "sha256"];

    /// <summary>Optional version-2 fields: PAC <c>delta</c>, a vector or matrix <c>map</c>, and the per-row thresholds.</summary>
    private static readonly string[] OptionalFieldsV2 = ["delta", "map", "thresholds", "classCounts", "shift", ArtifactGroups.Field];

    private static readonly string[] ConformalFields = ["divergence", "epsilon", "threshold", "unbounded", "thresholdUnits", "scores"];

    private static readonly string[] ScoreFields = ["min", "median", "max"];

    /// <summary>Writes <paramref name="artifact"/> (already validated) atomically; returns the checksum.</summary>
    public static string Save(CalibrationArtifact artifact, string path, byte[]? signingKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (signingKey is not null && signingKey.Length < CalibrationArtifact.MinimumKeyLength)
        {
            throw new ArgumentException($"the signing key has {signingKey.Length} bytes; at least {CalibrationArtifact.MinimumKeyLength} are required.", nameof(signingKey));
        }

        var t = artifact.Threshold;
        var map = artifact.Map;
        var doc = new CalibrationArtifactDocument
        {
            Format = CalibrationArtifact.FormatName,
            Version = CalibrationArtifact.CurrentVersion,
            Method = artifact.Method,
            Output = CalibratedOutputNames.Name(artifact.Output),
            Divergence = t?.Divergence.Name,
            Epsilon = t?.Epsilon,
            N = artifact.N,
            Classes = artifact.Classes,
            Threshold = t is null || t.Unbounded ? null : t.Gamma,
            Unbounded = t?.Unbounded,
            ThresholdUnits = t is null ? null : CalibrationArtifact.Units,
            Scores = t is null ? null : new ScoreSummaryDocument
            {
                Min = FiniteOrNull(t.Scores.Min),
                Median = FiniteOrNull(t.Scores.Median),
                Max = FiniteOrNull(t.Scores.Max),
                Mean = t.Scores.Mean is double m && double.IsFinite(m) ? m : null,
            },
            Temperature = map.Shape == MapShape.Temperature ? new TemperatureDocument { Value = map.Temperature, Objective = MapShapes.Name(map.Objective!.Value), N = map.FitRows } : null,
            Map = map.Shape is MapShape.Vector or MapShape.Matrix ? new MapDocument
            {
                Shape = MapShapes.Name(map.Shape),
                Weights = map.Weights.ToArray(),
                Bias = map.Bias.ToArray(),
                Objective = MapShapes.Name(map.Objective!.Value),
                N = map.FitRows,
                Regularization = map.Regularization,
            } : null,
            Selection = CalibrationArtifactParts.ToDocument(artifact.Selection),
            Auto = CalibrationArtifactParts.ToDocument(artifact.Auto),
            Delta = t?.Delta,
            Thresholds = CalibrationArtifactParts.ToMondrian(t?.Rows).Thresholds,
            ClassCounts = CalibrationArtifactParts.ToMondrian(t?.Rows).Counts,
            Shift = CalibrationArtifactParts.ToShift(t?.Rows),
            Groups = ArtifactGroups.ToDocument(t?.Groups),
            CreatedUtc = artifact.CreatedUtc.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            Sha256 = new string('0', HashLength),
            HmacSha256 = signingKey is null ? null : new string('0', HashLength),
        };
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(doc, CalibrationArtifactJsonContext.Default.CalibrationArtifactDocument);
        var bytes = new byte[json.Length + 1];
        json.CopyTo(bytes, 0);
        bytes[^1] = (byte)'\n';
        var scan = Scan(bytes, path);
        string hash = ArtifactIntegrity.Seal(bytes, scan.HashOffset, scan.SignatureOffset, signingKey);
        AtomicFile.Write(path, stream => stream.Write(bytes));
        artifact.Sha256 = hash;
        artifact.SignatureVerified = signingKey is not null;
        return hash;
    }

    /// <summary>Loads and verifies an artifact (see <see cref="CalibrationArtifact.Load(string, byte[])"/>).</summary>
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
            throw Fail(path, $"not a calibration artifact: no string field 'format' (expected \"{CalibrationArtifact.FormatName}\")");
        }

        if (scan.Format != CalibrationArtifact.FormatName)
        {
            throw Fail(path, $"not a calibration artifact: format is \"{scan.Format}\", expected \"{CalibrationArtifact.FormatName}\"");
        }

        if (scan.Version is null)
        {
            throw Fail(path, "missing or non-integer field 'version'");
        }

        if (scan.Version is not (1 or CalibrationArtifact.CurrentVersion))
        {
            throw Fail(path, $"unsupported artifact version {scan.Version}; this build reads versions 1 and {CalibrationArtifact.CurrentVersion}");
        }

        var topLevelFields = scan.Version == 1 ? TopLevelFieldsV1 : TopLevelFieldsV2;
        foreach (string name in scan.Names)
        {
            if (Array.IndexOf(topLevelFields, name) < 0 && name != ArtifactIntegrity.SignatureField && !(scan.Version != 1 && Array.IndexOf(OptionalFieldsV2, name) >= 0))
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

        string stored = ArtifactIntegrity.Verify(bytes, scan.HashOffset, scan.SignatureOffset, scan.Names.Contains(ArtifactIntegrity.SignatureField), verificationKey, path);
        var artifact = FromDocument(doc, path);
        artifact.Version = scan.Version.Value;
        artifact.Sha256 = stored;
        artifact.SignatureVerified = verificationKey is not null;
        return artifact;
    }

    /// <summary>The artifact of a parsed document; version 1 migrates to method <c>cdci</c>, output <c>intersection</c>.</summary>
    private static CalibrationArtifact FromDocument(CalibrationArtifactDocument doc, string path)
    {
        bool v1 = doc.Version == 1;
        string method = v1 ? "cdci" : Required(doc.Method, "method", path);
        if (!CalibrationMethods.TryGet(method, out var entry) || !entry.Saves)
        {
            throw Fail(path, $"unknown method '{method}'; expected one of {CalibrationMethods.Names}");
        }

        string outputName = v1 ? "intersection" : Required(doc.Output, "output", path);
        if (!CalibratedOutputNames.TryParse(outputName, out var output) || !CalibratedOutputNames.IsDistribution(output))
        {
            throw Fail(path, $"field 'output' is '{outputName}'; expected calibrated, {CalibratedOutputNames.Extractions}");
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

        ArtifactThreshold? threshold = null;
        if (v1 || doc.Divergence is not null)
        {
            threshold = Conformal(doc, path);
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

        if ((doc.Delta is not null || doc.Thresholds is not null || doc.ClassCounts is not null || doc.Shift is not null || doc.Groups is not null) && threshold is null)
        {
            throw Fail(path, "fields 'delta', 'thresholds', 'classCounts', 'shift' and 'groups' need a conformal threshold ('divergence' is null)");
        }

        if (doc.Delta is double delta && !(delta > 0.0 && delta < 1.0))
        {
            throw Fail(path, $"field 'delta' is {CsvText.Format(delta)}; it must be in (0, 1)");
        }

        if (threshold is not null)
        {
            threshold = threshold with
            {
                Delta = doc.Delta,
                Rows = CalibrationArtifactParts.FromDocument(doc.Thresholds, doc.ClassCounts, doc.Shift, threshold.Divergence, threshold.Epsilon, doc.Delta, classes, n, path),
                Groups = doc.Groups is null ? null : ArtifactGroups.FromDocument(doc.Groups, n, path),
            };
        }

        string created = Required(doc.CreatedUtc, "createdUtc", path);
        if (!DateTimeOffset.TryParse(created, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var when))
        {
            throw Fail(path, $"field 'createdUtc' is not an ISO 8601 timestamp: \"{created}\"");
        }

        var artifact = new CalibrationArtifact
        {
            Method = method,
            Output = output,
            Classes = classes,
            N = n,
            Map = CalibrationArtifactParts.MapFromDocument(doc.Temperature, doc.Map, classes, path),
            Threshold = threshold,
            Selection = CalibrationArtifactParts.FromDocument(doc.Selection, path),
            Auto = CalibrationArtifactParts.FromDocument(doc.Auto, path),
            CreatedUtc = when.UtcDateTime,
        };
        return artifact.Problem() is string error ? throw Fail(path, error) : artifact;
    }

    /// <summary>The conformal keys (v1's keys, unchanged in v2): divergence, epsilon, threshold/unbounded, units, scores.</summary>
    private static ArtifactThreshold Conformal(CalibrationArtifactDocument doc, string path)
    {
        string divergenceName = Required(doc.Divergence, "divergence", path);
        if (!Divergences.Divergence.TryParse(divergenceName, out var divergence, out string? error))
        {
            throw Fail(path, $"field 'divergence': {error}");
        }

        double epsilon = Required(doc.Epsilon, "epsilon", path);
        if (!(epsilon > 0.0 && epsilon < 1.0))
        {
            throw Fail(path, $"field 'epsilon' must lie in the open interval (0, 1); got {CsvText.Format(epsilon)}");
        }

        bool unbounded = Required(doc.Unbounded, "unbounded", path);
        double gamma;
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

            gamma = t;
        }
        else
        {
            if (!unbounded)
            {
                throw Fail(path, "inconsistent: 'threshold' is null but 'unbounded' is false");
            }

            gamma = double.PositiveInfinity;
        }

        string units = Required(doc.ThresholdUnits, "thresholdUnits", path);
        if (units != CalibrationArtifact.Units)
        {
            throw Fail(path, $"field 'thresholdUnits' must be \"{CalibrationArtifact.Units}\"; got \"{units}\"");
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

        return new ArtifactThreshold { Divergence = divergence, Epsilon = epsilon, Gamma = gamma, Scores = new ArtifactScoreSummary(min, median, max, s.Mean) };
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
                    case ArtifactIntegrity.SignatureField when reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped && reader.ValueSpan.Length == HashLength && IsLowerHex(reader.ValueSpan):
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
