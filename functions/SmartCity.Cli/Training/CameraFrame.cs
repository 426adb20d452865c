namespace SmartCity.Cli.Training;

/// <summary>A frame file <c>camera_&lt;id&gt;_&lt;date&gt;_&lt;time&gt;.jpg</c> and the camera it is from.</summary>
internal sealed record CameraFrame(string File, string Camera, string Name)
{
    /// <summary>The frames in <paramref name="data"/>, each camera's in time (name) order.</summary>
    public static List<CameraFrame> InFolder(string data)
    {
        if (!Directory.Exists(data))
        {
            throw new UsageException($"The data folder '{data}' does not exist.");
        }

        return [.. Directory.GetFiles(data, "camera_*.jpg")
            .Select(f => new CameraFrame(f, Path.GetFileName(f).Split('_')[1], Path.GetFileName(f)))
            .OrderBy(f => f.Camera, StringComparer.Ordinal).ThenBy(f => f.Name, StringComparer.Ordinal)];
    }
}
