using System.Text.Json.Serialization;

namespace SmartCity.Inference.Models;

[JsonConverter(typeof(JsonStringEnumConverter<ChannelOrder>))]
public enum ChannelOrder
{
    [JsonStringEnumMemberName("RGB")]
    Rgb,

    [JsonStringEnumMemberName("BGR")]
    Bgr,
}
