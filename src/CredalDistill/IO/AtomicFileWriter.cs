namespace CredalDistill.IO;

/// <summary>
/// A pending atomic write: content goes to <see cref="Stream"/> (a temporary file next to the destination) and
/// becomes visible only on <see cref="Commit"/>, which flushes to disk and renames over the destination.
/// Disposing without committing deletes the temporary file, so no partial output ever exists.
/// </summary>
/// <example>
/// <code>
/// using (var file = AtomicFileWriter.Create("out.npy"))
/// {
///     file.Stream.Write(bytes);
///     file.Commit();
/// }
/// </code>
/// </example>
internal sealed class AtomicFileWriter : IDisposable
{
    private readonly FileStream _stream;
    private bool _committed;
    private bool _disposed;

    private AtomicFileWriter(string destination, string temporary, FileStream stream)
    {
        Destination = destination;
        TemporaryPath = temporary;
        _stream = stream;
    }

    /// <summary>The full path of the destination file.</summary>
    public string Destination { get; }

    /// <summary>The full path of the temporary file (in the destination's directory).</summary>
    public string TemporaryPath { get; }

    /// <summary>The stream to write the content to.</summary>
    public Stream Stream => _stream;

    /// <summary>Creates the temporary file for an atomic write of <paramref name="path"/> (whose directory must exist).</summary>
    public static AtomicFileWriter Create(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{path}' has no directory.", nameof(path));
        string temp = Path.Combine(directory, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N")[..12] + ".tmp");
        var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        return new AtomicFileWriter(full, temp, stream);
    }

    /// <summary>Flushes the content to disk and renames the temporary file over the destination.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_committed)
        {
            throw new InvalidOperationException("The file has already been committed.");
        }

        _stream.Flush(flushToDisk: true);
        _stream.Dispose();
        File.Move(TemporaryPath, Destination, overwrite: true);
        _committed = true;
    }

    /// <summary>Closes the stream and, unless committed, deletes the temporary file.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _stream.Dispose();
        if (!_committed)
        {
            try
            {
                File.Delete(TemporaryPath);
            }
            catch (IOException)
            {
                // Best effort: the original failure matters more than a cleanup failure.
            }
            catch (UnauthorizedAccessException)
            {
                // Same.
            }
        }
    }
}
