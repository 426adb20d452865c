using System.Text.Json.Serialization;

namespace SmartCity.Functions.Training;

/// <summary>Whether the version a job publishes becomes the model's default.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PromotionRule>))]
public enum PromotionRule
{
    /// <summary>Only when it beats the current default on the job's held-out images (or the model has no default yet).</summary>
    [JsonStringEnumMemberName("if-better")]
    IfBetter,

    [JsonStringEnumMemberName("always")]
    Always,

    [JsonStringEnumMemberName("never")]
    Never,
}
