namespace SmartCity.Inference;

/// <summary>
/// The image itself is the problem: no retry can fix it. The HTTP API answers 4xx naming the
/// image; the camera pipeline records a rejection instead of retrying. Catch this type, not
/// its subclasses, to tell an image fault from any other failure.
/// </summary>
public abstract class ImageProblemException(string code, string message, Exception? inner = null) : InferenceException(code, message, inner);
