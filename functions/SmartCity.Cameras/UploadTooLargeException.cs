using SmartCity.Inference;

namespace SmartCity.Cameras;

/// <summary>The upload is bigger than <see cref="CameraPipelineOptions.MaxImageBytes"/>; it is not downloaded.</summary>
public sealed class UploadTooLargeException(long length, long limit)
    : ImageProblemException("file-too-large", $"The upload is {length} bytes, over the limit of {limit} bytes (setting Camera:MaxImageBytes).");
