using System.Globalization;
using System.Text.Json.Serialization;
using CredalDistill.Conformal;

namespace CredalDistill.IO;

/// <summary>
/// The artifact's optional top-level <c>groups</c> object (version 2): one threshold per group value,
/// <c>{ "&lt;group value&gt;": { "n": ..., "threshold": ... (null = unbounded), "unbounded": ..., "scores": { "min", "median", "max", "mean" } } }</c>,
/// and its conversion to and from <see cref="GroupThresholds"/>. Kept apart from <see cref="CalibrationArtifact"/>,
/// which only hands the object over.
/// </summary>
internal static class ArtifactGroups
{
    /// <summary>The JSON field name.</summary>
    public const string Field = "groups";

    /// <summary>The <c>groups</c> object of <paramref name="groups"/>, or null.</summary>
    public static Dictionary<string, GroupDocument>? ToDocument(GroupThresholds? groups)
    {
        if (groups is null)
        {
            return null;
        }

        var doc = new Dictionary<string, GroupDocument>(StringComparer.Ordinal);
        foreach (var (key, g) in groups.Groups)
        {
            doc.Add(key, new GroupDocument
            {
                N = g.N,
                Threshold = g.IsUnbounded ? null : g.Gamma,
                Unbounded = g.IsUnbounded,
                Scores = new ScoreSummaryDocument
                {
                    Min = FiniteOrNull(g.Scores.Min),
                    Median = FiniteOrNull(g.Scores.Median),
                    Max = FiniteOrNull(g.Scores.Max),
                    Mean = g.Scores.Mean is double m && double.IsFinite(m) ? m : null,
                },
            });
        }

        return doc;
    }

    /// <summary>The groups of a loaded <c>groups</c> object, validated (each group, and their rows adding up to the artifact's <paramref name="n"/>).</summary>
    /// <exception cref="CalibrationArtifactException">A missing or invalid value.</exception>
    public static GroupThresholds FromDocument(Dictionary<string, GroupDocument> doc, int n, string path)
    {
        var groups = new List<KeyValuePair<string, GroupThreshold>>();
        foreach (var (key, g) in doc)
        {
            string where = $"groups.\"{key}\"";
            if (g is null)
            {
                throw Fail(path, $"field '{where}' must be an object");
            }

            int rows = g.N ?? throw Fail(path, $"field '{where}.n' must not be null");
            bool unbounded = g.Unbounded ?? throw Fail(path, $"field '{where}.unbounded' must not be null");
            var s = g.Scores ?? throw Fail(path, $"field '{where}.scores' must be an object");
            if (unbounded != (g.Threshold is null))
            {
                throw Fail(path, $"inconsistent: '{where}.threshold' must be null exactly when '{where}.unbounded' is true");
            }

            double min = s.Min ?? double.PositiveInfinity;
            double median = s.Median ?? double.PositiveInfinity;
            double max = s.Max ?? double.PositiveInfinity;
            if (ArtifactScoreSummary.Validate(min, median, max, s.Mean) is string scoreError)
            {
                throw Fail(path, $"field '{where}.{scoreError}");
            }

            try
            {
                groups.Add(new(key, new GroupThreshold(rows, g.Threshold ?? double.PositiveInfinity, new ArtifactScoreSummary(min, median, max, s.Mean))));
            }
            catch (ArgumentException ex)
            {
                throw Fail(path, $"field '{where}': {ex.Message}");
            }
        }

        if (groups.Count == 0)
        {
            throw Fail(path, "field 'groups' must hold at least one group");
        }

        var result = new GroupThresholds(groups);
        if (result.TotalRows != n)
        {
            throw Fail(path, string.Create(CultureInfo.InvariantCulture, $"the groups' rows add up to {result.TotalRows}, but 'n' is {n}"));
        }

        return result;
    }

    /// <summary>Null when <paramref name="groups"/> fit a threshold of <paramref name="n"/> rows, otherwise the reason.</summary>
    public static string? Error(GroupThresholds groups, int n, bool rowThreshold)
    {
        if (rowThreshold)
        {
            return "per-group thresholds exclude a Mondrian or covariate-shift threshold";
        }

        return groups.TotalRows == n ? null : string.Create(CultureInfo.InvariantCulture, $"the groups' rows add up to {groups.TotalRows}, but the artifact's n is {n}");
    }

    private static double? FiniteOrNull(double v) => double.IsPositiveInfinity(v) ? null : v;

    private static CalibrationArtifactException Fail(string path, string problem) => new(path, problem, null);

    /// <summary>One group of the <c>groups</c> object.</summary>
    internal sealed class GroupDocument
    {
        [JsonPropertyName("n")]
        public int? N { get; set; }

        [JsonPropertyName("threshold")]
        public double? Threshold { get; set; }

        [JsonPropertyName("unbounded")]
        public bool? Unbounded { get; set; }

        [JsonPropertyName("scores")]
        public ScoreSummaryDocument? Scores { get; set; }
    }
}
