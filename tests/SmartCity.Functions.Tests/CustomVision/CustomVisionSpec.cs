using System.Text.Json;

namespace SmartCity.Functions.Tests.CustomVision;

/// <summary>
/// The response schemas of the Custom Vision Prediction API v3.0 as Azure/azure-rest-api-specs
/// states them (specification/cognitiveservices/data-plane/CustomVision/Prediction/stable/v3.0/Prediction.json):
/// <c>ImagePrediction</c>, <c>Prediction</c>, <c>BoundingBox</c> and <c>CustomVisionError</c>.
/// </summary>
internal static class CustomVisionSpec
{
    /// <summary>
    /// The error codes these routes answer, all from the spec's <c>CustomVisionErrorCodes</c> (v3.0,
    /// <c>definitions.CustomVisionError.properties.code.enum</c>) except <c>Unauthorized</c> (the spec
    /// lists none for a missing key).
    /// </summary>
    public static readonly string[] ErrorCodes =
    [
        "BadRequest", "BadRequestImageStream", "BadRequestImageFormat", "BadRequestImageSizeBytes", "BadRequestNotSupported",
        "BadRequestPredictionInvalidQueryParameters", "UnsupportedMediaType", "NotFoundProject", "NotFoundIteration",
        "ErrorPredictionServiceUnavailable", "ErrorUnknown", "Unauthorized", "Forbidden", "BadRequestImageUrl",
    ];

    public static void AssertImagePrediction(JsonElement body, bool detection)
    {
        Assert.Equal(JsonValueKind.Object, body.ValueKind);
        Assert.Equal(["id", "project", "iteration", "created", "predictions"], body.EnumerateObject().Select(p => p.Name));
        foreach (var id in new[] { "id", "project", "iteration" })
        {
            Assert.True(Guid.TryParse(body.GetProperty(id).GetString(), out _), $"{id} is not a uuid");
        }

        var created = body.GetProperty("created").GetString()!;
        Assert.EndsWith("Z", created, StringComparison.Ordinal);
        Assert.True(DateTimeOffset.TryParse(created, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out _), $"created '{created}' is not a date-time");
        foreach (var prediction in body.GetProperty("predictions").EnumerateArray())
        {
            var names = prediction.EnumerateObject().Select(p => p.Name).ToList();
            Assert.Equal(detection ? ["probability", "tagId", "tagName", "boundingBox"] : ["probability", "tagId", "tagName"], names);
            Assert.Equal(JsonValueKind.Number, prediction.GetProperty("probability").ValueKind);
            Assert.True(Guid.TryParse(prediction.GetProperty("tagId").GetString(), out _));
            Assert.Equal(JsonValueKind.String, prediction.GetProperty("tagName").ValueKind);
            if (detection)
            {
                var box = prediction.GetProperty("boundingBox");
                Assert.Equal(["left", "top", "width", "height"], box.EnumerateObject().Select(p => p.Name));
                Assert.All(box.EnumerateObject(), p => Assert.InRange(p.Value.GetDouble(), 0, 1));
            }
        }
    }

    public static void AssertError(JsonElement body, string code)
    {
        Assert.Equal(["code", "message"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal(code, body.GetProperty("code").GetString());
        Assert.Contains(code, ErrorCodes);
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("message").GetString()));
    }
}
