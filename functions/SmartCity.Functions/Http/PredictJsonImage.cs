namespace SmartCity.Functions.Http;

/// <summary>One image of a JSON prediction request: <c>{"data":"&lt;base64&gt;","name":"..."}</c>.</summary>
public sealed class PredictJsonImage
{
    /// <summary>The encoded image (JPEG, PNG, WebP, BMP or GIF), base64.</summary>
    public string? Data { get; set; }

    /// <summary>Optional name echoed in the answer.</summary>
    public string? Name { get; set; }
}
