namespace SmartCity.Cli.Quantize;

/// <summary>What <c>quantize</c> was asked.</summary>
/// <param name="Model">The float image-embedding model to quantize.</param>
/// <param name="Version">Its version (null: the default).</param>
/// <param name="Calibration">Folders of images (subfolders too) to calibrate on.</param>
/// <param name="Images">How many calibration images, spread evenly over the folders.</param>
/// <param name="Output">The new model version folder.</param>
/// <param name="PerChannel">One weight scale per Conv output channel.</param>
/// <param name="ReduceRange">7-bit weights (see <see cref="Inference.Onnx.QuantizationSettings.ReduceRange"/>).</param>
internal sealed record QuantizeSettings(string Model, string? Version, IReadOnlyList<string> Calibration, int Images, string Output, bool PerChannel, bool ReduceRange, EngineSettings Engine);
