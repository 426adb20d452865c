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
/// <item><c>custom-vision-classifier</c>: the inputs, outputs and metadata of a Custom Vision compact
/// classification export (input <c>data</c> [N,3,224,224], outputs <c>classLabel</c> and the ZipMap <c>loss</c>,
/// <c>Image.BitmapPixelFormat</c> <c>Bgr8</c>, <c>Image.NominalPixelRange</c> <c>NominalRange_0_255</c>).</item>
/// <item><c>custom-vision-detector</c>: those of a newer Custom Vision compact object detection export
/// (input <c>image_tensor</c> [1,3,320,320], RGB 0–255; outputs <c>detected_boxes</c> [1,N,4] normalised
/// x1,y1,x2,y2, <c>detected_scores</c> [1,N], <c>detected_classes</c> int64 [1,N]). Three fixed boxes; box i
/// scores (0.9, 0.8, 0.7)[i] times the mean of channel i / 255; boxes 0 and 1 (class 0) overlap, box 2 is class 1.</item>
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
        ["custom-vision-classifier/1/model.onnx"] = new OnnxGraphBuilder("custom_vision_classifier")
            .AddFloatInput("data", "None", 3, 224, 224)
            .AddInitializer("scale", [1f / 255f], 1)
            .AddNode("ReduceMean", ["data"], ["means"], new Dictionary<string, object> { ["axes"] = new long[] { 2, 3 }, ["keepdims"] = 0L })
            .AddNode("Mul", ["means", "scale"], ["scaled"])
            .AddNode("Softmax", ["scaled"], ["probabilities"], new Dictionary<string, object> { ["axis"] = 1L })
            .AddNode("ArgMax", ["probabilities"], ["best"], new Dictionary<string, object> { ["axis"] = 1L, ["keepdims"] = 1L })
            .AddNode("LabelEncoder", ["best"], ["classLabel"], new Dictionary<string, object> { ["classes_strings"] = new[] { "blue", "green", "red" }, ["default_string"] = "" }, "ai.onnx.ml")
            .AddNode("ZipMap", ["probabilities"], ["loss"], new Dictionary<string, object> { ["classlabels_strings"] = new[] { "blue", "green", "red" } }, "ai.onnx.ml")
            .AddStringOutput("classLabel", "None", 1)
            .AddZipMapOutput("loss")
            .AddMetadata("Image.BitmapPixelFormat", "Bgr8")
            .AddMetadata("Image.NominalPixelRange", "NominalRange_0_255")
            .Build("fixture"),
        ["custom-vision-detector/1/model.onnx"] = new OnnxGraphBuilder("custom_vision_detector")
            .AddFloatInput("image_tensor", 1, 3, 320, 320)
            .AddInitializer("weights", [0.9f / 255f, 0.8f / 255f, 0.7f / 255f], 3)
            .AddInitializer("boxes", [0.1f, 0.1f, 0.5f, 0.5f, 0.12f, 0.12f, 0.52f, 0.52f, 0.6f, 0.5f, 0.9f, 1.2f], 1, 3, 4)
            .AddInitializer("classes", [0L, 0L, 1L], 1, 3)
            .AddNode("ReduceMean", ["image_tensor"], ["means"], new Dictionary<string, object> { ["axes"] = new long[] { 2, 3 }, ["keepdims"] = 0L })
            .AddNode("Mul", ["means", "weights"], ["detected_scores"])
            .AddNode("Identity", ["boxes"], ["detected_boxes"])
            .AddNode("Identity", ["classes"], ["detected_classes"])
            .AddFloatOutput("detected_boxes", 1, "N", 4)
            .AddInt64Output("detected_classes", 1, "N")
            .AddFloatOutput("detected_scores", 1, "N")
            .AddMetadata("Image.BitmapPixelFormat", "Rgb8")
            .AddMetadata("Image.NominalPixelRange", "NominalRange_0_255")
            .Build("fixture"),
        ["channel-embedding/1/model.onnx"] = new OnnxGraphBuilder("channel_embedding")
            .AddFloatInput("pixels", "batch", 3, 4, 4)
            .AddNode("ReduceMean", ["pixels"], ["embedding"], new Dictionary<string, object> { ["axes"] = new long[] { 2, 3 }, ["keepdims"] = 0L })
            .AddFloatOutput("embedding", "batch", 3)
            .Build("fixture"),
    };
}
