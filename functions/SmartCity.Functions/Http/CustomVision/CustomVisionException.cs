using SmartCity.Inference;

namespace SmartCity.Functions.Http.CustomVision;

/// <summary>A failure only the Custom Vision routes have (the key, the project mapping, the task); answered from its code by <see cref="ProblemMapping"/>.</summary>
public sealed class CustomVisionException(string code, string detail) : InferenceException(code, detail)
{
    public const string UnauthorizedCode = "prediction-key-invalid";
    public const string ProjectNotFoundCode = "project-not-found";
    public const string IterationNotFoundCode = "iteration-not-found";
    public const string WrongTaskCode = "wrong-task";
    public const string UrlForbiddenCode = "image-url-forbidden";
    public const string UrlInvalidCode = "image-url-invalid";

    public static CustomVisionException Unauthorized() =>
        new(UnauthorizedCode, "Access denied: send a valid key in the Prediction-Key header.");

    public static CustomVisionException ProjectNotFound(string projectId) =>
        new(ProjectNotFoundCode, $"Project '{projectId}' is not served here (setting CustomVision:Projects).");

    public static CustomVisionException IterationNotFound(string projectId, string publishedName) =>
        new(IterationNotFoundCode, $"Project '{projectId}' has no published iteration '{publishedName}' here (setting CustomVision:Projects).");

    public static CustomVisionException WrongTask(string publishedName, string task, string route) =>
        new(WrongTaskCode, $"Iteration '{publishedName}' is served by a {task} model; call the {route} route.");

    /// <summary>A <c>/url</c> call the allow-list or the address guard refuses (403).</summary>
    public static CustomVisionException UrlForbidden(string detail) => new(UrlForbiddenCode, detail);

    /// <summary>A <c>/url</c> call whose body has no usable url, or whose image cannot be fetched (unreachable, timed out, an error status).</summary>
    public static CustomVisionException UrlInvalid(string detail) => new(UrlInvalidCode, detail);

    public static CustomVisionException ImageTooLarge(long limit) =>
        new("payload-too-large", $"The image at the URL is over the limit of {limit} bytes (setting Http:MaxBodyBytes).");
}
