using SmartCity.Cli.Replay;

namespace SmartCity.Cli.Tests.Replay;

public class ReplaySecretsTests
{
    private static readonly Dictionary<string, string?> Environment = new(StringComparer.Ordinal)
    {
        ["CameraStorage"] = "DefaultEndpointsProtocol=http;AccountName=env;AccountKey=ZW52;BlobEndpoint=http://127.0.0.1:10000/env;",
        ["BLOBS_EXTENSION_KEY"] = "key-from-environment",
    };

    private static string? FromEnvironment(string name) => Environment.GetValueOrDefault(name);

    private static string? Nothing(string name) => null;

    [Fact]
    public void Secrets_come_from_the_environment_when_no_option_names_them()
    {
        Assert.Equal(Environment["CameraStorage"], ReplaySecrets.Storage(null, null, FromEnvironment));
        Assert.Equal("key-from-environment", ReplaySecrets.Key(null, null, FromEnvironment));
    }

    [Fact]
    public void Without_options_or_environment_storage_is_Azurite_and_no_key_is_sent()
    {
        Assert.Equal("UseDevelopmentStorage=true", ReplaySecrets.Storage(null, null, Nothing));
        Assert.Null(ReplaySecrets.Key(null, null, Nothing));
    }

    [Fact]
    public void A_file_wins_over_the_environment_and_loses_its_trailing_newline()
    {
        using var storage = new SecretFile("DefaultEndpointsProtocol=http;AccountName=file;AccountKey=ZmlsZQ==");
        using var key = new SecretFile("key-from-file");

        Assert.Equal("DefaultEndpointsProtocol=http;AccountName=file;AccountKey=ZmlsZQ==", ReplaySecrets.Storage(null, storage.Path, FromEnvironment));
        Assert.Equal("key-from-file", ReplaySecrets.Key(null, key.Path, FromEnvironment));
    }

    [Fact]
    public void A_storage_connection_string_without_a_secret_may_stay_on_the_command_line()
    {
        Assert.Equal("UseDevelopmentStorage=true", ReplaySecrets.Storage("UseDevelopmentStorage=true", null, FromEnvironment));
        Assert.False(ReplaySecrets.HoldsSecret("BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;"));
        Assert.True(ReplaySecrets.HoldsSecret("AccountName=x;accountkey=eA=="));
    }

    [Fact]
    public void An_empty_file_and_both_storage_options_are_usage_errors()
    {
        using var empty = new SecretFile(" ");

        Assert.Contains("is empty", Assert.Throws<UsageException>(() => ReplaySecrets.Key(null, empty.Path, Nothing)).Message, StringComparison.Ordinal);
        Assert.Contains("not both", Assert.Throws<UsageException>(() => ReplaySecrets.Storage("UseDevelopmentStorage=true", empty.Path, Nothing)).Message, StringComparison.Ordinal);
    }
}
