namespace SmartCity.Cli.Replay;

/// <summary>
/// Where <c>replay</c> takes its secrets from: a file named on the command line, else the
/// environment (<c>CameraStorage</c>, <c>BLOBS_EXTENSION_KEY</c>), never the command line itself,
/// where anyone who can list processes (<c>ps</c>) reads them. A storage connection string
/// without a secret (<c>UseDevelopmentStorage=true</c>, endpoints only) may still be given
/// with <c>--storage</c>; one with an account key or a SAS is refused, and so is <c>--key</c>.
/// </summary>
internal static class ReplaySecrets
{
    public const string StorageVariable = "CameraStorage";

    public const string KeyVariable = "BLOBS_EXTENSION_KEY";

    public const string DevelopmentStorage = "UseDevelopmentStorage=true";

    /// <summary>The storage connection string: <c>--storage-file</c>, else <c>--storage</c> (no secret in it), else CameraStorage, else Azurite.</summary>
    public static string Storage(string? commandLine, string? file, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (commandLine is not null && file is not null)
        {
            throw new UsageException("give the storage connection string with --storage-file or --storage, not both.");
        }

        if (file is not null)
        {
            return ReadFile(file, "--storage-file");
        }

        if (commandLine is not null)
        {
            return HoldsSecret(commandLine)
                ? throw new UsageException($"--storage with an account key or a SAS shows it to anyone who can list processes; put the connection string in a file (--storage-file <path>) or in the {StorageVariable} variable.")
                : commandLine;
        }

        return environment(StorageVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : DevelopmentStorage;
    }

    /// <summary>The blobs_extension key: <c>--key-file</c>, else BLOBS_EXTENSION_KEY, else none; <c>--key</c> is refused.</summary>
    public static string? Key(string? commandLine, string? file, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (commandLine is not null)
        {
            throw new UsageException($"--key shows the key to anyone who can list processes; put it in a file (--key-file <path>) or in the {KeyVariable} variable.");
        }

        return file is not null
            ? ReadFile(file, "--key-file")
            : environment(KeyVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : null;
    }

    /// <summary>Whether a connection string carries a credential (an account key or a shared access signature).</summary>
    public static bool HoldsSecret(string connectionString) =>
        connectionString.Contains("AccountKey=", StringComparison.OrdinalIgnoreCase)
        || connectionString.Contains("SharedAccessSignature=", StringComparison.OrdinalIgnoreCase);

    /// <summary>The file's text without surrounding white space (a trailing newline); a missing or empty file is a usage error naming the option, not the content.</summary>
    internal static string ReadFile(string path, string option)
    {
        string text;
        try
        {
            text = File.ReadAllText(path).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new UsageException($"{option}: cannot read '{path}': {ex.Message}", ex);
        }

        return text.Length > 0 ? text : throw new UsageException($"{option}: '{path}' is empty.");
    }
}
