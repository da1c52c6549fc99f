using System.Text;

namespace CredalDistill.IO;

/// <summary>
/// Writes a file atomically: the content goes to a temporary file in the destination's directory, which is
/// flushed to disk and then renamed over the destination with <see cref="File.Move(string, string, bool)"/>
/// (see <see cref="AtomicFileWriter"/> for the span-friendly form).
/// If anything throws, the temporary file is deleted and the destination is left untouched, so a partial output
/// file never exists. Every writer in <see cref="CredalDistill.IO"/> goes through this class.
/// </summary>
internal static class AtomicFile
{
    /// <summary>UTF-8 without byte-order mark, the encoding of every text file the library writes.</summary>
    public static readonly Encoding Utf8NoBom = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Writes <paramref name="path"/> atomically with binary content produced by <paramref name="write"/>.</summary>
    /// <param name="path">Destination file; its directory must exist. An existing file is replaced.</param>
    /// <param name="write">Writes the whole content to the given stream (do not dispose it).</param>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        using var file = AtomicFileWriter.Create(path);
        write(file.Stream);
        file.Commit();
    }

    /// <summary>
    /// Writes <paramref name="path"/> atomically with text produced by <paramref name="write"/>
    /// (UTF-8 without BOM, <c>\n</c> line endings).
    /// </summary>
    /// <param name="path">Destination file; its directory must exist. An existing file is replaced.</param>
    /// <param name="write">Writes the whole text to the given writer (do not dispose it).</param>
    public static void WriteText(string path, Action<TextWriter> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, Utf8NoBom, 1 << 16, leaveOpen: true) { NewLine = "\n" };
            write(writer);
            writer.Flush();
        });
    }
}
