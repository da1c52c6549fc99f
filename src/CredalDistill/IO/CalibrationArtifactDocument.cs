using System.Text.Json.Serialization;

namespace CredalDistill.IO;

/// <summary>The JSON shape of a calibration artifact (members in file order; all nullable so that Load can say what is missing).</summary>
internal sealed class CalibrationArtifactDocument
{
    [JsonPropertyName("format")]
    public string? Format { get; set; }

    [JsonPropertyName("version")]
    public int? Version { get; set; }

    [JsonPropertyName("divergence")]
    public string? Divergence { get; set; }

    [JsonPropertyName("epsilon")]
    public double? Epsilon { get; set; }

    [JsonPropertyName("n")]
    public int? N { get; set; }

    [JsonPropertyName("classes")]
    public int? Classes { get; set; }

    [JsonPropertyName("threshold")]
    public double? Threshold { get; set; }

    [JsonPropertyName("unbounded")]
    public bool? Unbounded { get; set; }

    [JsonPropertyName("thresholdUnits")]
    public string? ThresholdUnits { get; set; }

    [JsonPropertyName("scores")]
    public ScoreSummaryDocument? Scores { get; set; }

    [JsonPropertyName("createdUtc")]
    public string? CreatedUtc { get; set; }

    [JsonPropertyName("sha256")]
    public string? Sha256 { get; set; }

    [JsonPropertyName("hmacSha256")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? HmacSha256 { get; set; }
}
