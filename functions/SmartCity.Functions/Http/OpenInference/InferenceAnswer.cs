namespace SmartCity.Functions.Http.OpenInference;

/// <summary>An inference response, and which of its outputs the request asked for as binary data (<see cref="BinaryTensorData"/>).</summary>
public sealed record InferenceAnswer(InferenceResponse Response, Func<string, bool> IsBinary);
