namespace SmartCity.Inference.Runtime;

/// <summary>
/// The input and output a model version serves, for metadata endpoints. <see cref="Outputs"/> lists
/// every output served: the primary one first, then each other head of a model with several (by head
/// name, in the manifest's order; an estimate head has one value per item), or for an object detector its
/// three tensors and <see cref="InferenceEngine.DetectionsOutputName"/>.
/// </summary>
public sealed record ModelSignature(string InputName, long[] InputShape, string OutputName, long[] OutputShape, IReadOnlyList<string> Labels, IReadOnlyList<TensorInfo> Outputs);
