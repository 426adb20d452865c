namespace SmartCity.Inference;

/// <summary>A tensor given directly (not an image) does not match the model's input.</summary>
public sealed class InvalidTensorException(string message)
    : InferenceException("invalid-tensor", message);
