namespace SmartCity.Infra.Tests;

/// <summary>
/// scripts/preprovision-principal-type.{sh,ps1} run against a fake az and azd: the principal
/// type main.bicepparam reads follows the az login. The pwsh cases skip where pwsh is missing.
/// </summary>
public sealed class PreprovisionHookTests : IDisposable
{
    private const string Subscription = "00000000-1111-2222-3333-444444444444";

    private readonly FakeAzureCli fakes = new();

    public void Dispose() => fakes.Dispose();

    [SkippableTheory]
    [InlineData("bash", "user", "User")]
    [InlineData("pwsh", "user", "User")]
    [InlineData("bash", "servicePrincipal", "ServicePrincipal")]
    [InlineData("pwsh", "servicePrincipal", "ServicePrincipal")]
    public void Sets_AZURE_PRINCIPAL_TYPE_from_the_az_account_type(string shell, string accountType, string principalType)
    {
        fakes.Answer("az account show", stdout: accountType + "\n");

        var run = Run(shell);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(
            [
                $"az account show --subscription {Subscription} --query user.type --output tsv",
                $"azd env set AZURE_PRINCIPAL_TYPE {principalType}",
            ],
            fakes.Calls);
    }

    [SkippableTheory]
    [InlineData("bash")]
    [InlineData("pwsh")]
    public void Leaves_a_principal_type_that_is_already_set(string shell)
    {
        var run = Run(shell, ("AZURE_PRINCIPAL_TYPE", "Group"));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Empty(fakes.Calls);
    }

    [SkippableTheory]
    [InlineData("bash")]
    [InlineData("pwsh")]
    public void Leaves_the_type_unset_when_az_reports_an_unknown_account_type(string shell)
    {
        fakes.Answer("az account show", stdout: "somethingElse\n");

        var run = Run(shell);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.DoesNotContain(fakes.Calls, c => c.StartsWith("azd ", StringComparison.Ordinal));
        Assert.Contains("somethingElse", run.Stdout + run.Stderr, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData("bash")]
    [InlineData("pwsh")]
    public void Prints_azs_error_and_fails_when_az_is_not_signed_in(string shell)
    {
        const string message = "ERROR: Please run 'az login' to setup account.";
        fakes.Answer("az account show", stderr: message + "\n", exitCode: 1);

        var run = Run(shell);

        Assert.True(run.ExitCode != 0, run.ToString());
        Assert.Contains(message, run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(fakes.Calls, c => c.StartsWith("azd ", StringComparison.Ordinal));
    }

    [SkippableTheory]
    [InlineData("bash")]
    [InlineData("pwsh")]
    public void Leaves_the_type_unset_without_calling_az_before_azd_has_chosen_a_subscription(string shell)
    {
        var run = Run(shell, ("AZURE_SUBSCRIPTION_ID", ""));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Empty(fakes.Calls);
        Assert.Contains("AZURE_SUBSCRIPTION_ID", run.Stdout + run.Stderr, StringComparison.Ordinal);
    }

    private HookRun Run(string shellName, params (string Name, string Value)[] overrides)
    {
        var shell = HookShell.Named(shellName);
        shell.SkipUnlessInstalled();

        var environment = new Dictionary<string, string> { ["AZURE_SUBSCRIPTION_ID"] = Subscription };
        foreach (var (name, value) in overrides)
        {
            environment[name] = value;
        }

        return fakes.Run(shell, "scripts/preprovision-principal-type" + shell.Extension, environment);
    }
}
