using System.Text.Json.Serialization;

namespace CredalDistill.Cli.Reporting;

/// <summary>
/// Source-generated JSON metadata for <see cref="EvaluationReport"/> and <see cref="ComparisonReport"/> (indented, camelCase,
/// nulls written). The NLL is exact, so it is <c>+inf</c> when a true label has probability exactly 0: such a value is written
/// as the string <c>"Infinity"</c> (JSON has no infinite number).
/// </summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(EvaluationReport))]
[JsonSerializable(typeof(ComparisonReport))]
public sealed partial class EvaluationReportJsonContext : JsonSerializerContext
{
}
