namespace SmartCity.Functions.Http.OpenInference;

/// <summary><c>$response_output</c>: <c>data</c> is a flat <c>float[]</c> (FP32) or <c>string[]</c> (BYTES).</summary>
public sealed record ResponseOutput(string Name, string Datatype, long[] Shape, object Data);
