using System.Runtime.InteropServices;

namespace CredalDistill.Cli.Bench;

/// <summary>Where the numbers were measured: OS, runtime, processor, logical cores and the load average before and after.</summary>
internal sealed record BenchMachine(string Os, string Runtime, string Processor, int ProcessorCount, string LoadBefore, string LoadAfter)
{
    /// <summary>The 1-, 5- and 15-minute load averages (Linux <c>/proc/loadavg</c>), or <c>n/a</c>.</summary>
    public static string LoadAverage()
    {
        try
        {
            return File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    /// <summary>This machine.</summary>
    public static BenchMachine Describe(string loadBefore, string loadAfter)
        => new(RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription, ProcessorName(), Environment.ProcessorCount, loadBefore, loadAfter);

    private static string ProcessorName()
    {
        try
        {
            if (File.Exists("/proc/cpuinfo"))
            {
                string? line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
                if (line is not null)
                {
                    return line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
                }
            }
        }
        catch (IOException)
        {
        }

        return RuntimeInformation.ProcessArchitecture.ToString();
    }
}
