using System.Text.Json.Serialization;

namespace CredalDistill.IO;

/// <summary>The JSON shape of the <c>scores</c> object of a calibration artifact.</summary>
internal sealed class ScoreSummaryDocument
{
    [JsonPropertyName("min")]
    public double? Min { get; set; }

    [JsonPropertyName("median")]
    public double? Median { get; set; }

    [JsonPropertyName("max")]
    public double? Max { get; set; }

    [JsonPropertyName("mean")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Mean { get; set; }
}
