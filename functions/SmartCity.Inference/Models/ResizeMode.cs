using System.Text.Json.Serialization;

namespace SmartCity.Inference.Models;

[JsonConverter(typeof(JsonStringEnumConverter<ResizeMode>))]
public enum ResizeMode
{
    /// <summary>Scale both sides to the input size, ignoring the aspect ratio.</summary>
    [JsonStringEnumMemberName("stretch")]
    Stretch,

    /// <summary>Scale the shorter side to the input size, then cut the centre.</summary>
    [JsonStringEnumMemberName("shorter-side-center-crop")]
    ShorterSideCenterCrop,
}
