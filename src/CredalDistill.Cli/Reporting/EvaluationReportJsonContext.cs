using System.Text.Json.Serialization;

namespace CredalDistill.Cli.Reporting;

/// <summary>Source-generated JSON metadata for <see cref="EvaluationReport"/> and <see cref="ComparisonReport"/> (indented, camelCase, nulls written).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(EvaluationReport))]
[JsonSerializable(typeof(ComparisonReport))]
public sealed partial class EvaluationReportJsonContext : JsonSerializerContext
{
}
