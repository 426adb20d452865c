namespace SmartCity.Inference.Models;

/// <summary>The <c>model.json</c> beside each model version.</summary>
public sealed class ModelManifest
{
    public ModelTask? Task { get; set; }

    public string? Description { get; set; }

    /// <summary>Licence and credit of the weights and of the data they were trained on.</summary>
    public string? License { get; set; }

    /// <summary>The ONNX file, relative to the version folder. Default <c>model.onnx</c>.</summary>
    public string? File { get; set; }

    /// <summary>Where a build takes the ONNX file from when it is not committed (a NuGet package).</summary>
    public ModelSource? Source { get; set; }

    /// <summary>Rewrite the first dimension of inputs and outputs to a symbolic batch dimension at load.</summary>
    public bool DynamicBatch { get; set; }

    /// <summary>
    /// Most requests the dynamic batcher puts in one run of this model (Triton's per-model
    /// <c>max_batch_size</c>), 1 to 256. Unset: the server's <c>Inference:MaxBatchSize</c>.
    /// </summary>
    public int? MaxBatchSize { get; set; }

    /// <summary>
    /// Longest a request to this model waits for others to join its batch, in milliseconds
    /// (Triton's <c>max_queue_delay_microseconds</c>), 0 to 1000. Unset: the server's <c>Inference:MaxQueueDelayMs</c>.
    /// </summary>
    public int? MaxQueueDelayMs { get; set; }

    /// <summary>When set, this model is a head: images go through the backbone, whose output feeds this model's file.</summary>
    public BackboneReference? Backbone { get; set; }

    public InputSpec? Input { get; set; }

    public OutputSpec? Output { get; set; }

    /// <summary>A text file with one label per line, in output order.</summary>
    public string? Labels { get; set; }

    /// <summary>
    /// Several outputs read from one pass, instead of <see cref="Output"/> and <see cref="Labels"/>:
    /// e.g. congestion and lighting heads over one backbone pass. The first is the primary answer.
    /// </summary>
    public List<ManifestHead>? Heads { get; set; }

    /// <summary>For <c>task: object-detection</c>: the outputs holding boxes, scores and classes, and how to read them.</summary>
    public DetectionSpec? Detection { get; set; }

    /// <summary>
    /// The example index (<see cref="ExampleIndex"/>, e.g. <c>examples.bin</c>), relative to the version
    /// folder: embeddings of training images with their labels, for example-based explanations. Optional.
    /// </summary>
    public string? Examples { get; set; }

    /// <summary>For a head: run the backbone on several regions of each image and give the head all their features.</summary>
    public TilesSpec? Tiles { get; set; }
}
