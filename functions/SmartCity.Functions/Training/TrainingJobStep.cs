using System.Text.Json.Serialization;

namespace SmartCity.Functions.Training;

/// <summary>What a job does next; each step is one queue message (embedding and L2 scoring repeat).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TrainingJobStep>))]
public enum TrainingJobStep
{
    /// <summary>List and check the labelled images, the backbone and the version to compare with.</summary>
    [JsonStringEnumMemberName("list")]
    List,

    /// <summary>Embed the next <c>Training:ImagesPerMessage</c> images through the backbone.</summary>
    [JsonStringEnumMemberName("embed")]
    Embed,

    /// <summary>Score the next L2 candidate on the validation split.</summary>
    [JsonStringEnumMemberName("choose-l2")]
    ChooseL2,

    /// <summary>Train the head with the chosen L2, evaluate it on the held-out images, write the package.</summary>
    [JsonStringEnumMemberName("train")]
    Train,

    /// <summary>Publish the package as the model's next version (once, whatever the retries).</summary>
    [JsonStringEnumMemberName("publish")]
    Publish,

    [JsonStringEnumMemberName("done")]
    Done,
}
