using CredalDistill.IO;

namespace CredalDistill.Onnx.Export;

/// <summary>
/// A model or artifact that <see cref="CalibratedModelExporter"/> cannot export: not an ONNX model, no float32
/// <c>[N, K]</c> logits output of that name, an opset below 13, a class-count mismatch, output names already taken,
/// or an output that the divergence has no graph for. The message names the file and the problem.
/// </summary>
public sealed class OnnxExportException : DataFormatException
{
    /// <summary>Creates the exception.</summary>
    public OnnxExportException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public OnnxExportException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public OnnxExportException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for <paramref name="filePath"/>; the message is <c>"&lt;file name&gt;: &lt;problem&gt;"</c>.</summary>
    public OnnxExportException(string filePath, string problem, Exception? innerException = null)
        : base(filePath, problem, innerException: innerException)
    {
    }
}
