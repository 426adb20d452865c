using Spectre.Console;

namespace SmartCity.Cli;

/// <summary>
/// A progress bar of the items done, on standard error, while some work runs; nothing when standard
/// error is not a terminal. The work reports each finished item through the callback it is given,
/// from any thread: Spectre's task counts under a lock, so the bar never goes back.
/// </summary>
internal static class WorkProgress
{
    public static async Task<T> RunAsync<T>(CommandConsole console, string description, int total, Func<Action, Task<T>> work, bool show = true)
    {
        if (!show || !console.ShowsProgress)
        {
            return await work(static () => { });
        }

        return await console.CreateProgressConsole().Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new ItemCountColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(description, maxValue: total);
                return await work(() => task.Increment(1));
            });
    }
}
