using CredalDistill.Experiments.Data;
using CredalDistill.IO;

namespace CredalDistill.Cli;

/// <summary>Locates the repository folder (the one holding data/ and models/) for the bundled-data commands.</summary>
public static class RepositoryRoot
{
    /// <summary>Walks up from the current directory, then from the program's folder, to the folder holding <c>data/fashion-mnist</c> and <c>models/</c>.</summary>
    public static string Find()
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            try
            {
                string data = FashionMnist.FindDataDirectory(start);
                string root = Path.GetDirectoryName(data)!;
                if (Directory.Exists(Path.Combine(root, "models")))
                {
                    return root;
                }
            }
            catch (DirectoryNotFoundException)
            {
            }
        }

        throw new UsageException("cannot find the bundled data/ and models/ folders; run from inside the repository or pass --root.");
    }
}
