namespace SmartCity.Inference.Runtime;

/// <summary>
/// An output tensor as the model returned it, for protocols that answer tensors (the Open Inference
/// Protocol): its name, its datatype in that protocol's spelling (<c>FP32</c>, <c>INT64</c>), its shape and its values.
/// </summary>
public sealed record RawTensor(string Name, string Datatype, long[] Shape, Array Data);
