using System.Diagnostics;

namespace CredalDistill.Cli.Tests;

/// <summary>
/// A small tmpfs mounted for one test (Linux, root only): a full disk (<c>size=64k</c>) or a read-only file system
/// (<c>ro</c>). Tests that need it use <see cref="TmpfsFactAttribute"/>, which skips them (reported as skipped)
/// where mounting is impossible.
/// </summary>
public sealed class MountedTmpfs : IDisposable
{
    public MountedTmpfs(string options)
    {
        Root = Path.Combine(Path.GetTempPath(), "credal-tmpfs-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Root);
        if (Run("mount", "-t", "tmpfs", "-o", options, "tmpfs", Root) != 0)
        {
            throw new InvalidOperationException($"mount -o {options} failed");
        }
    }

    public string Root { get; }

    public string this[string name] => Path.Combine(Root, name);

    /// <summary>True when a tmpfs can be mounted here (root on Linux with mount permission).</summary>
    public static bool Available { get; } = Probe();

    public void Dispose()
    {
        Run("umount", Root);
        try
        {
            Directory.Delete(Root);
        }
        catch (IOException)
        {
        }
    }

    private static bool Probe()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            return false;
        }

        try
        {
            using var probe = new MountedTmpfs("size=64k");
            return true;
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static int Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var p = Process.Start(info)!;
        p.WaitForExit();
        return p.ExitCode;
    }
}

/// <summary>A fact that runs only where <see cref="MountedTmpfs.Available"/> (otherwise reported as skipped, with the reason).</summary>
public sealed class TmpfsFactAttribute : FactAttribute
{
    public TmpfsFactAttribute()
    {
        if (!MountedTmpfs.Available)
        {
            Skip = "needs root and mount(8) to create a small tmpfs (full disk / read-only file system)";
        }
    }
}
