using System.Diagnostics;

namespace SmartCity.Functions.Tests.Models;

/// <summary>Waits for a condition that another instance brings about in its own time.</summary>
internal static class Eventually
{
    /// <summary>How long it took <paramref name="condition"/> to hold; fails after <paramref name="timeout"/>.</summary>
    public static async Task<TimeSpan> HoldsAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var started = Stopwatch.GetTimestamp();
        while (!condition())
        {
            Assert.True(Stopwatch.GetElapsedTime(started) < timeout, $"Not within {timeout.TotalSeconds:0.#} s: {what}.");
            await Task.Delay(50);
        }

        return Stopwatch.GetElapsedTime(started);
    }
}
