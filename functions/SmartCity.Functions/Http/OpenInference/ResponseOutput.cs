namespace SmartCity.Functions.Http.OpenInference;

/// <summary>
/// <c>$response_output</c>: <c>data</c> is a flat <c>float[]</c> (FP32), <c>long[]</c> (INT64),
/// <c>int[]</c> (INT32) or <c>string[]</c> (BYTES); an output sent as binary data
/// (<see cref="BinaryTensorData"/>) has no <c>data</c> and <c>parameters.binary_data_size</c> instead.
/// </summary>
public sealed record ResponseOutput(string Name, string Datatype, long[] Shape, object? Data, ResponseOutputParameters? Parameters = null);
