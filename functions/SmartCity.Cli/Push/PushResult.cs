namespace SmartCity.Cli.Push;

/// <summary>What the app answered a push: the version number, whether this push created it, whether it is the default, its state.</summary>
internal sealed record PushResult(string Version, bool Created, bool IsDefault, string State);
