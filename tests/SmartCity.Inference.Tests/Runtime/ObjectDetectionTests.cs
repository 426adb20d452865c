using SkiaSharp;
using SmartCity.Inference.Models;
using SmartCity.Inference.Runtime;

namespace SmartCity.Inference.Tests.Runtime;

/// <summary>
/// Object detection over the <c>custom-vision-detector</c> fixture (the inputs and outputs of a newer
/// Custom Vision compact detection export): three fixed boxes whose scores follow the image's
/// channels, so each answer is known exactly. Box 0 (car, 0.1–0.5) and box 1 (car, 0.12–0.52)
/// overlap; box 2 (bus, x 0.6–0.9, y 0.5–1.2) reaches past the image and is clipped.
/// </summary>
public sealed class ObjectDetectionTests : IAsyncLifetime
{
    private InferenceEngine _engine = null!;

    public Task InitializeAsync()
    {
        var options = new InferenceOptions { ModelsPath = TestPaths.FixtureModels, MaxBatchSize = 8 };
        _engine = new InferenceEngine(new ModelRepository(options.ResolvedModelsPath), options);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    [Fact]
    public async Task Boxes_are_read_thresholded_and_suppressed()
    {
        var prediction = await _engine.PredictAsync("custom-vision-detector", null, TestImages.Solid(SKColors.White, size: 16));

        // Box 1 overlaps box 0 (IoU about 0.82 > 0.45) with a lower score and the same class: suppressed.
        Assert.Equal(["car", "bus"], prediction.Detections.Select(d => d.Label));
        var car = prediction.Detections[0];
        Assert.Equal(0, car.ClassIndex);
        Assert.Equal(0.9f, car.Probability, 4);
        AssertBox(new BoundingBox(0.1f, 0.1f, 0.4f, 0.4f), car.Box);
        var bus = prediction.Detections[1];
        Assert.Equal(1, bus.ClassIndex);
        Assert.Equal(0.7f, bus.Probability, 4);
        AssertBox(new BoundingBox(0.6f, 0.5f, 0.3f, 0.5f), bus.Box);
        Assert.Equal(["car", "bus"], prediction.Predictions.Select(p => p.Label));
        Assert.Equal((16, 16), (prediction.Width, prediction.Height));
    }

    [Fact]
    public async Task Scores_follow_the_channels_in_RGB_order_and_the_threshold_drops_the_rest()
    {
        var red = await _engine.PredictAsync("custom-vision-detector", null, TestImages.Solid(SKColors.Red, size: 8));
        Assert.Equal(["car"], red.Detections.Select(d => d.Label));
        Assert.Equal(0.9f, red.Detections[0].Probability, 4);

        var blue = await _engine.PredictAsync("custom-vision-detector", null, TestImages.Solid(SKColors.Blue, size: 8));
        Assert.Equal(["bus"], blue.Detections.Select(d => d.Label));
    }

    [Fact]
    public async Task A_request_threshold_above_the_manifest_one_raises_it()
    {
        var prediction = await _engine.PredictAsync("custom-vision-detector", null, TestImages.Solid(SKColors.White, size: 8), threshold: 0.8f);
        Assert.Equal(["car"], prediction.Detections.Select(d => d.Label));
    }

    [Fact]
    public async Task The_raw_output_tensors_are_kept_as_the_model_returned_them()
    {
        var prediction = await _engine.PredictAsync("custom-vision-detector", null, TestImages.Solid(SKColors.White, size: 8));
        Assert.Equal(["detected_boxes", "detected_scores", "detected_classes"], prediction.RawOutputs.Select(r => r.Name));
        Assert.Equal([1L, 3, 4], prediction.RawOutputs[0].Shape);
        Assert.Equal("FP32", prediction.RawOutputs[1].Datatype);
        Assert.Equal([1L, 3], prediction.RawOutputs[1].Shape);
        Assert.Equal("INT64", prediction.RawOutputs[2].Datatype);
        Assert.Equal([0L, 0, 1], (long[])prediction.RawOutputs[2].Data);
        Assert.Equal(1.2f, ((float[])prediction.RawOutputs[0].Data)[11], 5);
    }

    [Fact]
    public async Task A_tensor_input_is_detected_like_an_image()
    {
        var model = _engine.Repository.Get("custom-vision-detector");
        var values = new float[3 * 320 * 320];
        Array.Fill(values, 255f, 2 * 320 * 320, 320 * 320); // the blue plane only
        var predictions = await _engine.DetectTensorAsync(model, values, [1, 3, 320, 320]);
        Assert.Equal(["bus"], Assert.Single(predictions).Detections.Select(d => d.Label));
    }

    [Fact]
    public async Task The_signature_lists_the_three_tensors_and_the_detections()
    {
        var signature = await _engine.DescribeAsync(_engine.Repository.Get("custom-vision-detector"));
        Assert.Equal("image_tensor", signature.InputName);
        Assert.Equal(["detected_boxes", "detected_scores", "detected_classes", "detections"], signature.Outputs.Select(o => o.Name));
        Assert.Equal("INT64", signature.Outputs[2].Datatype);
        Assert.Equal(3, signature.Outputs[0].Shape.Length);
        Assert.Equal(4, signature.Outputs[0].Shape[2]);
        Assert.Equal(["car", "bus"], signature.Labels);
    }

    [Fact]
    public async Task A_custom_vision_classification_export_loads_with_its_manifest_and_reads_BGR()
    {
        // The fixture has the export's input 'data', outputs 'classLabel' and 'loss' (ZipMap) and its metadata (Bgr8, 0-255).
        var red = await _engine.PredictAsync("custom-vision-classifier", null, TestImages.Solid(SKColors.Red, size: 8));
        Assert.Equal(["blue", "green", "red"], red.Labels);
        Assert.Equal("red", red.Predictions[0].Label);
        var expected = new[] { 0f, 0f, 1f };
        Postprocessing.Softmax(expected);
        Assert.Equal(expected[2], red.Predictions[0].Probability, 5);
    }

    [Theory]
    [InlineData("\"channelOrder\": \"BGR\"", "\"channelOrder\": \"RGB\"", "input.channelOrder", "Image.BitmapPixelFormat 'Bgr8'")]
    [InlineData("\"valueRange\": \"0-255\"", "\"valueRange\": \"0-1\"", "input.valueRange", "Image.NominalPixelRange 'NominalRange_0_255'")]
    public async Task A_manifest_contradicting_the_export_metadata_fails_at_load(string from, string to, string field, string metadata)
    {
        var root = Path.Combine(Path.GetTempPath(), "smartcity-cv-" + Guid.NewGuid().ToString("N"));
        try
        {
            var source = Path.Combine(TestPaths.FixtureModels, "custom-vision-classifier", "1");
            var target = Directory.CreateDirectory(Path.Combine(root, "cv", "1")).FullName;
            File.Copy(Path.Combine(source, "model.onnx"), Path.Combine(target, "model.onnx"));
            File.WriteAllText(Path.Combine(target, "model.json"), File.ReadAllText(Path.Combine(source, "model.json")).Replace(from, to, StringComparison.Ordinal));
            var options = new InferenceOptions { ModelsPath = root };
            await using var engine = new InferenceEngine(new ModelRepository(root), options);
            var error = await Assert.ThrowsAsync<ModelManifestException>(() => engine.PredictAsync("cv", null, TestImages.Solid(SKColors.Red, size: 8)));
            Assert.Equal(field, error.Field);
            Assert.Contains(metadata, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Theory]
    [InlineData(BoxFormat.Xyxy, true, 0.1f, 0.2f, 0.5f, 0.6f, 0.1f, 0.2f, 0.4f, 0.4f)]
    [InlineData(BoxFormat.Xywh, true, 0.1f, 0.2f, 0.4f, 0.4f, 0.1f, 0.2f, 0.4f, 0.4f)]
    [InlineData(BoxFormat.CxCyWh, true, 0.3f, 0.4f, 0.4f, 0.4f, 0.1f, 0.2f, 0.4f, 0.4f)]
    [InlineData(BoxFormat.Xyxy, false, 32f, 64f, 160f, 192f, 0.1f, 0.2f, 0.4f, 0.4f)]
    [InlineData(BoxFormat.CxCyWh, false, 96f, 128f, 128f, 128f, 0.1f, 0.2f, 0.4f, 0.4f)]
    [InlineData(BoxFormat.Xyxy, true, -0.2f, 0.5f, 0.5f, 1.5f, 0f, 0.5f, 0.5f, 0.5f)]
    public void Box_formats_become_normalised_left_top_width_height(BoxFormat format, bool normalized, float a, float b, float c, float d, float left, float top, float width, float height)
    {
        // Pixel boxes are divided by the input size, here 320 wide and 320 high.
        AssertBox(new BoundingBox(left, top, width, height), DetectionPostprocessing.ToBox(format, normalized, a, b, c, d, 320, 320));
    }

    [Fact]
    public void Suppression_is_per_class_and_max_detections_cuts_the_rest()
    {
        float[] candidates =
        [
            0.1f, 0.1f, 0.4f, 0.4f, 0.9f, 0,
            0.1f, 0.1f, 0.4f, 0.4f, 0.8f, 1, // same box, other class: kept
            0.11f, 0.11f, 0.4f, 0.4f, 0.7f, 0, // overlaps the first, same class: suppressed
            0.6f, 0.6f, 0.2f, 0.2f, 0.6f, 0,
        ];
        var all = DetectionPostprocessing.Select(candidates, ["a", "b"], 0.01f, 0.45f, 10);
        Assert.Equal([0.9f, 0.8f, 0.6f], all.Select(d => d.Probability));
        var two = DetectionPostprocessing.Select(candidates, ["a", "b"], 0.01f, 0.45f, 2);
        Assert.Equal(2, two.Length);
        var unsuppressed = DetectionPostprocessing.Select(candidates, ["a", "b"], 0.01f, null, 10);
        Assert.Equal(4, unsuppressed.Length);
    }

    private static void AssertBox(BoundingBox expected, BoundingBox actual)
    {
        Assert.Equal(expected.Left, actual.Left, 4);
        Assert.Equal(expected.Top, actual.Top, 4);
        Assert.Equal(expected.Width, actual.Width, 4);
        Assert.Equal(expected.Height, actual.Height, 4);
    }
}
