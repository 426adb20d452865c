namespace SmartCity.Cli;

/// <summary>What <c>smartcity</c> returns to the shell.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>A bad command line, or an input that does not exist or cannot be used.</summary>
    public const int UsageError = 1;

    /// <summary>Some images could not be classified (replay: some notifications failed).</summary>
    public const int SomeItemsFailed = 2;
}
