using System.Text.Json.Serialization;

namespace SmartCity.Inference.Models;

[JsonConverter(typeof(JsonStringEnumConverter<TensorLayout>))]
public enum TensorLayout
{
    [JsonStringEnumMemberName("NCHW")]
    Nchw,

    [JsonStringEnumMemberName("NHWC")]
    Nhwc,
}
