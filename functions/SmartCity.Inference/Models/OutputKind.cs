using System.Text.Json.Serialization;

namespace SmartCity.Inference.Models;

/// <summary>How to read the model's output.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<OutputKind>))]
public enum OutputKind
{
    /// <summary>Raw scores: softmax gives probabilities.</summary>
    [JsonStringEnumMemberName("logits")]
    Logits,

    /// <summary>Already probabilities.</summary>
    [JsonStringEnumMemberName("probabilities")]
    Probabilities,

    /// <summary><c>sequence&lt;map&lt;string,float&gt;&gt;</c> of probabilities, as Azure Custom Vision exports.</summary>
    [JsonStringEnumMemberName("zipmap")]
    ZipMap,

    /// <summary>A feature vector, L2-normalised before it is returned.</summary>
    [JsonStringEnumMemberName("embedding")]
    Embedding,

    /// <summary>
    /// One value per image that is neither a probability nor a feature, such as an estimated vehicle
    /// count: returned as the model computed it (<see cref="Runtime.HeadPrediction.Scores"/> holds the one value), with no labels.
    /// </summary>
    [JsonStringEnumMemberName("estimate")]
    Estimate,

    /// <summary>Boxes, scores and classes of an object detector (see <see cref="DetectionSpec"/>); set by the repository, not written in manifests.</summary>
    [JsonStringEnumMemberName("detections")]
    Detections,
}
