namespace SmartCity.Functions.Http;

/// <summary>Where the time of one prediction went, in milliseconds, and the batch it ran in.</summary>
public sealed record TimingsBody(double DecodeMs, double ResizeMs, double QueueMs, double InferenceMs, double PostprocessMs, int BatchSize);
