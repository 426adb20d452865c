using System.ComponentModel.DataAnnotations;
using SmartCity.Inference;

namespace SmartCity.Functions.Reclassify;

/// <summary>Reclassifications of stored camera results, bound from the <c>Reclassify</c> section (and the top-level <c>ReclassifyQueue</c>).</summary>
public sealed class ReclassifyOptions
{
    public const string Section = "Reclassify";

    /// <summary>The queue trigger reads the queue name as <c>%ReclassifyQueue%</c>, so it is a top-level setting.</summary>
    public const string QueueSetting = "ReclassifyQueue";

    /// <summary>Queue-message tries before the host moves a message to the poison queue (host.json <c>extensions.queues.maxDequeueCount</c>).</summary>
    public const int MaxDequeueCount = 5;

    /// <summary>Result rows one listing message reads (a Tables page is at most 1000).</summary>
    public const int RowsPerListing = 1000;

    /// <summary>Failures kept by name and reason in the job; the rest are counted.</summary>
    public const int MaxListedFailures = 20;

    /// <summary>The container of the <c>ModelStorage</c> account where jobs keep their document and batches.</summary>
    [RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$", ErrorMessage = "Reclassify:JobsContainer must be a blob container name: 3-63 lowercase letters, digits and single hyphens.")]
    public string JobsContainer { get; set; } = "reclassifications";

    /// <summary>The queue of listing and batch messages (<see cref="QueueSetting"/>).</summary>
    [RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,54}[a-z0-9]$", ErrorMessage = "ReclassifyQueue must be a queue name: 3-56 lowercase letters, digits and single hyphens (its poison queue adds '-poison').")]
    public string Queue { get; set; } = "camera-reclassify";

    /// <summary>Uploads one batch message reclassifies: bounds an invocation well below the function timeout (5 minutes).</summary>
    [SettingRange(1, 1000, ErrorMessage = "Reclassify:BlobsPerMessage must be between {1} and {2}.")]
    public int BlobsPerMessage { get; set; } = 50;

    /// <summary>Uploads of one batch reclassified at once (their predictions share the engine's batches).</summary>
    [SettingRange(1, 64, ErrorMessage = "Reclassify:ParallelBlobs must be between {1} and {2}.")]
    public int ParallelBlobs { get; set; } = 8;

    /// <summary>The poison queue the host moves a message to after <see cref="MaxDequeueCount"/> failed tries.</summary>
    public string PoisonQueue => Queue + "-poison";
}
