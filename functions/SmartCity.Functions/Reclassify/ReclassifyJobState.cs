using System.Text.Json.Serialization;

namespace SmartCity.Functions.Reclassify;

[JsonConverter(typeof(JsonStringEnumConverter<ReclassifyJobState>))]
public enum ReclassifyJobState
{
    /// <summary>Created; its first listing message is on the queue.</summary>
    [JsonStringEnumMemberName("queued")]
    Queued,

    /// <summary>Listing the stored results page by page, and sending their batches.</summary>
    [JsonStringEnumMemberName("listing")]
    Listing,

    /// <summary>Everything listed; batches still to finish.</summary>
    [JsonStringEnumMemberName("running")]
    Running,

    /// <summary>Every batch finished (some uploads may have failed: see the counts).</summary>
    [JsonStringEnumMemberName("completed")]
    Completed,

    /// <summary>The listing itself failed.</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,
}
