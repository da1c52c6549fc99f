using System.Text.Json.Serialization;

namespace CredalDistill.IO;

/// <summary>The JSON shape of a calibration artifact, version 1 or 2 (<c>map</c> and the per-row threshold fields optional) (members in file order; all nullable so that Load can say what is missing).</summary>
internal sealed class CalibrationArtifactDocument
{
    [JsonPropertyName("format")]
    public string? Format { get; set; }

    [JsonPropertyName("version")]
    public int? Version { get; set; }

    [JsonPropertyName("method")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Method { get; set; }

    [JsonPropertyName("output")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Output { get; set; }

    [JsonPropertyName("divergence")]
    public string? Divergence { get; set; }

    [JsonPropertyName("epsilon")]
    public double? Epsilon { get; set; }

    [JsonPropertyName("n")]
    public int? N { get; set; }

    [JsonPropertyName("classes")]
    public int? Classes { get; set; }

    [JsonPropertyName("threshold")]
    public double? Threshold { get; set; }

    [JsonPropertyName("unbounded")]
    public bool? Unbounded { get; set; }

    [JsonPropertyName("thresholdUnits")]
    public string? ThresholdUnits { get; set; }

    [JsonPropertyName("scores")]
    public ScoreSummaryDocument? Scores { get; set; }

    [JsonPropertyName("temperature")]
    public TemperatureDocument? Temperature { get; set; }

    [JsonPropertyName("map")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public MapDocument? Map { get; set; }

    [JsonPropertyName("selection")]
    public SelectionDocument? Selection { get; set; }

    [JsonPropertyName("auto")]
    public AutoDocument? Auto { get; set; }

    [JsonPropertyName("createdUtc")]
    public string? CreatedUtc { get; set; }

    [JsonPropertyName("sha256")]
    public string? Sha256 { get; set; }

    [JsonPropertyName("delta")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Delta { get; set; }

    [JsonPropertyName("thresholds")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double?[]? Thresholds { get; set; }

    [JsonPropertyName("classCounts")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int[]? ClassCounts { get; set; }

    [JsonPropertyName("shift")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ShiftDocument? Shift { get; set; }

    [JsonPropertyName("groups")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, ArtifactGroups.GroupDocument>? Groups { get; set; }

    [JsonPropertyName("hmacSha256")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? HmacSha256 { get; set; }

    /// <summary>The <c>temperature</c> object.</summary>
    internal sealed class TemperatureDocument
    {
        [JsonPropertyName("value")]
        public double? Value { get; set; }

        [JsonPropertyName("objective")]
        public string? Objective { get; set; }

        [JsonPropertyName("n")]
        public int? N { get; set; }
    }

    /// <summary>The <c>map</c> object of a vector or matrix map (a temperature map is the <c>temperature</c> object).</summary>
    internal sealed class MapDocument
    {
        [JsonPropertyName("shape")]
        public string? Shape { get; set; }

        [JsonPropertyName("weights")]
        public double[]? Weights { get; set; }

        [JsonPropertyName("bias")]
        public double[]? Bias { get; set; }

        [JsonPropertyName("objective")]
        public string? Objective { get; set; }

        [JsonPropertyName("n")]
        public int? N { get; set; }

        [JsonPropertyName("regularization")]
        public double? Regularization { get; set; }
    }

    /// <summary>The <c>selection</c> object.</summary>
    internal sealed class SelectionDocument
    {
        [JsonPropertyName("mode")]
        public string? Mode { get; set; }

        [JsonPropertyName("output")]
        public string? Output { get; set; }

        [JsonPropertyName("divergences")]
        public string[]? Divergences { get; set; }

        [JsonPropertyName("epsilons")]
        public double[]? Epsilons { get; set; }

        [JsonPropertyName("scores")]
        public double[][]? Scores { get; set; }

        [JsonPropertyName("folds")]
        public int? Folds { get; set; }

        [JsonPropertyName("seed")]
        public ulong? Seed { get; set; }
    }

    /// <summary>The <c>auto</c> object.</summary>
    internal sealed class AutoDocument
    {
        [JsonPropertyName("chosen")]
        public string? Chosen { get; set; }

        [JsonPropertyName("chosenIndex")]
        public int? ChosenIndex { get; set; }

        [JsonPropertyName("criterion")]
        public string? Criterion { get; set; }

        [JsonPropertyName("reason")]
        public string? Reason { get; set; }

        [JsonPropertyName("minimumAgreement")]
        public double? MinimumAgreement { get; set; }

        [JsonPropertyName("candidates")]
        public CandidateDocument[]? Candidates { get; set; }
    }

    /// <summary>One entry of <c>auto.candidates</c>.</summary>
    internal sealed class CandidateDocument
    {
        [JsonPropertyName("method")]
        public string? Method { get; set; }

        [JsonPropertyName("divergence")]
        public string? Divergence { get; set; }

        [JsonPropertyName("epsilon")]
        public double? Epsilon { get; set; }

        [JsonPropertyName("output")]
        public string? Output { get; set; }

        [JsonPropertyName("score")]
        public double? Score { get; set; }

        [JsonPropertyName("agreement")]
        public double? Agreement { get; set; }
    }

    /// <summary>The <c>shift</c> object: the density ratio's parameters and the sorted calibration scores with their weights.</summary>
    internal sealed class ShiftDocument
    {
        [JsonPropertyName("deploymentRows")]
        public int? DeploymentRows { get; set; }

        [JsonPropertyName("logPriorRatio")]
        public double? LogPriorRatio { get; set; }

        [JsonPropertyName("featureMean")]
        public double[]? FeatureMean { get; set; }

        [JsonPropertyName("featureScale")]
        public double[]? FeatureScale { get; set; }

        [JsonPropertyName("coefficients")]
        public double[]? Coefficients { get; set; }

        [JsonPropertyName("scores")]
        public double?[]? Scores { get; set; }

        [JsonPropertyName("weights")]
        public double[]? Weights { get; set; }
    }
}
