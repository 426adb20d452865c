namespace SmartCity.Cli;

/// <summary>
/// The command line asks for something that cannot be done (a missing file, a bad connection
/// string): reported as <c>error: message</c> with the command's help, exit code 1, no stack trace.
/// </summary>
internal sealed class UsageException(string message, Exception? inner = null) : Exception(message, inner);
