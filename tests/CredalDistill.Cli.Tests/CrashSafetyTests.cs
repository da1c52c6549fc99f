using System.Diagnostics;
using System.Text.RegularExpressions;
using CredalDistill.IO;

namespace CredalDistill.Cli.Tests;

/// <summary>
/// Crash safety of the output path (docs/RELIABILITY.md): concurrent runs on one --out never interleave, SIGKILL
/// mid-write leaves nothing at --out (only a temporary file of the documented pattern), a full disk or read-only
/// target gives exit 1 with a message and no partial file.
/// </summary>
public sealed partial class CrashSafetyTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>The temporary-file pattern of the core's <c>AtomicFileWriter</c>: <c>.&lt;name&gt;.&lt;12 hex&gt;.tmp</c>.</summary>
    [GeneratedRegex(@"^\.out\.csv\.[0-9a-f]{12}\.tmp$")]
    private static partial Regex TemporaryName();

    private string Calibrate(int rows, int k)
    {
        var (cloud, edge, _) = TempDirectory.Synthetic(rows, k, seed: 3);
        string c = _dir.WriteMatrix("cal-cloud.csv", cloud, k);
        string e = _dir.WriteMatrix("cal-edge.csv", edge, k);
        string cal = _dir["cal.json"];
        var run = CliRun.Invoke("calibrate", "--cloud", c, "--edge", e, "--out", cal);
        Assert.True(run.ExitCode == 0, run.ToString());
        return cal;
    }

    [Fact]
    public async Task Concurrent_runs_on_the_same_out_never_interleave()
    {
        string cal = Calibrate(200, 3);
        var (_, edgeA, _) = TempDirectory.Synthetic(3000, 3, seed: 10);
        var (_, edgeB, _) = TempDirectory.Synthetic(2000, 3, seed: 11);
        string a = _dir.WriteMatrix("a.csv", edgeA, 3);
        string b = _dir.WriteMatrix("b.csv", edgeB, 3);
        Assert.Equal(0, CliRun.Invoke("predict", "--calibration", cal, "--edge", a, "--out", _dir["expect-a.csv"]).ExitCode);
        Assert.Equal(0, CliRun.Invoke("predict", "--calibration", cal, "--edge", b, "--out", _dir["expect-b.csv"]).ExitCode);
        byte[] expectA = File.ReadAllBytes(_dir["expect-a.csv"]);
        byte[] expectB = File.ReadAllBytes(_dir["expect-b.csv"]);
        string output = _dir["out.csv"];
        for (int round = 0; round < 4; round++)
        {
            var runs = await Task.WhenAll(
                Task.Run(() => CliRun.Invoke("predict", "--calibration", cal, "--edge", a, "--out", output)),
                Task.Run(() => CliRun.Invoke("predict", "--calibration", cal, "--edge", b, "--out", output)));
            Assert.All(runs, r => Assert.True(r.ExitCode == 0, r.ToString()));
            byte[] got = File.ReadAllBytes(output);
            Assert.True(got.AsSpan().SequenceEqual(expectA) || got.AsSpan().SequenceEqual(expectB), $"round {round}: {got.Length} bytes match neither run");
        }

        Assert.Empty(Directory.GetFiles(_dir.Root, "*.tmp"));
    }

    [Fact]
    public void Sigkill_mid_write_leaves_nothing_at_out()
    {
        const int k = 10;
        string cal = Calibrate(300, k);
        string edge = _dir["big.npy"];
        var (_, e, _) = TempDirectory.Synthetic(20_000, k, seed: 12);
        var data = new double[400_000 * k];
        for (int r = 0; r < 20; r++)
        {
            e.CopyTo(data, r * e.Length);
        }

        MatrixFile.Write(edge, data, 400_000, k);
        string output = _dir["out.csv"];
        var info = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "CredalDistill.Cli")) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in new[] { "predict", "--calibration", cal, "--edge", edge, "--out", output, "--output", "bounds" })
        {
            info.ArgumentList.Add(arg);
        }

        bool sawTemporary = false;
        using (var process = Process.Start(info)!)
        {
            // Kill -9 as soon as the temporary output file exists, i.e. while the output is being written.
            while (!process.HasExited && !sawTemporary)
            {
                sawTemporary = Directory.EnumerateFiles(_dir.Root).Any(f => TemporaryName().IsMatch(Path.GetFileName(f)));
                if (!sawTemporary)
                {
                    Thread.Sleep(1);
                }
            }

            if (!process.HasExited)
            {
                process.Kill(); // SIGKILL on Unix
            }

            process.WaitForExit();
        }

        Assert.True(sawTemporary, "the run finished before its temporary output appeared; enlarge the input");
        Assert.False(File.Exists(output));
        var stray = Directory.EnumerateFiles(_dir.Root).Select(Path.GetFileName).Where(f => f!.Contains("out", StringComparison.Ordinal)).ToList();
        Assert.All(stray, f => Assert.Matches(TemporaryName(), f));
    }

    [TmpfsFact]
    public void Full_disk_gives_exit_1_with_a_message_and_no_partial_file()
    {
        string cal = Calibrate(200, 3);
        var (_, edge, _) = TempDirectory.Synthetic(5000, 3, seed: 13);
        string e = _dir.WriteMatrix("edge.csv", edge, 3);
        using var disk = new MountedTmpfs("size=64k");
        File.WriteAllText(disk["previous.csv"], "kept\n");
        var run = CliRun.Invoke("predict", "--calibration", cal, "--edge", e, "--out", disk["out.csv"]);
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("No space left on device", run.Stderr);
        Assert.DoesNotContain(".tmp", run.Stderr);
        Assert.Equal(["previous.csv"], Directory.EnumerateFiles(disk.Root).Select(Path.GetFileName));
        Assert.Equal("kept\n", File.ReadAllText(disk["previous.csv"]));
    }

    [TmpfsFact]
    public void Read_only_target_gives_exit_1_with_a_message_and_no_file()
    {
        string cal = Calibrate(200, 3);
        var (_, edge, _) = TempDirectory.Synthetic(50, 3, seed: 14);
        string e = _dir.WriteMatrix("edge.csv", edge, 3);
        using var disk = new MountedTmpfs("ro,size=64k");
        var run = CliRun.Invoke("predict", "--calibration", cal, "--edge", e, "--out", disk["out.csv"]);
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("Read-only file system", run.Stderr);
        Assert.DoesNotContain(".tmp", run.Stderr);
        Assert.Empty(Directory.EnumerateFileSystemEntries(disk.Root));
    }
}
