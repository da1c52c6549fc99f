using CredalDistill.Credal;

namespace CredalDistill.Cli.Services;

/// <summary>The command-line spellings of enumerated option values.</summary>
public static class OptionNames
{
    /// <summary>Valid <c>--output</c> values, for help and messages.</summary>
    public const string Outputs = "intersection, maxent, centroid, bounds, labels, all";

    /// <summary>Valid <c>--label-rule</c> values, for help and messages.</summary>
    public const string LabelRules = "interval, maximality";

    /// <summary>Parses an <c>--output</c> value (case-insensitive).</summary>
    public static bool TryParseOutput(string? value, out PredictOutput output)
    {
        output = (value ?? string.Empty).Trim().ToLowerInvariant() switch
        {
            "intersection" => PredictOutput.Intersection,
            "maxent" => PredictOutput.MaximumEntropy,
            "centroid" => PredictOutput.Centroid,
            "bounds" => PredictOutput.Bounds,
            "labels" => PredictOutput.Labels,
            "all" => PredictOutput.All,
            _ => (PredictOutput)(-1),
        };
        return Enum.IsDefined(output);
    }

    /// <summary>Parses a <c>--label-rule</c> value (case-insensitive).</summary>
    public static bool TryParseLabelRule(string? value, out LabelSetRule rule)
    {
        switch ((value ?? string.Empty).Trim().ToLowerInvariant())
        {
            case "interval":
                rule = LabelSetRule.IntervalDominance;
                return true;
            case "maximality":
                rule = LabelSetRule.Maximality;
                return true;
            default:
                rule = LabelSetRule.IntervalDominance;
                return false;
        }
    }

    /// <summary>True when <paramref name="output"/> has a text column, so it can only be written as CSV.</summary>
    public static bool HasText(PredictOutput output) => output is PredictOutput.Labels or PredictOutput.All;
}
