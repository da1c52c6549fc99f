using System.Text.Json.Serialization;

namespace CredalDistill.IO;

/// <summary>Source-generated (reflection-free, AOT-safe) JSON metadata for the calibration artifact.</summary>
[JsonSourceGenerationOptions(
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    NumberHandling = JsonNumberHandling.Strict,
    AllowTrailingCommas = false,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow)]
[JsonSerializable(typeof(CalibrationArtifactDocument))]
internal sealed partial class CalibrationArtifactJsonContext : JsonSerializerContext
{
}
