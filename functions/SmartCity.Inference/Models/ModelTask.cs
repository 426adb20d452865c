using System.Text.Json.Serialization;

namespace SmartCity.Inference.Models;

/// <summary>What a model does, as declared in its manifest.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ModelTask>))]
public enum ModelTask
{
    [JsonStringEnumMemberName("image-classification")]
    ImageClassification,

    [JsonStringEnumMemberName("image-embedding")]
    ImageEmbedding,

    /// <summary>Boxes with a label and a probability each; how to read them is the manifest's <c>detection</c>.</summary>
    [JsonStringEnumMemberName("object-detection")]
    ObjectDetection,
}
