using System.Text.Json.Serialization;

namespace CredalDistill.Cli.Services;

/// <summary>The result of <c>credal monitor</c> (also its <c>--json</c> report).</summary>
public sealed class MonitorReport
{
    /// <summary>Audited pairs read.</summary>
    [JsonPropertyName("rows")]
    public long Rows { get; init; }

    /// <summary>Pairs whose cloud output was inside the credal set.</summary>
    [JsonPropertyName("covered")]
    public long Covered { get; init; }

    /// <summary>Running coverage at the end of the stream.</summary>
    [JsonPropertyName("coverage")]
    public double Coverage { get; init; }

    /// <summary>Lower end of the anytime-valid confidence sequence at the end.</summary>
    [JsonPropertyName("lower")]
    public double Lower { get; init; }

    /// <summary>Upper end of the anytime-valid confidence sequence at the end.</summary>
    [JsonPropertyName("upper")]
    public double Upper { get; init; }

    /// <summary>Natural log of the alarm's betting wealth against <c>coverage &gt;= target</c> at the end (the alarm is raised when the wealth reaches <c>1/alpha</c>).</summary>
    [JsonPropertyName("logWealth")]
    public double LogWealth { get; init; }

    /// <summary>Anytime-valid upper confidence bound on the coverage from the alarm's own betting test, at the end (below the target exactly when the wealth is at least <c>1/alpha</c>).</summary>
    [JsonPropertyName("bettingUpper")]
    public double BettingUpper { get; init; }

    /// <summary>Target coverage <c>1 - eps</c>.</summary>
    [JsonPropertyName("target")]
    public double Target { get; init; }

    /// <summary>The alarm's error level.</summary>
    [JsonPropertyName("alpha")]
    public double Alpha { get; init; }

    /// <summary>The monitored threshold (nats); null when unbounded. With a per-row threshold, the marginal one, for reference.</summary>
    [JsonPropertyName("threshold")]
    public double? Threshold { get; init; }

    /// <summary><c>marginal</c>, or <c>mondrian</c> / <c>shift</c> when each pair was checked against its row's own threshold.</summary>
    [JsonPropertyName("thresholdRule")]
    public string ThresholdRule { get; init; } = Conformal.RowThreshold.Marginal;

    /// <summary>True when coverage fell below the target with confidence <c>1 - alpha</c>.</summary>
    [JsonPropertyName("alarm")]
    public bool Alarm { get; init; }

    /// <summary>1-based row at which the alarm was raised, or null.</summary>
    [JsonPropertyName("alarmRow")]
    public long? AlarmRow { get; init; }

    /// <summary>The tracked (adaptive-conformal) threshold at the end of the stream, when <c>--refresh-out</c> was given; null otherwise.</summary>
    [JsonPropertyName("refreshedThreshold")]
    public double? RefreshedThreshold { get; init; }

    /// <summary>Miscovered rows under the tracked threshold, when <c>--refresh-out</c> was given.</summary>
    [JsonPropertyName("refreshedErrors")]
    public long? RefreshedErrors { get; init; }
}
