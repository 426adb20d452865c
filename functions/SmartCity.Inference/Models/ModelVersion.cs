using System.Drawing;

namespace SmartCity.Inference.Models;

/// <summary>One validated model version from the repository.</summary>
public sealed class ModelVersion
{
    internal ModelVersion(string name, string version, string directory, ModelManifest manifest, string onnxPath, IReadOnlyList<HeadSpec> heads, IReadOnlyList<RectangleF> regions, ModelVersion? backbone, ExampleIndex? examples = null)
    {
        Examples = examples;
        Heads = heads;
        Regions = regions;
        var labels = heads[0].Labels;
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

    /// <summary>How the primary output is read.</summary>
    public OutputKind OutputKind => Heads[0].Kind;

    /// <summary>Every output this version answers with; the first is the primary one.</summary>
    public IReadOnlyList<HeadSpec> Heads { get; }

    /// <summary>Regions of the displayed image (fractions of width and height) the first stage reads; one full-image region by default.</summary>
    public IReadOnlyList<RectangleF> Regions { get; }

    /// <summary>The ONNX file this version runs (for a head, the head's file).</summary>
    public string OnnxPath { get; }

    /// <summary>Labels of the primary output in order; empty for embeddings and for ZipMap outputs, which carry their own.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>The backbone whose output this model reads, or null when images go straight into this model.</summary>
    public ModelVersion? Backbone { get; }

    /// <summary>How images are turned into the tensor the first stage reads.</summary>
    public InputSpec ImageInput => Backbone?.ImageInput ?? Manifest.Input!;

    /// <summary>The example index of this version (nearest training examples for explanations), or null when it has none.</summary>
    public ExampleIndex? Examples { get; }

    /// <summary>The path of <see cref="Examples"/>' file, or null.</summary>
    public string? ExamplesPath => Manifest.Examples is { } file ? System.IO.Path.Combine(Directory, file) : null;

    public string Id => $"{Name}/{Version}";

    public override string ToString() => Id;
}
