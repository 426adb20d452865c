using SmartCity.Cli.Push;
using SmartCity.Training;

namespace SmartCity.Cli.Training;

/// <summary>What a <c>train-*</c> command was asked: the labelled data, the model version folder to write, the engine, where to publish it (if anywhere), the backbone version to train over (null: its default), and the example index.</summary>
internal sealed record TrainingSettings(string Data, string Output, EngineSettings Engine, PushSettings? Push = null, string? BackboneVersion = null)
{
    public const string Backbone = "resnet18-embedding";

    /// <summary>How many training examples the version's example index keeps, and whether their images may be shown.</summary>
    public ExampleIndexSettings Examples { get; init; } = new();

    /// <summary>The backbone version the head is trained over; written into its manifest.</summary>
    public Inference.Models.ModelVersion ResolveBackbone(Inference.Runtime.InferenceEngine engine) => engine.Repository.Get(Backbone, BackboneVersion);

    /// <summary>The version the output folder's name says (the last path segment).</summary>
    public string OutputVersion => Path.GetFileName(Path.TrimEndingDirectorySeparator(Output));
}
