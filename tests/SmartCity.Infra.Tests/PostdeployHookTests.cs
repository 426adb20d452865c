namespace SmartCity.Infra.Tests;

/// <summary>
/// scripts/postdeploy-eventgrid.{sh,ps1} run against a fake az: which az commands they run,
/// what they do when az fails or the key is late. The pwsh cases skip where pwsh is missing.
/// </summary>
public sealed class PostdeployHookTests : IDisposable
{
    private const string Subscription = "00000000-1111-2222-3333-444444444444";
    private const string KeysList = "az functionapp keys list";
    private const string HostListKeys = "az rest";
    private const string DeploymentCreate = "az deployment group create";

    private readonly FakeAzureCli az = new();

    public void Dispose() => az.Dispose();

    [SkippableTheory]
    [InlineData("bash")]
    [InlineData("pwsh")]
    public void Deploys_the_event_grid_template_with_the_key_and_names_the_subscription_in_every_az_call(string shell)
    {
        az.Answer(KeysList, stdout: "key-from-keys-list==\n");

        var run = Run(shell);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal([KeysList, DeploymentCreate], az.Calls.Select(CommandOf));
        AssertEveryCallNamesTheSubscription();
        var deploy = az.Calls.Single(c => c.StartsWith(DeploymentCreate, StringComparison.Ordinal));
        Assert.Contains("--resource-group rg-city", deploy, StringComparison.Ordinal);
        Assert.Contains("eventgrid.bicep", deploy, StringComparison.Ordinal);
        Assert.Contains("functionAppName=func-api-city", deploy, StringComparison.Ordinal);
        Assert.Contains("systemTopicName=evgst-city", deploy, StringComparison.Ordinal);
        Assert.DoesNotContain("key-from-keys-list", deploy, StringComparison.Ordinal);
        Assert.Contains("key-from-keys-list==", az.ParameterFiles, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData("bash")]
    [InlineData("pwsh")]
    public void Asks_the_hosts_listkeys_through_az_rest_when_keys_list_shows_no_key(string shell)
    {
        az.Answer(KeysList, stdout: "\n")
          .Answer(HostListKeys, stdout: "key-from-listkeys==\n");

        var run = Run(shell);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal([KeysList, HostListKeys, DeploymentCreate], az.Calls.Select(CommandOf));
        AssertEveryCallNamesTheSubscription();
        var rest = az.Calls.Single(c => c.StartsWith(HostListKeys, StringComparison.Ordinal));
        Assert.Contains("--method post", rest, StringComparison.Ordinal);
        Assert.Contains(
            $"--url https://management.azure.com/subscriptions/{Subscription}/resourceGroups/rg-city/providers/Microsoft.Web/sites/func-api-city/host/default/listkeys?api-version=2024-04-01",
            rest,
            StringComparison.Ordinal);
        Assert.Contains("--query systemKeys.blobs_extension", rest, StringComparison.Ordinal);
        Assert.Contains("key-from-listkeys==", az.ParameterFiles, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData("bash", KeysList)]
    [InlineData("pwsh", KeysList)]
    [InlineData("bash", HostListKeys)]
    [InlineData("pwsh", HostListKeys)]
    public void Prints_azs_error_and_fails_at_once_when_az_fails(string shell, string failing)
    {
        const string message = "ERROR: (AuthorizationFailed) The client 'ci' does not have authorization to perform action 'Microsoft.Web/sites/host/listkeys/action'.";
        az.Answer(KeysList, stdout: "\n")
          .Answer(failing, stderr: message + "\n", exitCode: 1);

        // A hook that retried would sleep 120 s here and hit the runner's 60 s limit.
        var run = Run(shell, ("POSTDEPLOY_KEY_ATTEMPTS", "5"), ("POSTDEPLOY_KEY_DELAY_SECONDS", "120"));

        Assert.True(run.ExitCode != 0, run.ToString());
        Assert.Contains(message, run.Stderr, StringComparison.Ordinal);
        Assert.Single(az.Calls, c => c.StartsWith(failing, StringComparison.Ordinal));
        Assert.DoesNotContain(az.Calls, c => c.StartsWith(DeploymentCreate, StringComparison.Ordinal));
    }

    [SkippableTheory]
    [InlineData("bash")]
    [InlineData("pwsh")]
    public void Looks_again_while_the_key_is_not_there_yet(string shell)
    {
        az.Answer(KeysList, stdout: "\n")
          .Answer(HostListKeys, stdout: "\n")
          .Answer(KeysList, stdout: "late-key\n", call: 3);

        var run = Run(shell);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(
            [KeysList, HostListKeys, KeysList, HostListKeys, KeysList, DeploymentCreate],
            az.Calls.Select(CommandOf));
        Assert.Contains("Waiting for the blobs_extension key", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("late-key", az.ParameterFiles, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData("bash")]
    [InlineData("pwsh")]
    public void Looks_again_while_the_host_answers_service_unavailable_and_shows_that_answer(string shell)
    {
        const string message = "ERROR: Operation returned an invalid status 'Service Unavailable'";
        az.Answer(KeysList, stderr: message + "\n", exitCode: 1, call: 1)
          .Answer(KeysList, stdout: "key-after-start\n", call: 2);

        var run = Run(shell);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains(message, run.Stderr, StringComparison.Ordinal);
        Assert.Equal([KeysList, KeysList, DeploymentCreate], az.Calls.Select(CommandOf));
    }

    [SkippableTheory]
    [InlineData("bash")]
    [InlineData("pwsh")]
    public void Gives_up_after_the_configured_attempts_when_the_key_never_comes(string shell)
    {
        var run = Run(shell, ("POSTDEPLOY_KEY_ATTEMPTS", "3"));

        Assert.True(run.ExitCode != 0, run.ToString());
        Assert.Contains("no blobs_extension system key", run.Stderr, StringComparison.Ordinal);
        Assert.Equal(3, az.Calls.Count(c => c.StartsWith(KeysList, StringComparison.Ordinal)));
        Assert.DoesNotContain(az.Calls, c => c.StartsWith(DeploymentCreate, StringComparison.Ordinal));
    }

    [SkippableTheory]
    [InlineData("bash")]
    [InlineData("pwsh")]
    public void Fails_with_az_deployments_exit_code_when_the_deployment_fails(string shell)
    {
        az.Answer(KeysList, stdout: "key==\n")
          .Answer(DeploymentCreate, stderr: "ERROR: InvalidTemplateDeployment\n", exitCode: 3);

        var run = Run(shell);

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Contains("InvalidTemplateDeployment", run.Stderr, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData("bash")]
    [InlineData("pwsh")]
    public void Refuses_to_run_without_AZURE_SUBSCRIPTION_ID(string shell)
    {
        var run = Run(shell, ("AZURE_SUBSCRIPTION_ID", ""));

        Assert.True(run.ExitCode != 0, run.ToString());
        Assert.Contains("AZURE_SUBSCRIPTION_ID is not set", run.Stderr, StringComparison.Ordinal);
        Assert.Empty(az.Calls);
    }

    private HookRun Run(string shellName, params (string Name, string Value)[] overrides)
    {
        var shell = HookShell.Named(shellName);
        shell.SkipUnlessInstalled();

        var environment = new Dictionary<string, string>
        {
            ["AZURE_SUBSCRIPTION_ID"] = Subscription,
            ["AZURE_RESOURCE_GROUP"] = "rg-city",
            ["AZURE_FUNCTION_APP_NAME"] = "func-api-city",
            ["AZURE_EVENTGRID_SYSTEM_TOPIC_NAME"] = "evgst-city",
            ["CAMERA_IMAGES_CONTAINER_NAME"] = "camera-images",
            ["POSTDEPLOY_KEY_ATTEMPTS"] = "5",
            ["POSTDEPLOY_KEY_DELAY_SECONDS"] = "0",
        };
        foreach (var (name, value) in overrides)
        {
            environment[name] = value;
        }

        return az.Run(shell, "scripts/postdeploy-eventgrid" + shell.Extension, environment);
    }

    private void AssertEveryCallNamesTheSubscription()
    {
        Assert.NotEmpty(az.Calls);
        foreach (var call in az.Calls)
        {
            Assert.Contains($"--subscription {Subscription} ", call + " ", StringComparison.Ordinal);
        }
    }

    /// <summary>The command words of a recorded call: "az functionapp keys list".</summary>
    private static string CommandOf(string call) =>
        string.Join(' ', call.Split(' ').TakeWhile(word => !word.StartsWith('-')));
}
