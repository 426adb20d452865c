namespace SmartCity.Inference.Models;

/// <summary>One output of a multi-head model, as its manifest declares it (<c>heads[i]</c>).</summary>
public sealed class ManifestHead
{
    /// <summary>The ONNX output tensor, also the head's name in answers.</summary>
    public string? Output { get; set; }

    public OutputKind? Kind { get; set; }

    public string? Labels { get; set; }
}
