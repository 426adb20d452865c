namespace SmartCity.Cli.Tests;

public class SmartCityCommandLineTests
{
    public static readonly string[] Commands = ["classify", "replay", "train-vehicle-type", "train-traffic-scene", "train-traffic-scene-2", "calibrate-camera", "evaluate-stale", "evaluate-dense-scenes", "write-card", "push"];

    [Fact]
    public async Task No_arguments_print_the_usage_with_every_command_and_exit_1()
    {
        var result = await SmartCityRunner.RunAsync();

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("Usage:", result.Output, StringComparison.Ordinal);
        Assert.All(Commands, command => Assert.Contains(command, result.Output, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("help")]
    public async Task Help_exits_0_and_names_every_command_and_the_exit_codes(string help)
    {
        var result = await SmartCityRunner.RunAsync(help);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.All(Commands, command => Assert.Contains(command, result.Output, StringComparison.Ordinal));
        Assert.Contains("Exit codes: 0 success, 1 usage error, 2 ", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_for_a_command_lists_its_options_and_defaults()
    {
        var result = await SmartCityRunner.RunAsync("help", "classify");

        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var option in new[] { "--model", "--version", "--top", "--json", "--models", "--no-scaled-decode", "[default: vehicle-type]", "[default: 3]" })
        {
            Assert.Contains(option, result.Output, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("Unrecognized command or argument 'frob'", "frob")]
    [InlineData("Required argument missing for command: 'classify'", "classify")]
    [InlineData("Required argument missing for option: '--top'", "classify", "x.jpg", "--top")]
    [InlineData("--top must be a whole number, not 'many'", "classify", "x.jpg", "--top", "many")]
    [InlineData("Unrecognized command or argument '--frob'", "train-vehicle-type", "--frob", "1")]
    [InlineData("--threshold must be a cosine distance", "evaluate-stale", "--threshold", "abc")]
    public async Task A_parse_error_exits_1_with_the_message_and_the_help_on_stderr(string message, params string[] args)
    {
        var result = await SmartCityRunner.RunAsync(args);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("error: " + message, result.Error, StringComparison.Ordinal);
        Assert.Contains("Usage:", result.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Output);
    }

    [Theory]
    [InlineData("'nope.jpg' is neither a file nor a folder.", "classify", "nope.jpg")]
    [InlineData("The data folder 'no-such-folder' does not exist.", "train-vehicle-type", "--data", "no-such-folder")]
    [InlineData("does not exist.", "train-traffic-scene", "--data", "no-such-folder")]
    [InlineData("The data folder 'no-such-folder' does not exist.", "evaluate-stale", "--data", "no-such-folder")]
    [InlineData("does not exist.", "evaluate-dense-scenes", "--data", "no-such-folder")]
    public async Task A_missing_input_exits_1_naming_it_without_a_stack_trace(string message, params string[] args)
    {
        var result = await SmartCityRunner.RunAsync(args);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_model_exits_1_naming_it()
    {
        var result = await SmartCityRunner.RunAsync("classify", SmartCityRunner.Sample("vehicles/car106.jpg"), "--model", "no-such-model");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("error: Model 'no-such-model' does not exist.", result.Error, StringComparison.Ordinal);
    }
}
