namespace SmartCity.Functions.Http;

/// <summary>The request body of a JSON prediction: <c>{"images":[{"data":"&lt;base64&gt;"}]}</c>.</summary>
public sealed class PredictJsonRequest
{
    public List<PredictJsonImage>? Images { get; set; }
}
