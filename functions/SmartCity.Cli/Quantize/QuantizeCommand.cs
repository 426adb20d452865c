using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace SmartCity.Cli.Quantize;

/// <summary><c>quantize</c>: an 8-bit QDQ version of a float image-embedding model, calibrated on real images.</summary>
internal sealed class QuantizeCommand : Command
{
    public const int MinImages = 2;

    public const int MaxImages = 5000;

    private readonly Option<string> _model = new("--model")
    {
        Description = "The float image-embedding model to quantize.",
        HelpName = "name",
        DefaultValueFactory = _ => "resnet18-embedding",
    };

    private readonly Option<string?> _version = new("--version")
    {
        Description = "Its version (default: the model's default version).",
        HelpName = "N",
    };

    private readonly Option<string[]> _calibration = new("--calibration")
    {
        Description = "Folders of images (subfolders too) to calibrate the activation ranges on; give it once per folder.",
        HelpName = "folder",
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = true,
        DefaultValueFactory = _ => [Path.Combine("..", "shared", "data", "traffic-cameras"), Path.Combine("..", "shared", "data", "vehicles")],
    };

    private readonly Option<int> _images = new("--images")
    {
        Description = $"Calibration images, spread evenly over the folders ({MinImages} to {MaxImages}); as many others, where there are, measure the quantized model against the float one.",
        HelpName = "N",
        DefaultValueFactory = _ => 200,
        CustomParser = ParseImages,
    };

    private readonly Option<string> _out = new("--out")
    {
        Description = "The model version folder to write (model.onnx, model.json, quantization.json, QUANTIZATION.md).",
        HelpName = "folder",
        DefaultValueFactory = _ => Path.Combine("models", "resnet18-embedding", "2"),
    };

    private readonly Option<bool> _perTensor = new("--per-tensor")
    {
        Description = "One weight scale per Conv instead of one per output channel.",
    };

    private readonly Option<bool> _fullRange = new("--full-range")
    {
        Description = "8-bit weights (-127..127) instead of 7-bit; can saturate in ONNX Runtime's uint8 x int8 kernels on x86 without VNNI.",
    };

    private readonly EngineOptions _engine = new();

    public QuantizeCommand(CommandConsole console)
        : base("quantize", "Write an 8-bit quantized (QuantizeLinear/DequantizeLinear) version of a float image-embedding model: batch normalisation folded, int8 weights, uint8 activations calibrated on real images; reports its cosine similarity to the float model.")
    {
        Add(_model);
        Add(_version);
        Add(_calibration);
        Add(_images);
        Add(_out);
        Add(_perTensor);
        Add(_fullRange);
        _engine.AddTo(this);
        SetAction((parse, cancellationToken) => BackboneQuantization.RunAsync(Bind(parse), console, cancellationToken));
    }

    private QuantizeSettings Bind(ParseResult parse) => new(
        parse.GetRequiredValue(_model),
        parse.GetValue(_version),
        parse.GetRequiredValue(_calibration),
        parse.GetRequiredValue(_images),
        parse.GetRequiredValue(_out),
        !parse.GetValue(_perTensor),
        !parse.GetValue(_fullRange),
        _engine.Bind(parse));

    private static int ParseImages(ArgumentResult result)
    {
        var text = result.Tokens[0].Value;
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var images) && images is >= MinImages and <= MaxImages)
        {
            return images;
        }

        result.AddError($"--images must be a whole number from {MinImages} to {MaxImages}, not '{text}'.");
        return 0;
    }
}
