namespace SmartCity.Functions.Http;

/// <summary>The Open Inference Protocol's error body.</summary>
public sealed record OpenInferenceError(string Error);
