using CredalDistill.Calibration;
using CredalDistill.Credal;

namespace CredalDistill.Cli.Services;

/// <summary>The command-line spellings of enumerated option values.</summary>
public static class OptionNames
{
    /// <summary>Valid <c>--output</c> values, for help and messages.</summary>
    public const string Outputs = "tempered, intersection, maxent, centroid, bounds, labels, all";

    /// <summary>Valid <c>calibrate --method</c> values, for help and messages.</summary>
    public const string Methods = "cdci, distilled-ts, ts, distilled-ts+cdci, auto";

    /// <summary>Valid <c>--label-rule</c> values, for help and messages.</summary>
    public const string LabelRules = "interval, maximality";

    /// <summary>Parses an <c>--output</c> value (case-insensitive).</summary>
    public static bool TryParseOutput(string? value, out PredictOutput output)
    {
        output = (value ?? string.Empty).Trim().ToLowerInvariant() switch
        {
            "tempered" => PredictOutput.Tempered,
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

    /// <summary>The command-line spelling of an <c>--output</c> kind.</summary>
    public static string Name(PredictOutput output) => output switch
    {
        PredictOutput.Tempered => "tempered",
        PredictOutput.MaximumEntropy => "maxent",
        PredictOutput.Centroid => "centroid",
        PredictOutput.Bounds => "bounds",
        PredictOutput.Labels => "labels",
        PredictOutput.All => "all",
        _ => "intersection",
    };

    /// <summary>The <c>--output</c> kind of an artifact's default output.</summary>
    public static PredictOutput FromCalibrated(CalibratedOutput output) => output switch
    {
        CalibratedOutput.Calibrated => PredictOutput.Tempered,
        CalibratedOutput.MaximumEntropy => PredictOutput.MaximumEntropy,
        CalibratedOutput.Centroid => PredictOutput.Centroid,
        _ => PredictOutput.Intersection,
    };

    /// <summary>True when <paramref name="output"/> has a text column, so it can only be written as CSV.</summary>
    public static bool HasText(PredictOutput output) => output is PredictOutput.Labels or PredictOutput.All;
}
