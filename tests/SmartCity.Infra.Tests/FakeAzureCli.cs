using System.Diagnostics;

namespace SmartCity.Infra.Tests;

/// <summary>
/// A folder with stand-ins for <c>az</c> and <c>azd</c> to put first on PATH when running a hook
/// script. Each records its command line and answers from files the test wrote: for
/// <c>az functionapp keys list --name x</c> the answer is <c>az-functionapp-keys-list.out</c>
/// (stdout), <c>.err</c> (stderr) and <c>.exit</c> (exit code, 0 without one); a file named for
/// the call, such as <c>az-functionapp-keys-list.2.out</c>, answers only the second call.
/// </summary>
internal sealed class FakeAzureCli : IDisposable
{
    // bash, so that it runs the same under a bash or a pwsh hook. Parameter files (@path) are
    // copied because the hook deletes them when it ends.
    private const string Script = """
        #!/usr/bin/env bash
        set -u
        state="${FAKE_AZ_STATE:?}"
        program="$(basename "$0")"
        printf '%s %s\n' "${program}" "$*" >>"${state}/calls.log"
        for arg in "$@"; do
          case "${arg}" in @*) cat "${arg#@}" >>"${state}/parameter-files.log" ;; esac
        done
        name="${program}"
        for arg in "$@"; do
          case "${arg}" in -*) break ;; *) name="${name}-${arg}" ;; esac
        done
        count=$(( $(cat "${state}/${name}.count" 2>/dev/null || echo 0) + 1 ))
        echo "${count}" >"${state}/${name}.count"
        answer="${state}/${name}"
        for ext in out err exit; do
          if [ -e "${state}/${name}.${count}.${ext}" ]; then answer="${state}/${name}.${count}"; fi
        done
        if [ -e "${answer}.out" ]; then cat "${answer}.out"; fi
        if [ -e "${answer}.err" ]; then cat "${answer}.err" >&2; fi
        exit "$(cat "${answer}.exit" 2>/dev/null || echo 0)"
        """;

    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("fake-az-");

    public FakeAzureCli()
    {
        Directory.CreateDirectory(BinDirectory);
        Directory.CreateDirectory(StateDirectory);
        foreach (var program in new[] { "az", "azd" })
        {
            var path = Path.Combine(BinDirectory, program);
            File.WriteAllText(path, Script.ReplaceLineEndings("\n") + "\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }
    }

    private string BinDirectory => Path.Combine(root.FullName, "bin");

    private string StateDirectory => Path.Combine(root.FullName, "state");

    /// <summary>Sets what a command answers, e.g. Answer("az functionapp keys list", stdout: "key\n").</summary>
    public FakeAzureCli Answer(string command, string? stdout = null, string? stderr = null, int exitCode = 0, int? call = null)
    {
        var name = command.Replace(' ', '-') + (call is { } n ? $".{n}" : "");
        if (stdout is not null)
        {
            File.WriteAllText(Path.Combine(StateDirectory, name + ".out"), stdout);
        }

        if (stderr is not null)
        {
            File.WriteAllText(Path.Combine(StateDirectory, name + ".err"), stderr);
        }

        File.WriteAllText(Path.Combine(StateDirectory, name + ".exit"), exitCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return this;
    }

    /// <summary>Every az and azd command line the hook ran, in order ("az functionapp keys list --subscription ...").</summary>
    public IReadOnlyList<string> Calls =>
        File.Exists(Path.Combine(StateDirectory, "calls.log"))
            ? File.ReadAllLines(Path.Combine(StateDirectory, "calls.log"))
            : [];

    /// <summary>The contents of the @parameter files passed to az, concatenated.</summary>
    public string ParameterFiles =>
        File.Exists(Path.Combine(StateDirectory, "parameter-files.log"))
            ? File.ReadAllText(Path.Combine(StateDirectory, "parameter-files.log"))
            : "";

    /// <summary>
    /// Runs a hook script with the given shell and these fakes first on PATH. The environment is
    /// the test process's without any AZURE_*, CAMERA_* or POSTDEPLOY_* variable, plus
    /// <paramref name="environment"/>.
    /// </summary>
    public HookRun Run(HookShell shell, string script, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(shell.Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Repository.Root,
        };
        foreach (var argument in shell.ArgumentsFor(Repository.PathOf(script.Split('/'))))
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in start.Environment.Keys.ToList())
        {
            if (name.StartsWith("AZURE_", StringComparison.Ordinal)
                || name.StartsWith("CAMERA_", StringComparison.Ordinal)
                || name.StartsWith("POSTDEPLOY_", StringComparison.Ordinal))
            {
                start.Environment.Remove(name);
            }
        }

        start.Environment["PATH"] = BinDirectory + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        start.Environment["FAKE_AZ_STATE"] = StateDirectory;
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)
            ?? throw new InvalidOperationException($"Could not start {shell.Executable}.");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // A hook that sleeps between retries when it should not is caught here.
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{script} under {shell} did not finish in 60 s; calls so far:\n{string.Join('\n', Calls)}");
        }

        return new HookRun(process.ExitCode, stdout.Result, stderr.Result);
    }

    public void Dispose() => root.Delete(recursive: true);
}
