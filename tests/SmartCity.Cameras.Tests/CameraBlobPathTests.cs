namespace SmartCity.Cameras.Tests;

/// <summary>What the blob-triggered function accepts: the webhook hands over any path, so the path check is the only guard.</summary>
public class CameraBlobPathTests
{
    private const string Container = "camera-images";

    private static string? Validate(string cameraId, string name) => CameraBlobPath.Validate(Container, Container, $"{cameraId}/{name}", cameraId, name);

    [Theory]
    [InlineData("../x.jpg")] // cam-1/../x.jpg is x.jpg at the container root once a URI is normalised
    [InlineData("./a.jpg")]
    [InlineData("a/../../b.jpg")]
    [InlineData("a/./b.jpg")]
    [InlineData("a/..")]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("a/../../../other-container/b.jpg")]
    public void A_name_with_a_dot_segment_is_refused(string name)
    {
        Assert.Contains("'.' or '..'", Validate("cam-1", name), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("x.jpg")]
    [InlineData("frames/2026/0930.jpg")]
    [InlineData(".hidden.jpg")]
    [InlineData("a..b.jpg")]
    [InlineData("..x.jpg")]
    [InlineData("x.jpg..")]
    [InlineData("a/.../b.jpg")]
    [InlineData("%2e%2e/b.jpg")]
    public void Dots_inside_a_segment_are_ordinary_characters(string name)
    {
        Assert.Null(Validate("cam-1", name));
    }
}
