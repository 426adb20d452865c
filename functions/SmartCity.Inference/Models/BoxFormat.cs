using System.Text.Json.Serialization;

namespace SmartCity.Inference.Models;

/// <summary>How a detector writes the four numbers of a box.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<BoxFormat>))]
public enum BoxFormat
{
    /// <summary>Left, top, right, bottom (Custom Vision's <c>detected_boxes</c>).</summary>
    [JsonStringEnumMemberName("xyxy")]
    Xyxy,

    /// <summary>Left, top, width, height.</summary>
    [JsonStringEnumMemberName("xywh")]
    Xywh,

    /// <summary>Centre x, centre y, width, height (YOLO).</summary>
    [JsonStringEnumMemberName("cxcywh")]
    CxCyWh,
}
