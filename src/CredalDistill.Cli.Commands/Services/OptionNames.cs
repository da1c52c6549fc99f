using CredalDistill.Credal;

namespace CredalDistill.Cli.Services;

/// <summary>The command-line spellings of the option values that are not in the core's registries (methods, outputs and divergences are).</summary>
public static class OptionNames
{
    /// <summary>Valid <c>--label-rule</c> values, for help and messages.</summary>
    public const string LabelRules = "interval, maximality";

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
}
