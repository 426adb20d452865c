using System.Diagnostics;

namespace SmartCity.Benchmarks;

/// <summary>
/// How a benchmark child is held to one core. <c>taskset</c> alone is not enough: ONNX Runtime,
/// left to choose its own intra-op thread count, starts one thread per physical core of the
/// machine and pins each with <c>pthread_setaffinity_np</c>, which moves them off the core
/// <c>taskset</c> chose (a child under <c>taskset -c 0</c> was seen using 1.8 cores). A cpuset
/// control group cannot be left that way, so it is used when this process may create one (root,
/// cgroup v1 <c>cpuset</c> or v2 with the <c>cpuset</c> controller); otherwise <c>taskset</c>, and
/// the report's "cores used" column (the child's CPU time over its wall time) shows any escape.
/// </summary>
public sealed class OneCore : IDisposable
{
    private const string GroupName = "smartcity-benchmark-one-core";

    private OneCore(string method, string? procsFile, string? groupFolder)
    {
        Method = method;
        ProcsFile = procsFile;
        GroupFolder = groupFolder;
    }

    /// <summary>How children are confined, for the report: "cpuset cgroup" or "taskset".</summary>
    public string Method { get; }

    /// <summary>The cgroup's process list; a child writes its pid there before it starts dotnet.</summary>
    private string? ProcsFile { get; }

    private string? GroupFolder { get; }

    /// <summary>A one-core confinement, or null when neither a cpuset cgroup nor taskset is available.</summary>
    public static OneCore? Create()
    {
        foreach (var (root, controllers) in new[] { ("/sys/fs/cgroup/cpuset", (string?)null), ("/sys/fs/cgroup", "/sys/fs/cgroup/cgroup.controllers") })
        {
            if (TryCgroup(root, controllers) is { } confined)
            {
                return confined;
            }
        }

        return File.Exists("/usr/bin/taskset") ? new OneCore("taskset", null, null) : null;
    }

    private static OneCore? TryCgroup(string root, string? controllers)
    {
        try
        {
            if (!Directory.Exists(root) || (controllers is not null && (!File.Exists(controllers) || !File.ReadAllText(controllers).Split(' ', '\n').Contains("cpuset"))))
            {
                return null;
            }

            var cpus = File.ReadAllText(Path.Combine(root, controllers is null ? "cpuset.cpus" : "cpuset.cpus.effective")).Trim();
            var mems = File.ReadAllText(Path.Combine(root, controllers is null ? "cpuset.mems" : "cpuset.mems.effective")).Trim();
            if (cpus.Length == 0 || mems.Length == 0)
            {
                return null;
            }

            if (controllers is not null)
            {
                File.WriteAllText(Path.Combine(root, "cgroup.subtree_control"), "+cpuset");
            }

            var group = Path.Combine(root, GroupName);
            Directory.CreateDirectory(group);
            File.WriteAllText(Path.Combine(group, "cpuset.cpus"), First(cpus));
            File.WriteAllText(Path.Combine(group, "cpuset.mems"), First(mems));
            return new OneCore("cpuset cgroup", Path.Combine(group, "cgroup.procs"), group);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The first CPU (or memory node) of a list such as "0-1" or "2,4-7".</summary>
    private static string First(string list) => list.Split(',')[0].Split('-')[0];

    /// <summary>
    /// A start for <paramref name="host"/> held to one core: through <c>/bin/sh</c>, which enters the
    /// cgroup and then execs the host (so every thread it starts is in it), or through taskset.
    /// The caller adds the host's own arguments to <see cref="ProcessStartInfo.ArgumentList"/>.
    /// </summary>
    public ProcessStartInfo Start(string host)
    {
        ProcessStartInfo start;
        if (ProcsFile is not null)
        {
            start = new ProcessStartInfo("/bin/sh");
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add("echo $$ > \"$0\" && exec \"$@\"");
            start.ArgumentList.Add(ProcsFile);
        }
        else
        {
            start = new ProcessStartInfo("/usr/bin/taskset");
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(First(File.ReadAllText("/proc/self/status").Split('\n').First(l => l.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal)).Split(':')[1].Trim()));
        }

        start.ArgumentList.Add(host);
        start.Environment["DOTNET_PROCESSOR_COUNT"] = "1";
        return start;
    }

    /// <summary>Removes the cgroup (its children have exited by now).</summary>
    public void Dispose()
    {
        if (GroupFolder is not null)
        {
            try
            {
                Directory.Delete(GroupFolder);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A cgroup with a process still in it stays; the next run reuses it.
            }
        }
    }
}
