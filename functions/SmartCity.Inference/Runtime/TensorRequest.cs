namespace SmartCity.Inference.Runtime;

/// <summary>One preprocessed item waiting for a batch.</summary>
/// <param name="KeepFeatures">Also answer the item's example embedding from the backbone's output (<see cref="TensorResponse.Features"/>), for example-based explanations.</param>
internal readonly record struct TensorRequest(float[] Values, long SubmittedAt, bool KeepFeatures = false);
