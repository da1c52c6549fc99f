namespace CredalDistill.Experiments;

/// <summary>
/// An all-or-nothing report folder. Files are written under a hidden staging folder next to the destination
/// (<c>.credal-staging-&lt;name&gt;-&lt;12 hex digits&gt;</c> in the destination's parent) and become visible only
/// through <see cref="Commit"/>, which moves each one into place with an atomic rename once all work is done.
/// Disposing without committing deletes the staging folder, so an interrupted or failed run leaves the destination
/// exactly as it was (a process killed with SIGKILL can leave only the staging folder, never a partial report).
/// </summary>
public sealed class StagedOutput : IDisposable
{
    /// <summary>Prefix of staging folder names (documented in docs/RELIABILITY.md).</summary>
    public const string StagingPrefix = ".credal-staging-";

    private bool _committed;

    private StagedOutput(string destination, string staging)
    {
        Destination = destination;
        StagingPath = staging;
    }

    /// <summary>The full path of the report folder.</summary>
    public string Destination { get; }

    /// <summary>The full path of the staging folder the files are written to.</summary>
    public string StagingPath { get; }

    /// <summary>Creates the staging folder for <paramref name="destination"/> (its parent folder is created if needed).</summary>
    public static StagedOutput Create(string destination)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        string full = Path.GetFullPath(destination).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        string parent = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{destination}' has no parent folder.", nameof(destination));
        Directory.CreateDirectory(parent);
        string staging = Path.Combine(parent, StagingPrefix + Path.GetFileName(full) + "-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(staging);
        return new StagedOutput(full, staging);
    }

    /// <summary>The staging path of <paramref name="relativePath"/> (write here; it appears at the same relative path in the destination).</summary>
    public string Stage(string relativePath) => Path.Combine(StagingPath, relativePath);

    /// <summary>
    /// Moves every staged file into the destination (creating folders, replacing existing files, each with an atomic
    /// rename) and deletes the staging folder; returns the destination paths.
    /// </summary>
    public IReadOnlyList<string> Commit()
    {
        if (_committed)
        {
            throw new InvalidOperationException("The output has already been committed.");
        }

        var moved = new List<string>();
        foreach (string file in Directory.EnumerateFiles(StagingPath, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList())
        {
            string target = Path.Combine(Destination, Path.GetRelativePath(StagingPath, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Move(file, target, overwrite: true);
            moved.Add(target);
        }

        _committed = true;
        Directory.Delete(StagingPath, recursive: true);
        return moved;
    }

    /// <summary>Deletes the staging folder unless committed.</summary>
    public void Dispose()
    {
        if (_committed)
        {
            return;
        }

        _committed = true;
        try
        {
            Directory.Delete(StagingPath, recursive: true);
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
