using CredalDistill.Credal;

namespace CredalDistill.Calibration;

/// <summary>The stable names of <see cref="CalibratedOutput"/> (artifact field <c>output</c>, CLI values).</summary>
public static class CalibratedOutputNames
{
    /// <summary>The stable name: <c>tempered</c>, <c>intersection</c>, <c>maxent</c> or <c>centroid</c>.</summary>
    public static string Name(CalibratedOutput output) => output switch
    {
        CalibratedOutput.Tempered => "tempered",
        CalibratedOutput.Intersection => "intersection",
        CalibratedOutput.MaximumEntropy => "maxent",
        CalibratedOutput.Centroid => "centroid",
        _ => throw new ArgumentOutOfRangeException(nameof(output), output, "Unknown calibrated output."),
    };

    /// <summary>The stable name of a credal extraction.</summary>
    public static string Name(CredalOutput output) => Name(From(output));

    /// <summary>Parses a stable name; false for anything else.</summary>
    public static bool TryParse(string? name, out CalibratedOutput output)
    {
        switch (name)
        {
            case "tempered": output = CalibratedOutput.Tempered; return true;
            case "intersection": output = CalibratedOutput.Intersection; return true;
            case "maxent": output = CalibratedOutput.MaximumEntropy; return true;
            case "centroid": output = CalibratedOutput.Centroid; return true;
            default: output = CalibratedOutput.Intersection; return false;
        }
    }

    /// <summary>The calibrated output of a credal extraction.</summary>
    public static CalibratedOutput From(CredalOutput output) => output switch
    {
        CredalOutput.MaximumEntropy => CalibratedOutput.MaximumEntropy,
        CredalOutput.Centroid => CalibratedOutput.Centroid,
        _ => CalibratedOutput.Intersection,
    };

    /// <summary>The credal extraction of a set-valued output (<see cref="CalibratedOutput.Tempered"/> has none).</summary>
    internal static CredalOutput ToCredal(CalibratedOutput output) => output switch
    {
        CalibratedOutput.MaximumEntropy => CredalOutput.MaximumEntropy,
        CalibratedOutput.Centroid => CredalOutput.Centroid,
        CalibratedOutput.Intersection => CredalOutput.Intersection,
        _ => throw new ArgumentOutOfRangeException(nameof(output), output, "The tempered output has no credal extraction."),
    };
}
