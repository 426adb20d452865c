using System.Text.Json.Serialization;

namespace SmartCity.Inference.Models;

/// <summary>What a model does, as declared in its manifest.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ModelTask>))]
public enum ModelTask
{
    [JsonStringEnumMemberName("image-classification")]
    ImageClassification,

    [JsonStringEnumMemberName("image-embedding")]
    ImageEmbedding,
}

[JsonConverter(typeof(JsonStringEnumConverter<TensorLayout>))]
public enum TensorLayout
{
    [JsonStringEnumMemberName("NCHW")]
    Nchw,

    [JsonStringEnumMemberName("NHWC")]
    Nhwc,
}

[JsonConverter(typeof(JsonStringEnumConverter<ResizeMode>))]
public enum ResizeMode
{
    /// <summary>Scale both sides to the input size, ignoring the aspect ratio.</summary>
    [JsonStringEnumMemberName("stretch")]
    Stretch,

    /// <summary>Scale the shorter side to the input size, then cut the centre.</summary>
    [JsonStringEnumMemberName("shorter-side-center-crop")]
    ShorterSideCenterCrop,
}

[JsonConverter(typeof(JsonStringEnumConverter<ChannelOrder>))]
public enum ChannelOrder
{
    [JsonStringEnumMemberName("RGB")]
    Rgb,

    [JsonStringEnumMemberName("BGR")]
    Bgr,
}

[JsonConverter(typeof(JsonStringEnumConverter<ValueRange>))]
public enum ValueRange
{
    /// <summary>Pixel values divided by 255 before mean and std apply.</summary>
    [JsonStringEnumMemberName("0-1")]
    ZeroToOne,

    /// <summary>Pixel values as they are (0 to 255) before mean and std apply.</summary>
    [JsonStringEnumMemberName("0-255")]
    ZeroTo255,
}

/// <summary>How to read the model's output.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<OutputKind>))]
public enum OutputKind
{
    /// <summary>Raw scores: softmax gives probabilities.</summary>
    [JsonStringEnumMemberName("logits")]
    Logits,

    /// <summary>Already probabilities.</summary>
    [JsonStringEnumMemberName("probabilities")]
    Probabilities,

    /// <summary><c>sequence&lt;map&lt;string,float&gt;&gt;</c> of probabilities, as Azure Custom Vision exports.</summary>
    [JsonStringEnumMemberName("zipmap")]
    ZipMap,

    /// <summary>A feature vector, L2-normalised before it is returned.</summary>
    [JsonStringEnumMemberName("embedding")]
    Embedding,
}

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
    public List<HeadSpecJson>? Heads { get; set; }

    /// <summary>For a head: run the backbone on several regions of each image and give the head all their features.</summary>
    public TilesSpec? Tiles { get; set; }
}

/// <summary>One output of a multi-head model.</summary>
public sealed class HeadSpecJson
{
    /// <summary>The ONNX output tensor, also the head's name in answers.</summary>
    public string? Output { get; set; }

    public OutputKind? Kind { get; set; }

    public string? Labels { get; set; }
}

/// <summary>Regions of each image the backbone sees: optionally the whole image, plus a grid of tiles.</summary>
public sealed class TilesSpec
{
    /// <summary>Columns and rows of the tile grid, e.g. [2, 2].</summary>
    public int[] Grid { get; set; } = [1, 1];

    /// <summary>Also pass the whole image (squashed to the input size) as the first region.</summary>
    public bool IncludeFull { get; set; } = true;
}

public sealed class ModelSource
{
    public string? Package { get; set; }

    public string? Version { get; set; }

    public string? Path { get; set; }
}

public sealed class BackboneReference
{
    public string? Model { get; set; }

    public string? Version { get; set; }
}

public sealed class InputSpec
{
    public string? Name { get; set; }

    public TensorLayout Layout { get; set; } = TensorLayout.Nchw;

    public string ElementType { get; set; } = "float32";

    public int Width { get; set; }

    public int Height { get; set; }

    public ResizeMode Resize { get; set; } = ResizeMode.Stretch;

    public ChannelOrder ChannelOrder { get; set; } = ChannelOrder.Rgb;

    public ValueRange ValueRange { get; set; } = ValueRange.ZeroToOne;

    public float[] Mean { get; set; } = [0f, 0f, 0f];

    public float[] Std { get; set; } = [1f, 1f, 1f];
}

public sealed class OutputSpec
{
    public string? Name { get; set; }

    public OutputKind? Kind { get; set; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(ModelManifest))]
internal sealed partial class ManifestJsonContext : JsonSerializerContext;
