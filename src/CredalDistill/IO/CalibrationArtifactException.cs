namespace CredalDistill.IO;

/// <summary>
/// A calibration artifact file was refused by <see cref="CalibrationArtifact.Load(string, byte[])"/>: not JSON, wrong
/// <c>format</c> or <c>version</c>, a missing, unknown or invalid field, inconsistent values, or a checksum
/// mismatch. It derives from <see cref="DataFormatException"/>, so the CLI maps it to exit code 3.
/// </summary>
public sealed class CalibrationArtifactException : DataFormatException
{
    /// <summary>Creates an exception with a plain message.</summary>
    public CalibrationArtifactException()
    {
    }

    /// <summary>Creates an exception with a plain message.</summary>
    public CalibrationArtifactException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a plain message and an inner exception.</summary>
    public CalibrationArtifactException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception naming the artifact file (and optionally the JSON line).</summary>
    /// <param name="filePath">The artifact file.</param>
    /// <param name="problem">What is wrong.</param>
    /// <param name="line">1-based JSON line, when known.</param>
    /// <param name="innerException">The underlying exception, if any.</param>
    public CalibrationArtifactException(string filePath, string problem, int? line, Exception? innerException = null)
        : base(filePath, problem, line: line, innerException: innerException)
    {
    }
}
