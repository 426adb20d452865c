namespace SmartCity.Infra.Tests;

/// <summary>The shell azd runs a hook with: sh (bash scripts) on Linux and macOS, pwsh on Windows.</summary>
internal sealed class HookShell
{
    private readonly Lazy<string?> executable;
    private readonly Func<string, string[]> arguments;

    private HookShell(string name, string extension, Func<string?> find, Func<string, string[]> arguments)
    {
        Name = name;
        Extension = extension;
        executable = new Lazy<string?>(find);
        this.arguments = arguments;
    }

    public static HookShell Bash { get; } = new("bash", ".sh", () => FindOnPath("bash"), script => [script]);

    /// <summary>PowerShell 7 (pwsh): PWSH_PATH, or pwsh on PATH.</summary>
    public static HookShell Pwsh { get; } = new(
        "pwsh",
        ".ps1",
        () => Environment.GetEnvironmentVariable("PWSH_PATH") is { Length: > 0 } path && File.Exists(path) ? path : FindOnPath("pwsh"),
        script => ["-NoLogo", "-NoProfile", "-NonInteractive", "-File", script]);

    public string Name { get; }

    /// <summary>The extension of the hook scripts this shell runs.</summary>
    public string Extension { get; }

    public bool IsAvailable => executable.Value is not null;

    public string Executable => executable.Value ?? throw new InvalidOperationException($"{Name} is not installed.");

    /// <summary>"bash" or "pwsh", as the tests' InlineData name them.</summary>
    public static HookShell Named(string name) => name switch
    {
        "bash" => Bash,
        "pwsh" => Pwsh,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "bash or pwsh"),
    };

    /// <summary>
    /// Skips the calling test when the shell is missing: pwsh is not on every Linux CI machine,
    /// and the fake az is a bash script, so every hook test needs bash.
    /// </summary>
    public void SkipUnlessInstalled()
    {
        Skip.If(OperatingSystem.IsWindows(), "The fake az is a bash script; these tests run on Linux and macOS.");
        Skip.IfNot(Bash.IsAvailable, "bash is not installed.");
        Skip.IfNot(IsAvailable, $"{Name} is not installed (set PWSH_PATH or put pwsh on PATH to run the PowerShell hooks).");
    }

    public string[] ArgumentsFor(string script) => arguments(script);

    public override string ToString() => Name;

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);
}
