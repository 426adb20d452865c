namespace SmartCity.Cli.Tests.Push;

/// <summary><c>push</c> takes the master key from a file or the environment, never from its command line (where <c>ps</c> shows it).</summary>
public sealed class PushCommandTests : IDisposable
{
    private readonly SharedData _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task A_key_on_the_command_line_is_refused_without_being_printed()
    {
        var result = await SmartCityRunner.RunAsync("push", _scratch.Folder, "--model", "m", "--host", "http://127.0.0.1:9/", "--key", "s3cr3t-master-key");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("error: --key shows the master key to anyone who can list processes; put it in a file (--key-file <path>) or in the SMARTCITY_ADMIN_KEY variable.", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-master-key", result.Error + result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_key_file_is_a_usage_error_naming_the_option()
    {
        var keyFile = Path.Combine(_scratch.Folder, "key.txt");
        File.WriteAllText(keyFile, "\n");

        var result = await SmartCityRunner.RunAsync("push", _scratch.Folder, "--model", "m", "--host", "http://127.0.0.1:9/", "--key-file", keyFile);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains($"error: --key-file: '{keyFile}' is empty.", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("push", "--host")]
    [InlineData("train-vehicle-type", "--push")]
    public async Task A_host_that_is_not_an_http_url_is_a_usage_error_naming_the_option(string command, string option)
    {
        var args = command == "push"
            ? new[] { "push", _scratch.Folder, "--model", "m", option, "ftp://example.org/" }
            : new[] { command, "--data", _scratch.Folder, "--out", Path.Combine(_scratch.Folder, "out"), option, "ftp://example.org/" };

        var result = await SmartCityRunner.RunAsync(args);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains($"{option} must be an http or https URL, not 'ftp://example.org/'.", result.Error, StringComparison.Ordinal);
    }
}
