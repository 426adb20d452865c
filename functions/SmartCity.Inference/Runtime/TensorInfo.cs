namespace SmartCity.Inference.Runtime;

/// <summary>An output a model version serves: its name, datatype (<c>FP32</c>, <c>INT64</c>, ...) and shape (-1: any size).</summary>
public sealed record TensorInfo(string Name, string Datatype, long[] Shape);
