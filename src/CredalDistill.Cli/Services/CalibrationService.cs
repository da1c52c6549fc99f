using CredalDistill.Conformal;
using CredalDistill.Divergences;
using CredalDistill.IO;

namespace CredalDistill.Cli.Services;

/// <summary>The offline phase as used by <c>credal calibrate</c> (and reusable by <c>credal demo</c>): threshold and artifact.</summary>
public static class CalibrationService
{
    /// <summary>
    /// Calibrates on paired cloud/edge outputs (same shape; a row mismatch is reported against
    /// <paramref name="edgePath"/>) and builds the artifact to save.
    /// </summary>
    /// <param name="cloud">Cloud outputs.</param>
    /// <param name="edge">Edge outputs on the same inputs.</param>
    /// <param name="epsilon">Miscoverage in (0, 1).</param>
    /// <param name="divergenceName">A name accepted by <see cref="Divergence.Parse(string)"/>.</param>
    /// <param name="cloudPath">Cloud file (for messages).</param>
    /// <param name="edgePath">Edge file (for messages).</param>
    public static CalibrationOutcome Calibrate(ProbabilityMatrix cloud, ProbabilityMatrix edge, double epsilon, string divergenceName, string cloudPath = "cloud", string edgePath = "edge")
    {
        CheckPair(cloud, edge, cloudPath, edgePath);
        var divergence = Divergence.Parse(divergenceName);
        var threshold = ConformalCalibrator.Calibrate(cloud, edge, epsilon, divergence);
        return Outcome(threshold, divergence);
    }

    /// <summary>
    /// Calibrates with the label-free choice of epsilon (<see cref="EpsilonSelector"/>) for the given extraction rule.
    /// </summary>
    /// <param name="cloud">Cloud outputs.</param>
    /// <param name="edge">Edge outputs on the same inputs.</param>
    /// <param name="divergenceName">A name accepted by <see cref="Divergence.Parse(string)"/>.</param>
    /// <param name="output">The extraction whose calibration is optimised.</param>
    /// <param name="cloudPath">Cloud file (for messages).</param>
    /// <param name="edgePath">Edge file (for messages).</param>
    public static (CalibrationOutcome Outcome, EpsilonSelection Selection) CalibrateAuto(ProbabilityMatrix cloud, ProbabilityMatrix edge, string divergenceName, CredalDistill.Credal.CredalOutput output, string cloudPath = "cloud", string edgePath = "edge")
    {
        CheckForSelection(cloud, edge, cloudPath, edgePath, "--epsilon auto");
        var divergence = Divergence.Parse(divergenceName);
        var selection = EpsilonSelector.Select(cloud, edge, divergence, output);
        return (Outcome(selection.Threshold, divergence), selection);
    }

    /// <summary>
    /// Calibrates with the label-free joint choice of divergence and epsilon (<see cref="ConfigurationSelector"/>) for the
    /// given extraction rule; <paramref name="epsilons"/> null means the default grid, one value fixes eps.
    /// </summary>
    /// <param name="cloud">Cloud outputs.</param>
    /// <param name="edge">Edge outputs on the same inputs.</param>
    /// <param name="epsilons">Candidate eps values, or null for <see cref="EpsilonSelector.DefaultCandidates"/>.</param>
    /// <param name="output">The extraction whose calibration is optimised.</param>
    /// <param name="cloudPath">Cloud file (for messages).</param>
    /// <param name="edgePath">Edge file (for messages).</param>
    public static (CalibrationOutcome Outcome, ConfigurationSelection Selection) CalibrateConfiguration(ProbabilityMatrix cloud, ProbabilityMatrix edge, IReadOnlyList<double>? epsilons, CredalDistill.Credal.CredalOutput output, string cloudPath = "cloud", string edgePath = "edge")
    {
        CheckForSelection(cloud, edge, cloudPath, edgePath, "--divergence auto");
        var selection = ConfigurationSelector.Select(cloud, edge, output: output, epsilons: epsilons);
        return (Outcome(selection.Threshold, selection.Divergence), selection);
    }

    private static void CheckPair(ProbabilityMatrix cloud, ProbabilityMatrix edge, string cloudPath, string edgePath)
    {
        ArgumentNullException.ThrowIfNull(cloud);
        ArgumentNullException.ThrowIfNull(edge);
        InputLoader.CheckRows(edgePath, edge.Rows, cloudPath, cloud.Rows);
        if (edge.Classes != cloud.Classes)
        {
            throw new DataFormatException(edgePath, $"{edge.Classes} columns, but {Path.GetFileName(cloudPath)} has {cloud.Classes}; both models must output the same classes");
        }
    }

    private static void CheckForSelection(ProbabilityMatrix cloud, ProbabilityMatrix edge, string cloudPath, string edgePath, string option)
    {
        CheckPair(cloud, edge, cloudPath, edgePath);
        if (edge.Rows < 4)
        {
            throw new DataFormatException(edgePath, $"{option} needs at least 4 calibration rows for its cross-fitting; got {edge.Rows}");
        }
    }

    private static CalibrationOutcome Outcome(ConformalThreshold threshold, IDivergence divergence)
    {
        var artifact = new CalibrationArtifact(divergence.Name, threshold.Epsilon, threshold.N, threshold.Classes, threshold.Gamma, ArtifactScoreSummary.From(threshold.Scores));
        return new CalibrationOutcome(threshold, artifact);
    }
}
