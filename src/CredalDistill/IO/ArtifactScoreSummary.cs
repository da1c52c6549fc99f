using System.Globalization;

namespace CredalDistill.IO;

/// <summary>Summary of the calibration scores <c>s_i = D(p*_i || p_i)</c> (nats) stored in a <see cref="CalibrationArtifact"/>.</summary>
public sealed class ArtifactScoreSummary
{
    /// <summary>
    /// Creates a summary; requires <c>min &lt;= median &lt;= max</c>, no NaN and no -infinity (+infinity is allowed:
    /// a score is infinite e.g. for KL when the edge gives probability 0 to a class the cloud supports).
    /// </summary>
    /// <param name="min">Smallest score.</param>
    /// <param name="median">Median score.</param>
    /// <param name="max">Largest score.</param>
    /// <param name="mean">Mean score, optional.</param>
    public ArtifactScoreSummary(double min, double median, double max, double? mean = null)
    {
        string? error = Validate(min, median, max, mean);
        if (error is not null)
        {
            throw new ArgumentException(error, nameof(min));
        }

        Min = min;
        Median = median;
        Max = max;
        Mean = mean;
    }

    /// <summary>Smallest score.</summary>
    public double Min { get; }

    /// <summary>Median score (for even <c>n</c>, the mean of the two middle scores or either one; the writer decides).</summary>
    public double Median { get; }

    /// <summary>Largest score.</summary>
    public double Max { get; }

    /// <summary>Mean score, or null when not recorded (an infinite mean is not written to the artifact).</summary>
    public double? Mean { get; }

    /// <summary>The stored part of a calibrator's <see cref="Conformal.ScoreSummary"/> (an infinite mean is dropped).</summary>
    public static ArtifactScoreSummary From(Conformal.ScoreSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        return new ArtifactScoreSummary(summary.Min, summary.Median, summary.Max, double.IsFinite(summary.Mean) ? summary.Mean : null);
    }

    /// <summary>Summarises <paramref name="scores"/> (no NaN; the median of an even count is the mean of the two middle values).</summary>
    public static ArtifactScoreSummary FromScores(ReadOnlySpan<double> scores) => From(Conformal.ScoreSummary.FromScores(scores));

    /// <summary>Returns null when the values form a valid summary, otherwise the reason.</summary>
    internal static string? Validate(double min, double median, double max, double? mean)
    {
        if (Bad(min) || Bad(median) || Bad(max) || (mean is double m && Bad(m)))
        {
            return "scores: min, median, max and mean must be numbers (or +infinity), not NaN or -infinity";
        }

        if (!(min <= median && median <= max))
        {
            return "scores: expected min <= median <= max";
        }

        if (mean is double mu && !(mu >= min && mu <= max))
        {
            return "scores: mean must lie between min and max";
        }

        return null;

        static bool Bad(double v) => double.IsNaN(v) || double.IsNegativeInfinity(v);
    }
}
