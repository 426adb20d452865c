namespace SmartCity.Inference.Models;

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
