using System.Text.Json;
using SkiaSharp;
using SmartCity.Functions.Http;
using SmartCity.Functions.Http.OpenInference;
using SmartCity.Inference.Runtime;
using static SmartCity.Functions.Tests.HttpTestHost;

namespace SmartCity.Functions.Tests;

/// <summary>
/// An object detector through the native predict API and the Open Inference Protocol, with the
/// <c>custom-vision-detector</c> fixture: on a white image it finds a car (0.9, box 0.1,0.1,0.4,0.4)
/// and a bus (0.7, box 0.6,0.5,0.3,0.5); its third box is suppressed.
/// </summary>
public sealed class DetectionFunctionsTests : IAsyncLifetime
{
    private const string Detector = "custom-vision-detector";
    private InferenceEngine _engine = null!;
    private PredictFunctions _predict = null!;
    private OpenInferenceFunctions _v2 = null!;

    public Task InitializeAsync()
    {
        _engine = TestSupport.FixtureEngine();
        _predict = new PredictFunctions(new PredictHandler(_engine, TestSupport.HttpOptions()));
        _v2 = new OpenInferenceFunctions(new OpenInferenceHandler(_engine, TestSupport.HttpOptions()));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    [Fact]
    public async Task Native_predict_answers_each_box_with_its_label_and_probability()
    {
        var context = Request("POST", $"/api/models/{Detector}/predict", TestSupport.Solid(SKColors.White, size: 8), "image/png");
        var response = await InvokeAsync(context, () => _predict.Predict(context.Request, Detector));

        Assert.Equal(200, response.Status);
        var predictions = response.Json.GetProperty("images")[0].GetProperty("predictions");
        Assert.Equal(["car", "bus"], predictions.EnumerateArray().Select(p => p.GetProperty("label").GetString()));
        var car = predictions[0];
        Assert.Equal(0.9, car.GetProperty("probability").GetDouble(), 4);
        var box = car.GetProperty("box");
        Assert.Equal([0.1, 0.1, 0.4, 0.4], new[] { "left", "top", "width", "height" }.Select(n => Math.Round(box.GetProperty(n).GetDouble(), 4)));
    }

    [Fact]
    public async Task Native_predict_threshold_raises_the_score_threshold()
    {
        var context = Request("POST", $"/api/models/{Detector}/predict", TestSupport.Solid(SKColors.White, size: 8), "image/png", "threshold=0.8");
        var response = await InvokeAsync(context, () => _predict.Predict(context.Request, Detector));
        Assert.Equal(["car"], response.Json.GetProperty("images")[0].GetProperty("predictions").EnumerateArray().Select(p => p.GetProperty("label").GetString()));
    }

    [Fact]
    public async Task A_classifier_answer_has_no_box()
    {
        var context = Request("POST", "/api/models/channel-logits/predict", TestSupport.Solid(SKColors.Red), "image/png");
        var response = await InvokeAsync(context, () => _predict.Predict(context.Request, "channel-logits"));
        Assert.False(response.Json.GetProperty("images")[0].GetProperty("predictions")[0].TryGetProperty("box", out _));
    }

    [Fact]
    public async Task Open_inference_metadata_lists_the_raw_tensors_and_the_detections()
    {
        var context = Request("GET", $"/api/v2/models/{Detector}");
        var response = await InvokeAsync(context, () => _v2.V2ModelMetadata(context.Request, Detector));
        Assert.Equal(200, response.Status);
        var outputs = response.Json.GetProperty("outputs").EnumerateArray().ToList();
        Assert.Equal(["detected_boxes", "detected_scores", "detected_classes", "detections"], outputs.Select(o => o.GetProperty("name").GetString()));
        Assert.Equal("INT64", outputs[2].GetProperty("datatype").GetString());
        Assert.Equal([-1, 7], outputs[3].GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
    }

    [Fact]
    public async Task Open_inference_answers_the_raw_tensors_and_the_boxes_for_images()
    {
        var image = Convert.ToBase64String(TestSupport.Solid(SKColors.White, size: 8));
        var json = $$"""{"inputs":[{"name":"image_tensor","shape":[1],"datatype":"BYTES","data":["{{image}}"]}]}""";
        var context = Json("POST", $"/api/v2/models/{Detector}/infer", json);
        var response = await InvokeAsync(context, () => _v2.V2Infer(context.Request, Detector));

        Assert.Equal(200, response.Status);
        var outputs = response.Json.GetProperty("outputs").EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!);
        Assert.Equal([1, 3, 4], Shape(outputs["detected_boxes"]));
        Assert.Equal("INT64", outputs["detected_classes"].GetProperty("datatype").GetString());
        Assert.Equal([0, 0, 1], outputs["detected_classes"].GetProperty("data").EnumerateArray().Select(v => v.GetInt64()));
        var detections = outputs["detections"];
        Assert.Equal([2, 7], Shape(detections));
        var rows = detections.GetProperty("data").EnumerateArray().Select(v => Math.Round(v.GetDouble(), 4)).ToArray();
        Assert.Equal([0, 0, 0.9, 0.1, 0.1, 0.4, 0.4, 0, 1, 0.7, 0.6, 0.5, 0.3, 0.5], rows);
    }

    [Fact]
    public async Task Open_inference_takes_the_model_tensor_and_answers_the_outputs_asked_for()
    {
        var values = new float[3 * 320 * 320];
        Array.Fill(values, 255f, 0, 320 * 320); // red plane: only the car scores
        var json = JsonSerializer.Serialize(new { inputs = new[] { new { name = "image_tensor", shape = new[] { 1, 3, 320, 320 }, datatype = "FP32", data = values } }, outputs = new[] { new { name = "detections" } } });
        var context = Json("POST", $"/api/v2/models/{Detector}/infer", json);
        var response = await InvokeAsync(context, () => _v2.V2Infer(context.Request, Detector));

        Assert.Equal(200, response.Status);
        var output = Assert.Single(response.Json.GetProperty("outputs").EnumerateArray());
        Assert.Equal([1, 7], Shape(output));
    }

    [Fact]
    public async Task Open_inference_refuses_an_unknown_output_of_a_detector_with_400()
    {
        var image = Convert.ToBase64String(TestSupport.Solid(SKColors.White, size: 8));
        var json = $$"""{"inputs":[{"name":"image_tensor","shape":[1],"datatype":"BYTES","data":["{{image}}"]}],"outputs":[{"name":"probabilities"}]}""";
        var context = Json("POST", $"/api/v2/models/{Detector}/infer", json);
        var response = await InvokeAsync(context, () => _v2.V2Infer(context.Request, Detector));
        Assert.Equal(400, response.Status);
        Assert.Contains("'detections'", response.Json.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    private static long[] Shape(JsonElement output) => [.. output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64())];
}
