using System.Text.Json.Serialization;

namespace CredalDistill.Cli.Reporting;

/// <summary>Source-generated JSON metadata for <see cref="EvaluationReport"/> (indented, camelCase, nulls written).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(EvaluationReport))]
public sealed partial class EvaluationReportJsonContext : JsonSerializerContext
{
}
