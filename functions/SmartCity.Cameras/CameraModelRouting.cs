using SmartCity.Inference;
using SmartCity.Inference.Models;

namespace SmartCity.Cameras;

/// <summary>
/// Per-camera calibration, routed without a redeploy: a city publishes a camera's calibrated
/// model through the model repository as <c>{model}.cam-{cameraId}</c> (e.g.
/// <c>traffic-scene.cam-2702</c>); when the pipeline runs <c>{model}</c> for that camera and the
/// repository (refreshed from blob storage every <c>Inference:RepositoryRefreshSeconds</c>) serves
/// a default version of it, that version answers instead. Otherwise <c>{model}</c> does. Results are
/// stored under the base model's name either way, with the model that answered beside it.
/// </summary>
public static class CameraModelRouting
{
    /// <summary>What joins a base model's name and a camera id in a camera-specific model's name.</summary>
    public const string CameraSeparator = ".cam-";

    /// <summary>Longest model name the repository accepts (its blob layout).</summary>
    public const int MaxModelNameLength = 128;

    /// <summary>
    /// The name of <paramref name="cameraId"/>'s calibrated <paramref name="model"/>, or null when it
    /// would be longer than a model name may be (that camera cannot have one).
    /// Camera ids and model names share the characters <c>A-Z a-z 0-9 . _ -</c>, so the name is always a valid model name.
    /// </summary>
    public static string? CameraModelName(string model, string cameraId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(cameraId);
        var name = model + CameraSeparator + cameraId;
        return name.Length <= MaxModelNameLength ? name : null;
    }

    /// <summary>
    /// The default version of <paramref name="cameraId"/>'s calibrated <paramref name="model"/> when the
    /// repository serves one now (not unloaded, a version that loads), else null.
    /// </summary>
    public static ModelVersion? CalibratedVersion(ModelRepository repository, string model, string cameraId)
    {
        ArgumentNullException.ThrowIfNull(repository);
        if (CameraModelName(model, cameraId) is not { } name || !repository.IsServed(name))
        {
            return null;
        }

        try
        {
            return repository.Get(name);
        }
        catch (InferenceException)
        {
            // Unloaded or replaced between the two reads: the base model answers.
            return null;
        }
    }
}
