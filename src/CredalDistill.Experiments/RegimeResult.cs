using System.Text.Json.Serialization;

namespace CredalDistill.Experiments;

/// <summary>One edge's methods summarised over the splits of the regimes comparison.</summary>
public sealed class RegimeResult
{
    /// <summary>Task name (fmnist3, fmnist10, fortunes).</summary>
    public required string Task { get; init; }

    /// <summary>Edge model name.</summary>
    public required string Edge { get; init; }

    /// <summary>Number of classes.</summary>
    public required int Classes { get; init; }

    /// <summary>Method (<see cref="RegimeRunner.Methods"/>) to summary over splits.</summary>
    [JsonIgnore]
    public required IReadOnlyDictionary<MethodKey, MethodSummary> Methods { get; init; }

    /// <summary>Every method's per-split records, for the paired comparisons over splits (<see cref="Compare"/>); not in results.json.</summary>
    [JsonIgnore]
    public IReadOnlyList<MethodRecord> Records { get; init; } = [];

    /// <summary><c>n_test / n_fit</c> of the split plans (test inputs over calibration + labeled inputs), for <see cref="SplitComparison"/>.</summary>
    [JsonIgnore]
    public double TestToFit { get; init; }

    /// <summary>
    /// The paired comparison over splits of <paramref name="method"/> minus <paramref name="baseline"/> on <paramref name="metric"/>;
    /// null when either method or the records are missing.
    /// </summary>
    public SplitComparison? Compare(MethodKey baseline, MethodKey method, string metric = "ece") => SplitComparison.Of(Records, baseline, method, metric, TestToFit);

    /// <summary>The methods by their published names (the JSON form of <see cref="Methods"/>).</summary>
    [JsonPropertyName("Methods")]
    public IReadOnlyDictionary<string, MethodSummary> MethodsById => MethodSummary.ById(Methods);

    /// <summary>Mean test ECE of the raw edge (fraction).</summary>
    public double RawEce => Methods[RegimeRunner.Edge].Mean("ece");

    /// <summary>
    /// The entry of the <c>regimes</c> list of results.json: <c>{ task, edge, rawEce, methods: { name: { ece, eceStd,
    /// eceDebiased, ksError, accuracy, accuracyStd, nll, brier, confidence, klCloud, ... } } }</c>, every rate a fraction (coverage,
    /// setCoverage, inefficiency and setSize where they apply; temperature, regularization, epsilon, gamma (the radius, nats)
    /// where fitted; fitSeconds: the wall time of the fit, mean over splits).
    /// </summary>
    public Dictionary<string, object> ToJson()
    {
        var methods = new Dictionary<string, Dictionary<string, double>>(StringComparer.Ordinal);
        foreach (var method in RegimeRunner.Methods.Where(Methods.ContainsKey))
        {
            var entry = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var (metric, key) in JsonKeys)
            {
                if (Methods[method].Metrics.TryGetValue(metric, out var s))
                {
                    entry[key] = s.Mean;
                    if (metric is "ece" or "accuracy" or "coverage")
                    {
                        entry[key + "Std"] = s.Std;
                    }
                }
            }

            methods[method.Id] = entry;
        }

        return new Dictionary<string, object> { ["task"] = Task, ["edge"] = Edge, ["rawEce"] = RawEce, ["methods"] = methods };
    }

    private static readonly (string Metric, string Key)[] JsonKeys =
    [
        ("ece", "ece"), ("ece-debiased", "eceDebiased"), ("ks", "ksError"), ("accuracy", "accuracy"), ("nll", "nll"), ("brier", "brier"), ("confidence", "confidence"),
        ("kl-cloud", "klCloud"), ("coverage", "coverage"), ("set-size", "setSize"), ("set-coverage", "setCoverage"), ("inefficiency", "inefficiency"),
        ("temperature", "temperature"), ("regularization", "regularization"), ("epsilon", "epsilon"), ("gamma", "gamma"), ("fit-seconds", "fitSeconds"),
    ];

    /// <summary>Summary of a method, or null.</summary>
    public MethodSummary? this[MethodKey method] => Methods.TryGetValue(method, out var s) ? s : null;
}
