namespace SmartCity.Inference.Models;

/// <summary>One validated model version from the repository.</summary>
public sealed class ModelVersion
{
    internal ModelVersion(string name, string version, string directory, ModelManifest manifest, string onnxPath, IReadOnlyList<string> labels, ModelVersion? backbone)
    {
        Name = name;
        Version = version;
        Directory = directory;
        Manifest = manifest;
        OnnxPath = onnxPath;
        Labels = labels;
        Backbone = backbone;
    }

    public string Name { get; }

    public string Version { get; }

    public string Directory { get; }

    public ModelManifest Manifest { get; }

    public ModelTask Task => Manifest.Task!.Value;

    public OutputKind OutputKind => Manifest.Output!.Kind!.Value;

    /// <summary>The ONNX file this version runs (for a head, the head's file).</summary>
    public string OnnxPath { get; }

    /// <summary>Labels in output order; empty for embeddings and for ZipMap outputs, which carry their own.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>The backbone whose output this model reads, or null when images go straight into this model.</summary>
    public ModelVersion? Backbone { get; }

    /// <summary>How images are turned into the tensor the first stage reads.</summary>
    public InputSpec ImageInput => Backbone?.ImageInput ?? Manifest.Input!;

    public string Id => $"{Name}/{Version}";

    public override string ToString() => Id;
}
