namespace SmartCity.Training.Tests;

/// <summary>
/// The generator of the tiny fixture models under <c>Fixtures/models</c>. Each reads a small image
/// tensor and outputs per-channel means, so tests can predict its answer exactly. One model per
/// manifest option that matters:
/// <list type="bullet">
/// <item><c>channel-logits</c>: NCHW, RGB, 0–1, logits (softmax applied by the engine).</item>
/// <item><c>channel-probabilities-nhwc</c>: NHWC, RGB, 0–1, probabilities (softmax inside the model).</item>
/// <item><c>custom-vision-bgr</c>: NCHW, BGR, 0–255, ZipMap output as an Azure Custom Vision export has.</item>
/// <item><c>channel-embedding</c>: NCHW, RGB, 0–1, embedding (L2-normalised by the engine).</item>
/// </list>
/// <c>Fixture_models_match_their_generator</c> keeps the committed files equal to this code;
/// set <c>REGENERATE_FIXTURES=1</c> to rewrite them.
/// </summary>
internal static class FixtureModels
{
    public static IReadOnlyDictionary<string, byte[]> Build() => new Dictionary<string, byte[]>
    {
        ["channel-logits/1/model.onnx"] = new OnnxGraphBuilder("channel_logits")
            .AddFloatInput("pixels", "batch", 3, 4, 4)
            .AddNode("ReduceMean", ["pixels"], ["logits"], new Dictionary<string, object> { ["axes"] = new long[] { 2, 3 }, ["keepdims"] = 0L })
            .AddFloatOutput("logits", "batch", 3)
            .Build("fixture"),
        // Version 2 of the same model answers the same, so the default-version rule is testable.
        ["channel-logits/2/model.onnx"] = new OnnxGraphBuilder("channel_logits_v2")
            .AddFloatInput("pixels", "batch", 3, 4, 4)
            .AddNode("ReduceMean", ["pixels"], ["logits"], new Dictionary<string, object> { ["axes"] = new long[] { 2, 3 }, ["keepdims"] = 0L })
            .AddFloatOutput("logits", "batch", 3)
            .Build("fixture"),
        ["channel-probabilities-nhwc/1/model.onnx"] = new OnnxGraphBuilder("channel_probabilities_nhwc")
            .AddFloatInput("image", "batch", 4, 4, 3)
            .AddNode("ReduceMean", ["image"], ["means"], new Dictionary<string, object> { ["axes"] = new long[] { 1, 2 }, ["keepdims"] = 0L })
            .AddNode("Softmax", ["means"], ["probabilities"], new Dictionary<string, object> { ["axis"] = 1L })
            .AddFloatOutput("probabilities", "batch", 3)
            .Build("fixture"),
        ["custom-vision-bgr/1/model.onnx"] = new OnnxGraphBuilder("custom_vision_like")
            .AddFloatInput("data", "batch", 3, 8, 8)
            .AddInitializer("scale", [1f / 255f], 1)
            .AddNode("ReduceMean", ["data"], ["means"], new Dictionary<string, object> { ["axes"] = new long[] { 2, 3 }, ["keepdims"] = 0L })
            .AddNode("Mul", ["means", "scale"], ["scaled"])
            .AddNode("Softmax", ["scaled"], ["probabilities"], new Dictionary<string, object> { ["axis"] = 1L })
            .AddNode("ZipMap", ["probabilities"], ["loss"], new Dictionary<string, object> { ["classlabels_strings"] = new[] { "blue", "green", "red" } }, "ai.onnx.ml")
            .AddZipMapOutput("loss")
            .Build("fixture"),
        ["channel-embedding/1/model.onnx"] = new OnnxGraphBuilder("channel_embedding")
            .AddFloatInput("pixels", "batch", 3, 4, 4)
            .AddNode("ReduceMean", ["pixels"], ["embedding"], new Dictionary<string, object> { ["axes"] = new long[] { 2, 3 }, ["keepdims"] = 0L })
            .AddFloatOutput("embedding", "batch", 3)
            .Build("fixture"),
    };
}
