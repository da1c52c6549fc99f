namespace CredalDistill.Experiments.Data;

/// <summary>The repository's <c>data/</c> directory, found by the bundled file a dataset needs.</summary>
internal static class DataDirectory
{
    /// <summary>
    /// Walks up from <paramref name="start"/> (default <see cref="AppContext.BaseDirectory"/>) to the first directory whose
    /// <c>data/<paramref name="subDirectory"/>/<paramref name="file"/></c> exists, and returns that <c>data</c> directory.
    /// </summary>
    internal static string Find(string subDirectory, string file, string? start)
    {
        string first = Path.GetFullPath(start ?? AppContext.BaseDirectory);
        for (DirectoryInfo? dir = new(first); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "data");
            if (File.Exists(Path.Combine(candidate, subDirectory, file)))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException(
            $"No 'data/{subDirectory}/{file}' found in '{first}' or any parent directory; run from inside the repository or pass the data directory explicitly.");
    }
}
