namespace SmartCity.Benchmarks;

/// <summary>What one scenario found: a table for stdout and the report, notes, and its memory.</summary>
public sealed class ScenarioResult(string id, string title)
{
    public string Id { get; } = id;

    public string Title { get; } = title;

    /// <summary>Why the scenario did not run, or null when it ran.</summary>
    public string? Skipped { get; set; }

    public IReadOnlyList<string> Columns { get; set; } = [];

    public List<IReadOnlyList<string>> Rows { get; } = [];

    /// <summary>Lines under the table: how it was measured, targets met or missed.</summary>
    public List<string> Notes { get; } = [];

    /// <summary>How the memory figure was taken (sampled in-process, or a child's own peak).</summary>
    public string? Memory { get; set; }

    public double Seconds { get; set; }

    public void Row(params string[] cells) => Rows.Add(cells);

    public static ScenarioResult Skip(string id, string title, string reason) => new(id, title) { Skipped = reason };
}
