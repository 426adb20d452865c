using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace SmartCity.Benchmarks;

/// <summary>What the figures were measured on.</summary>
public sealed record MachineInfo(int Cores, string Os, string DotNet, string OnnxRuntime, string Cpu, string LoadAverage)
{
    public static MachineInfo Current() => new(
        Environment.ProcessorCount,
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription,
        OnnxRuntimeVersion(),
        CpuModel(),
        LoadAverageNow());

    private static string OnnxRuntimeVersion()
    {
        var assembly = typeof(InferenceSession).Assembly;
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        return informational?.Split('+')[0] ?? assembly.GetName().Version?.ToString() ?? "unknown";
    }

    private static string CpuModel()
    {
        const string cpuinfo = "/proc/cpuinfo";
        if (!File.Exists(cpuinfo))
        {
            return RuntimeInformation.ProcessArchitecture.ToString();
        }

        var line = File.ReadLines(cpuinfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        return line is null ? RuntimeInformation.ProcessArchitecture.ToString() : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
    }

    /// <summary>The 1, 5 and 15 minute load averages (as <c>uptime</c> shows them), where the OS tells.</summary>
    public static string LoadAverageNow()
    {
        const string loadavg = "/proc/loadavg";
        return File.Exists(loadavg) ? string.Join(" ", File.ReadAllText(loadavg).Split(' ').Take(3)) : "n/a";
    }
}
