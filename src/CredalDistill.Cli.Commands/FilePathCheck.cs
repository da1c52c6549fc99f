using System.Reflection;
using Spectre.Console.Cli;

namespace CredalDistill.Cli;

/// <summary>
/// Checks every file path of a command line before the command runs, so that a wrong path is a usage error (exit 2)
/// that names the option and the user's own path: an input that does not exist or is a folder, an output whose folder
/// does not exist or that is a folder, and an output that is one of the inputs (or another output) after resolving full
/// paths and symbolic links, compared case-insensitively on Windows and macOS. The options are read from the settings'
/// <c>&lt;FILE&gt;</c> options; <see cref="Outputs"/> are written, every other one is read.
/// </summary>
internal sealed class FilePathCheck : ICommandInterceptor
{
    /// <summary>The file options that a command writes (every other <c>&lt;FILE&gt;</c> option is read).</summary>
    public static readonly IReadOnlySet<string> Outputs = new HashSet<string>(StringComparer.Ordinal) { "out", "json", "refresh-out", "markdown" };

    private static readonly StringComparison PathComparison = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS()
        ? StringComparison.OrdinalIgnoreCase
        : StringComparison.Ordinal;

    /// <inheritdoc />
    public void Intercept(CommandContext context, CommandSettings settings) => Check(settings);

    /// <inheritdoc />
    public void InterceptResult(CommandContext context, CommandSettings settings, ref int result)
    {
    }

    /// <summary>Throws a <see cref="UsageException"/> for the first wrong path of <paramref name="settings"/>.</summary>
    public static void Check(CommandSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var inputs = new List<(string Option, string Path)>();
        var outputs = new List<(string Option, string Path)>();
        foreach (var property in settings.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetCustomAttribute<CommandOptionAttribute>() is not { ValueName: "FILE" } option)
            {
                continue;
            }

            string name = option.LongNames[0];
            var paths = property.GetValue(settings) switch
            {
                string s when !string.IsNullOrWhiteSpace(s) => [s],
                string[] many => many.Where(s => !string.IsNullOrWhiteSpace(s)).ToArray(),
                _ => Array.Empty<string>(),
            };
            (Outputs.Contains(name) ? outputs : inputs).AddRange(paths.Select(p => ("--" + name, p)));
        }

        foreach (var (option, path) in inputs)
        {
            if (Directory.Exists(path))
            {
                throw new UsageException($"{option} '{path}' is a folder; give the file inside it");
            }

            if (!File.Exists(path))
            {
                throw new UsageException($"{option} '{path}': no such file");
            }
        }

        for (int i = 0; i < outputs.Count; i++)
        {
            var (option, path) = outputs[i];
            if (Directory.Exists(path))
            {
                throw new UsageException($"{option} '{path}' is a folder; give a file name to write");
            }

            string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
            if (!Directory.Exists(folder))
            {
                throw new UsageException($"{option} '{path}': the folder '{folder}' does not exist; create it first");
            }

            foreach (var (other, otherPath) in inputs.Concat(outputs.Take(i)))
            {
                if (SameFile(path, otherPath))
                {
                    throw new UsageException($"{option} '{path}' is the same file as {other} '{otherPath}'; writing it would destroy it, so give {option} another file name");
                }
            }
        }
    }

    /// <summary>True when <paramref name="a"/> and <paramref name="b"/> name one file: same full path after following symbolic links.</summary>
    internal static bool SameFile(string a, string b) => string.Equals(Resolve(a), Resolve(b), PathComparison);

    private static string Resolve(string path)
    {
        string full = Path.GetFullPath(path);
        try
        {
            return File.ResolveLinkTarget(full, returnFinalTarget: true)?.FullName ?? full;
        }
        catch (IOException)
        {
            return full; // a link loop or a target that cannot be read: the path as given
        }
    }
}
