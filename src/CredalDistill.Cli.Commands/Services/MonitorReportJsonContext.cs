using System.Text.Json.Serialization;

namespace CredalDistill.Cli.Services;

/// <summary>Source-generated JSON for <see cref="MonitorReport"/> (trimming-safe).</summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(MonitorReport))]
internal sealed partial class MonitorReportJsonContext : JsonSerializerContext;
