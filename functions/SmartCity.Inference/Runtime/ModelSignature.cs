namespace SmartCity.Inference.Runtime;

/// <summary>The input and output a model version serves, for metadata endpoints.</summary>
public sealed record ModelSignature(string InputName, long[] InputShape, string OutputName, long[] OutputShape, IReadOnlyList<string> Labels);
