using System.Runtime.InteropServices;

namespace CredalDistill.Experiments;

/// <summary>The machine a run used, for the generated documents: logical cores, CPU model (when the OS reports it) and OS.</summary>
public static class MachineDescription
{
    /// <summary>This machine, e.g. <c>2 logical cores, AMD EPYC 7B13 (X64), Ubuntu 24.04 LTS</c>.</summary>
    public static string Current() => Describe(Environment.ProcessorCount, CpuModel(), RuntimeInformation.ProcessArchitecture.ToString(), RuntimeInformation.OSDescription);

    /// <summary>The description from its parts.</summary>
    /// <param name="cores">Logical cores (<see cref="Environment.ProcessorCount"/>).</param>
    /// <param name="cpu">CPU model name, or null when unknown.</param>
    /// <param name="architecture">Process architecture (X64, Arm64, ...).</param>
    /// <param name="os">Operating system description.</param>
    public static string Describe(int cores, string? cpu, string architecture, string os)
    {
        string processor = string.IsNullOrWhiteSpace(cpu) ? architecture : $"{cpu.Trim()} ({architecture})";
        return $"{cores} logical core{(cores == 1 ? string.Empty : "s")}, {processor}, {os.Trim()}";
    }

    /// <summary>The first <c>model name</c> of <c>/proc/cpuinfo</c> (Linux), else null.</summary>
    private static string? CpuModel()
    {
        const string cpuinfo = "/proc/cpuinfo";
        if (!File.Exists(cpuinfo))
        {
            return null;
        }

        try
        {
            string? line = File.ReadLines(cpuinfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line?[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }
}
