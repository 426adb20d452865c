using SmartCity.Inference.Models;

namespace SmartCity.Functions.Http;

/// <summary>How images are turned into the model's input tensor.</summary>
public sealed record ModelInputBody(
    string? Name,
    TensorLayout Layout,
    int Width,
    int Height,
    ResizeMode Resize,
    ChannelOrder ChannelOrder,
    ValueRange ValueRange,
    float[] Mean,
    float[] Std);
