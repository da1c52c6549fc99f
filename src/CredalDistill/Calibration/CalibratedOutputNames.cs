namespace CredalDistill.Calibration;

/// <summary>The stable names and properties of <see cref="CalibratedOutput"/> (artifact field <c>output</c>, CLI <c>--output</c>).</summary>
public static class CalibratedOutputNames
{
    /// <summary>Every name, in documentation order, for help texts.</summary>
    public static string All { get; } = string.Join(", ", Enum.GetValues<CalibratedOutput>().Select(Name));

    /// <summary>The names of the distributions extracted from a credal set (<c>intersection, maxent, centroid</c>), for help texts.</summary>
    public static string Extractions { get; } = string.Join(", ", Enum.GetValues<CalibratedOutput>().Where(IsExtraction).Select(Name));

    /// <summary>The stable name: <c>calibrated</c>, <c>intersection</c>, <c>maxent</c>, <c>centroid</c>, <c>bounds</c>, <c>labels</c> or <c>all</c>.</summary>
    public static string Name(CalibratedOutput output) => output switch
    {
        CalibratedOutput.Calibrated => "calibrated",
        CalibratedOutput.Intersection => "intersection",
        CalibratedOutput.MaximumEntropy => "maxent",
        CalibratedOutput.Centroid => "centroid",
        CalibratedOutput.Bounds => "bounds",
        CalibratedOutput.LabelSet => "labels",
        CalibratedOutput.All => "all",
        _ => throw new ArgumentOutOfRangeException(nameof(output), output, "Unknown calibrated output."),
    };

    /// <summary>Parses a name (case-insensitive, surrounding blanks ignored; <c>tempered</c> is an alias of <c>calibrated</c>); false for anything else.</summary>
    public static bool TryParse(string? name, out CalibratedOutput output)
    {
        string n = (name ?? string.Empty).Trim().ToLowerInvariant();
        if (n == "tempered")
        {
            output = CalibratedOutput.Calibrated;
            return true;
        }

        foreach (var o in Enum.GetValues<CalibratedOutput>())
        {
            if (Name(o) == n)
            {
                output = o;
                return true;
            }
        }

        output = CalibratedOutput.Calibrated;
        return false;
    }

    /// <summary>True for a single distribution per row (<c>calibrated</c>, <c>intersection</c>, <c>maxent</c>, <c>centroid</c>): what a method's point output can be.</summary>
    public static bool IsDistribution(CalibratedOutput output) => output <= CalibratedOutput.Centroid;

    /// <summary>True for a distribution extracted from the credal set (<c>intersection</c>, <c>maxent</c>, <c>centroid</c>).</summary>
    public static bool IsExtraction(CalibratedOutput output) => output is CalibratedOutput.Intersection or CalibratedOutput.MaximumEntropy or CalibratedOutput.Centroid;

    /// <summary>True when the output needs a credal set (a conformal threshold): everything but <c>calibrated</c>.</summary>
    public static bool NeedsSet(CalibratedOutput output) => output != CalibratedOutput.Calibrated;

    /// <summary>True when the output has a text column (label sets), so it can only be written as a text table.</summary>
    public static bool HasText(CalibratedOutput output) => output is CalibratedOutput.LabelSet or CalibratedOutput.All;
}
