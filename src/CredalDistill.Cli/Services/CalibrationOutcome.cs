using CredalDistill.Conformal;
using CredalDistill.IO;

namespace CredalDistill.Cli.Services;

/// <summary>The result of <see cref="CalibrationService.Calibrate"/>: the calibrator's threshold and the artifact built from it.</summary>
/// <param name="Threshold">Threshold with rank, score summary and warning.</param>
/// <param name="Artifact">The artifact to save (not yet saved).</param>
public sealed record CalibrationOutcome(ConformalThreshold Threshold, CalibrationArtifact Artifact);
