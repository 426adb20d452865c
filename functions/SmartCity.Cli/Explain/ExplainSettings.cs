namespace SmartCity.Cli.Explain;

/// <summary>What <c>explain</c> was asked to do.</summary>
internal sealed record ExplainSettings(IReadOnlyList<string> Inputs, string Model, string? Version, int Grid, string Out, EngineSettings Engine);
