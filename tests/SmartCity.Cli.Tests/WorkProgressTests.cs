using System.Text.RegularExpressions;
using Spectre.Console;

namespace SmartCity.Cli.Tests;

public partial class WorkProgressTests
{
    /// <summary>Sixteen workers report 800 items; every count the bar shows is at least the one before, up to 800/800.</summary>
    [Fact]
    public async Task The_progress_shown_never_goes_back_while_many_workers_report()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        // As on a terminal: Spectre's live bar, whatever TERM this test runs under.
        var console = new CommandConsole(output, error, showsProgress: true, progressAnsi: AnsiSupport.Yes);

        var done = await WorkProgress.RunAsync(console, "Working", 800, async itemDone =>
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, 800), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (_, ct) =>
            {
                await Task.Delay(5, ct);
                itemDone();
            });
            return 800;
        });

        Assert.Equal(800, done);
        var shown = Count().Matches(error.ToString()).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.True(shown.Count > 1, error.ToString());
        Assert.Equal(shown.Order(), shown);
        Assert.Equal(800, shown[^1]);
        Assert.Equal(string.Empty, output.ToString());
    }

    [Fact]
    public async Task No_progress_is_drawn_when_standard_error_is_not_a_terminal()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        await WorkProgress.RunAsync(new CommandConsole(output, error, showsProgress: false), "Working", 10, itemDone =>
        {
            for (var i = 0; i < 10; i++)
            {
                itemDone();
            }

            return Task.FromResult(0);
        });

        Assert.Equal(string.Empty, error.ToString());
    }

    /// <summary>The done count of each frame the bar drew ("Working ━━━━ 123/800 ...").</summary>
    [GeneratedRegex(@"Working .*? (\d+)/800 ")]
    private static partial Regex Count();
}
