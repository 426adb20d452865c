namespace SmartCity.Cli.Tests.Replay;

/// <summary>A temporary file holding a secret for <c>--storage-file</c> or <c>--key-file</c>, deleted with the test.</summary>
internal sealed class SecretFile : IDisposable
{
    public SecretFile(string content)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"smartcity-secret-{Guid.NewGuid():N}.txt");
        File.WriteAllText(Path, content + "\n");
    }

    public string Path { get; }

    public void Dispose() => File.Delete(Path);
}
