namespace SmartCity.Cameras.Storage;

/// <summary>A query value the caller got wrong; the message names the parameter.</summary>
public sealed class CameraQueryException(string parameter, string message) : Exception(message)
{
    public string Parameter { get; } = parameter;
}
