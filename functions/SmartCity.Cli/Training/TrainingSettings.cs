using SmartCity.Cli.Push;

namespace SmartCity.Cli.Training;

/// <summary>What a <c>train-*</c> command was asked: the labelled data, the model version folder to write, the engine, where to publish it (if anywhere), and the backbone version to train over (null: its default).</summary>
internal sealed record TrainingSettings(string Data, string Output, EngineSettings Engine, PushSettings? Push = null, string? BackboneVersion = null)
{
    public const string Backbone = "resnet18-embedding";

    /// <summary>The backbone version the head is trained over; written into its manifest.</summary>
    public Inference.Models.ModelVersion ResolveBackbone(Inference.Runtime.InferenceEngine engine) => engine.Repository.Get(Backbone, BackboneVersion);

    /// <summary>The version the output folder's name says (the last path segment).</summary>
    public string OutputVersion => Path.GetFileName(Path.TrimEndingDirectorySeparator(Output));
}
