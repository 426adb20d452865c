using System.ComponentModel.DataAnnotations;
using SmartCity.Inference;

namespace SmartCity.Functions.Training;

/// <summary>Training jobs, bound from the <c>Training</c> section (and the top-level <c>TrainingJobsQueue</c>).</summary>
public sealed class TrainingOptions
{
    public const string Section = "Training";

    /// <summary>The queue trigger reads the queue name as <c>%TrainingJobsQueue%</c>, so it is a top-level setting.</summary>
    public const string QueueSetting = "TrainingJobsQueue";

    /// <summary>Queue-message tries before the host moves a message to the poison queue (host.json <c>extensions.queues.maxDequeueCount</c>).</summary>
    public const int MaxDequeueCount = 5;

    /// <summary>The container of the <c>ModelStorage</c> account that holds labelled images (a prefix with one folder per label, or a labels CSV).</summary>
    [RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$", ErrorMessage = "Training:DataContainer must be a blob container name: 3-63 lowercase letters, digits and single hyphens.")]
    public string DataContainer { get; set; } = "training-data";

    /// <summary>The container where jobs keep their state, embeddings and trained package.</summary>
    [RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$", ErrorMessage = "Training:JobsContainer must be a blob container name: 3-63 lowercase letters, digits and single hyphens.")]
    public string JobsContainer { get; set; } = "training-jobs";

    /// <summary>The queue whose messages run the jobs' steps (<see cref="QueueSetting"/>).</summary>
    [RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$", ErrorMessage = "TrainingJobsQueue must be a queue name: 3-63 lowercase letters, digits and single hyphens.")]
    public string Queue { get; set; } = "training-jobs";

    /// <summary>Images one queue message embeds: bounds an invocation well below the function timeout (5 minutes).</summary>
    [SettingRange(1, 1000, ErrorMessage = "Training:ImagesPerMessage must be between {1} and {2}.")]
    public int ImagesPerMessage { get; set; } = 100;

    /// <summary>Fewer labelled images than this for a label fail the job.</summary>
    [SettingRange(3, 100_000, ErrorMessage = "Training:MinImagesPerLabel must be between {1} and {2}.")]
    public int MinImagesPerLabel { get; set; } = 10;

    /// <summary>More labelled images than this in one job fail it.</summary>
    [SettingRange(10, 200_000, ErrorMessage = "Training:MaxImages must be between {1} and {2}.")]
    public int MaxImages { get; set; } = 20_000;

    /// <summary>Larger image files are reported unreadable without being downloaded.</summary>
    public const long MaxImageBytes = 25 * 1024 * 1024;

    /// <summary>The poison queue the host moves a message to after <see cref="MaxDequeueCount"/> failed tries.</summary>
    public string PoisonQueue => Queue + "-poison";
}
