namespace SmartCity.Benchmarks;

/// <summary>One camera frame, encoded, as the engine receives it.</summary>
public sealed record Frame(string Name, byte[] Bytes);
