using System.Text.Json.Serialization;

namespace CredalDistill.Experiments;

/// <summary>Mean and standard deviation of one metric over splits.</summary>
/// <param name="Mean">Mean over splits.</param>
/// <param name="Std">Sample standard deviation over splits (0 for one split).</param>
/// <param name="Count">Number of splits.</param>
public sealed record MetricSummary(double Mean, double Std, int Count)
{
    /// <summary>Mean and sample standard deviation (0 for one value) of <paramref name="values"/>.</summary>
    public static MetricSummary Of(IReadOnlyCollection<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        double mean = values.Average();
        double var = values.Count > 1 ? values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1) : 0.0;
        return new MetricSummary(mean, Math.Sqrt(var), values.Count);
    }
}

/// <summary>A method's metrics summarised over splits.</summary>
/// <param name="Method">The method and its settings (written to JSON as its <see cref="MethodKey.Id"/>).</param>
/// <param name="Metrics">Metric name to summary.</param>
public sealed record MethodSummary([property: JsonIgnore] MethodKey Method, IReadOnlyDictionary<string, MetricSummary> Metrics)
{
    /// <summary>The method's stable id, the <c>Method</c> field of results.json.</summary>
    [JsonPropertyName("Method")]
    [JsonPropertyOrder(-1)]
    public string Id => Method.Id;

    /// <summary>Summarises the records of one method.</summary>
    public static MethodSummary From(MethodKey method, IEnumerable<MethodRecord> records)
    {
        var byMetric = new Dictionary<string, List<double>>();
        foreach (var r in records)
        {
            foreach (var (name, value) in r.Values)
            {
                if (double.IsNaN(value))
                {
                    continue;
                }

                if (!byMetric.TryGetValue(name, out var list))
                {
                    byMetric[name] = list = [];
                }

                list.Add(value);
            }
        }

        var metrics = new SortedDictionary<string, MetricSummary>(StringComparer.Ordinal);
        foreach (var (name, values) in byMetric)
        {
            metrics[name] = MetricSummary.Of(values);
        }

        return new MethodSummary(method, metrics);
    }

    /// <summary>Mean of a metric, or NaN when absent.</summary>
    public double Mean(string metric) => Metrics.TryGetValue(metric, out var s) ? s.Mean : double.NaN;

    /// <summary>The summaries of every method in <paramref name="records"/>, in order of first appearance.</summary>
    public static Dictionary<MethodKey, MethodSummary> ByMethod(IEnumerable<MethodRecord> records) =>
        records.GroupBy(r => r.Method).ToDictionary(g => g.Key, g => From(g.Key, g.OrderBy(r => r.Split)));

    /// <summary>The JSON form of a method table: <see cref="MethodKey.Id"/> to summary, in the table's order.</summary>
    public static Dictionary<string, MethodSummary> ById(IReadOnlyDictionary<MethodKey, MethodSummary> methods)
    {
        ArgumentNullException.ThrowIfNull(methods);
        var byId = new Dictionary<string, MethodSummary>(StringComparer.Ordinal);
        foreach (var (key, summary) in methods)
        {
            byId.Add(key.Id, summary);
        }

        return byId;
    }
}
