namespace SmartCity.Inference.Runtime;

/// <summary>One preprocessed item waiting for a batch.</summary>
internal readonly record struct TensorRequest(float[] Values, long SubmittedAt);
