using System.Text.Json.Serialization;

namespace SmartCity.Inference.Models;

[JsonConverter(typeof(JsonStringEnumConverter<ValueRange>))]
public enum ValueRange
{
    /// <summary>Pixel values divided by 255 before mean and std apply.</summary>
    [JsonStringEnumMemberName("0-1")]
    ZeroToOne,

    /// <summary>Pixel values as they are (0 to 255) before mean and std apply.</summary>
    [JsonStringEnumMemberName("0-255")]
    ZeroTo255,
}
