using System.Text.Json;
using SkiaSharp;
using SmartCity.Functions.Http.OpenInference;
using SmartCity.Inference.Runtime;
using static SmartCity.Functions.Tests.HttpTestHost;

namespace SmartCity.Functions.Tests;

/// <summary>
/// The Open Inference Protocol endpoints, with requests shaped like the spec's examples
/// (kserve/open-inference-protocol inference_rest.md) and Triton's classification extension.
/// The fixture model <c>channel-logits</c> reads <c>pixels</c> [-1,3,4,4] and answers softmax of the channel means.
/// </summary>
public sealed class OpenInferenceFunctionsTests : IAsyncLifetime
{
    private InferenceEngine _engine = null!;
    private OpenInferenceFunctions _functions = null!;

    public Task InitializeAsync()
    {
        _engine = TestSupport.FixtureEngine();
        _functions = new OpenInferenceFunctions(new OpenInferenceHandler(_engine, TestSupport.HttpOptions()));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    private static float[] Softmax(params float[] values)
    {
        Postprocessing.Softmax(values);
        return values;
    }

    /// <summary>Two 3x4x4 items: a red plane of ones, then a blue plane of ones.</summary>
    private static float[] RedThenBlue()
    {
        var data = new float[2 * 3 * 4 * 4];
        Array.Fill(data, 1f, 0, 16);
        Array.Fill(data, 1f, 48 + 32, 16);
        return data;
    }

    private Task<Response> Infer(string json, string model = "channel-logits", string? version = null)
    {
        var path = version is null ? $"/api/v2/models/{model}/infer" : $"/api/v2/models/{model}/versions/{version}/infer";
        var context = Json("POST", path, json);
        return InvokeAsync(context, () => version is null ? _functions.V2Infer(context.Request, model) : _functions.V2VersionInfer(context.Request, model, version));
    }

    [Fact]
    public async Task Server_metadata_names_the_server_and_its_extensions()
    {
        var context = Request("GET", "/api/v2");
        var response = await InvokeAsync(context, () => _functions.V2ServerMetadata(context.Request));

        Assert.Equal(200, response.Status);
        Assert.Equal("smartcity-serverless", response.Json.GetProperty("name").GetString());
        Assert.False(string.IsNullOrEmpty(response.Json.GetProperty("version").GetString()));
        Assert.Equal(["classification", "image_bytes", "explain", "binary_tensor_data"], response.Json.GetProperty("extensions").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Server_live_is_200_and_server_ready_is_4xx_until_the_warm_up_is_done()
    {
        var live = Request("GET", "/api/v2/health/live");
        var liveResponse = await InvokeAsync(live, () => _functions.V2ServerLive(live.Request));
        Assert.Equal(200, liveResponse.Status);
        Assert.True(liveResponse.Json.GetProperty("live").GetBoolean());

        await using var engine = TestSupport.FixtureEngine(o => o.WarmUpModels = "channel-logits");
        var functions = new OpenInferenceFunctions(new OpenInferenceHandler(engine, TestSupport.HttpOptions()));
        var before = Request("GET", "/api/v2/health/ready");
        var beforeResponse = await InvokeAsync(before, () => functions.V2ServerReady(before.Request));
        Assert.Equal(400, beforeResponse.Status);
        Assert.False(beforeResponse.Json.GetProperty("ready").GetBoolean());

        await engine.StartWarmUp();
        var after = Request("GET", "/api/v2/health/ready");
        var afterResponse = await InvokeAsync(after, () => functions.V2ServerReady(after.Request));
        Assert.Equal(200, afterResponse.Status);
        Assert.True(afterResponse.Json.GetProperty("ready").GetBoolean());
    }

    [Fact]
    public async Task Model_metadata_describes_the_FP32_input_and_output_tensors()
    {
        var context = Request("GET", "/api/v2/models/channel-logits");
        var response = await InvokeAsync(context, () => _functions.V2ModelMetadata(context.Request, "channel-logits"));

        Assert.Equal(200, response.Status);
        var json = response.Json;
        Assert.Equal("channel-logits", json.GetProperty("name").GetString());
        Assert.Equal(["1", "2"], json.GetProperty("versions").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal("onnx_onnxv1", json.GetProperty("platform").GetString());
        var input = json.GetProperty("inputs")[0];
        Assert.Equal("pixels", input.GetProperty("name").GetString());
        Assert.Equal("FP32", input.GetProperty("datatype").GetString());
        Assert.Equal([-1L, 3, 4, 4], input.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        var output = json.GetProperty("outputs")[0];
        Assert.Equal("probabilities", output.GetProperty("name").GetString());
        Assert.Equal([-1L, 3], output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
    }

    [Fact]
    public async Task Model_metadata_of_the_real_backbone_reports_its_224_pixel_input()
    {
        await using var engine = TestSupport.BundledEngine();
        var functions = new OpenInferenceFunctions(new OpenInferenceHandler(engine, TestSupport.HttpOptions()));
        var context = Request("GET", "/api/v2/models/resnet18-embedding/versions/1");
        var response = await InvokeAsync(context, () => functions.V2ModelVersionMetadata(context.Request, "resnet18-embedding", "1"));

        Assert.Equal(200, response.Status);
        Assert.Equal([-1L, 3, 224, 224], response.Json.GetProperty("inputs")[0].GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        Assert.Equal([-1L, 512], response.Json.GetProperty("outputs")[0].GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
    }

    [Fact]
    public async Task The_vehicle_type_head_is_described_by_its_backbone_input_and_its_own_output()
    {
        await using var engine = TestSupport.BundledEngine();
        var functions = new OpenInferenceFunctions(new OpenInferenceHandler(engine, TestSupport.HttpOptions()));
        var context = Request("GET", "/api/v2/models/vehicle-type");
        var response = await InvokeAsync(context, () => functions.V2ModelMetadata(context.Request, "vehicle-type"));

        Assert.Equal(200, response.Status);
        Assert.Equal("Input247", response.Json.GetProperty("inputs")[0].GetProperty("name").GetString());
        Assert.Equal("probabilities", response.Json.GetProperty("outputs")[0].GetProperty("name").GetString());
        Assert.Equal([-1L, 6], response.Json.GetProperty("outputs")[0].GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
    }

    [Fact]
    public async Task Model_ready_is_400_until_the_model_is_loaded_then_200()
    {
        var before = Request("GET", "/api/v2/models/channel-embedding/ready");
        var beforeResponse = await InvokeAsync(before, () => _functions.V2ModelReady(before.Request, "channel-embedding"));
        Assert.Equal(400, beforeResponse.Status);
        Assert.Equal("channel-embedding", beforeResponse.Json.GetProperty("name").GetString());
        Assert.False(beforeResponse.Json.GetProperty("ready").GetBoolean());

        await _engine.WarmUpAsync(_engine.Repository.Get("channel-embedding"));
        var after = Request("GET", "/api/v2/models/channel-embedding/versions/1/ready");
        var afterResponse = await InvokeAsync(after, () => _functions.V2ModelVersionReady(after.Request, "channel-embedding", "1"));
        Assert.Equal(200, afterResponse.Status);
        Assert.True(afterResponse.Json.GetProperty("ready").GetBoolean());
    }

    [Fact]
    public async Task Infer_with_a_flat_FP32_tensor_answers_like_the_spec_example()
    {
        var json = $$"""
            {
              "id" : "42",
              "inputs" : [ { "name" : "pixels", "shape" : [ 2, 3, 4, 4 ], "datatype" : "FP32", "data" : {{JsonSerializer.Serialize(RedThenBlue())}} } ],
              "outputs" : [ { "name" : "probabilities" } ]
            }
            """;
        var response = await Infer(json);

        Assert.Equal(200, response.Status);
        var body = response.Json;
        Assert.Equal("42", body.GetProperty("id").GetString());
        Assert.Equal("channel-logits", body.GetProperty("model_name").GetString());
        Assert.Equal("2", body.GetProperty("model_version").GetString());
        var output = body.GetProperty("outputs")[0];
        Assert.Equal("probabilities", output.GetProperty("name").GetString());
        Assert.Equal("FP32", output.GetProperty("datatype").GetString());
        Assert.Equal([2L, 3], output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        var data = output.GetProperty("data").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        Assert.Equal([.. Softmax(1, 0, 0), .. Softmax(0, 0, 1)], data, new Tolerance(1e-5f));
    }

    [Fact]
    public async Task Infer_accepts_nested_tensor_data_and_returns_every_output_when_none_is_named()
    {
        var values = RedThenBlue();
        var nested = Enumerable.Range(0, 2).Select(n => Enumerable.Range(0, 3).Select(c => Enumerable.Range(0, 4).Select(y => values.Skip((n * 48) + (c * 16) + (y * 4)).Take(4).ToArray()).ToArray()).ToArray()).ToArray();
        var json = $$"""{"inputs":[{"name":"pixels","shape":[2,3,4,4],"datatype":"FP32","data":{{JsonSerializer.Serialize(nested)}}}]}""";
        var response = await Infer(json, version: "1");

        Assert.Equal(200, response.Status);
        Assert.False(response.Json.TryGetProperty("id", out _));
        Assert.Equal("1", response.Json.GetProperty("model_version").GetString());
        var data = response.Json.GetProperty("outputs")[0].GetProperty("data").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        Assert.Equal([.. Softmax(1, 0, 0), .. Softmax(0, 0, 1)], data, new Tolerance(1e-5f));
    }

    [Fact]
    public void Classification_strings_follow_Tritons_example()
    {
        // extension_classification.md: output0 = [1.1, 3.3, 0.5, 2.4], classification 2 -> ["3.3:1", "2.4:3"].
        var plain = OpenInferenceHandler.Classify("output0", [[1.1f, 3.3f, 0.5f, 2.4f]], [], 2);
        Assert.Equal("BYTES", plain.Datatype);
        Assert.Equal([1L, 2], plain.Shape);
        Assert.Equal(["3.3:1", "2.4:3"], (string[])plain.Data!);

        var labelled = OpenInferenceHandler.Classify("output0", [[1.1f, 3.3f, 0.5f, 2.4f]], ["index_0_label", "index_1_label", "index_2_label", "index_3_label"], 2);
        Assert.Equal(["3.3:1:index_1_label", "2.4:3:index_3_label"], (string[])labelled.Data!);
    }

    [Fact]
    public async Task The_classification_parameter_returns_the_top_k_as_value_index_label_per_item()
    {
        var json = $$$"""
            {"id":"7","inputs":[{"name":"pixels","shape":[2,3,4,4],"datatype":"FP32","data":{{{JsonSerializer.Serialize(RedThenBlue())}}}}],
             "outputs":[{"name":"probabilities","parameters":{"classification":2}}]}
            """;
        var response = await Infer(json);

        Assert.Equal(200, response.Status);
        var output = response.Json.GetProperty("outputs")[0];
        Assert.Equal("BYTES", output.GetProperty("datatype").GetString());
        Assert.Equal([2L, 2], output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        var strings = output.GetProperty("data").EnumerateArray().Select(v => v.GetString()!).ToArray();
        var high = Softmax(1, 0, 0)[0];
        var low = Softmax(1, 0, 0)[1];
        // Ties (green and blue for the red item) go to the lower index.
        Assert.Equal($"{high.ToString(System.Globalization.CultureInfo.InvariantCulture)}:0:red", strings[0]);
        Assert.Equal($"{low.ToString(System.Globalization.CultureInfo.InvariantCulture)}:1:green", strings[1]);
        Assert.EndsWith(":2:blue", strings[2], StringComparison.Ordinal);
        Assert.EndsWith(":0:red", strings[3], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_BYTES_input_of_base64_images_is_preprocessed_by_the_server()
    {
        var red = Convert.ToBase64String(TestSupport.Solid(SKColors.Red));
        var blue = Convert.ToBase64String(TestSupport.Solid(SKColors.Blue));
        var json = $$$"""{"inputs":[{"name":"pixels","shape":[2],"datatype":"BYTES","data":["{{{red}}}","{{{blue}}}"]}],"outputs":[{"name":"probabilities","parameters":{"classification":1}}]}""";
        var response = await Infer(json);

        Assert.Equal(200, response.Status);
        var strings = response.Json.GetProperty("outputs")[0].GetProperty("data").EnumerateArray().Select(v => v.GetString()!).ToArray();
        Assert.Equal(2, strings.Length);
        Assert.EndsWith(":0:red", strings[0], StringComparison.Ordinal);
        Assert.EndsWith(":2:blue", strings[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_BYTES_input_to_the_real_backbone_returns_a_512_value_embedding()
    {
        await using var engine = TestSupport.BundledEngine();
        var functions = new OpenInferenceFunctions(new OpenInferenceHandler(engine, TestSupport.HttpOptions()));
        var car = Convert.ToBase64String(File.ReadAllBytes(TestSupport.Sample("vehicles/car106.jpg")));
        var context = Json("POST", "/api/v2/models/resnet18-embedding/infer", $$"""{"inputs":[{"name":"Input247","shape":[1],"datatype":"BYTES","data":["{{car}}"]}]}""");
        var response = await InvokeAsync(context, () => functions.V2Infer(context.Request, "resnet18-embedding"));

        Assert.Equal(200, response.Status);
        var output = response.Json.GetProperty("outputs")[0];
        Assert.Equal([1L, 512], output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        var norm = Math.Sqrt(output.GetProperty("data").EnumerateArray().Sum(v => (double)v.GetSingle() * v.GetSingle()));
        Assert.Equal(1.0, norm, 3);
    }

    [Fact]
    public async Task Traffic_scene_serves_every_head_as_an_output_and_answers_all_of_them_by_default()
    {
        await using var engine = TestSupport.BundledEngine();
        var functions = new OpenInferenceFunctions(new OpenInferenceHandler(engine, TestSupport.HttpOptions()));
        var metadata = Request("GET", "/api/v2/models/traffic-scene");
        var metadataResponse = await InvokeAsync(metadata, () => functions.V2ModelMetadata(metadata.Request, "traffic-scene"));
        Assert.Equal(200, metadataResponse.Status);
        var described = metadataResponse.Json.GetProperty("outputs").EnumerateArray()
            .ToDictionary(o => o.GetProperty("name").GetString()!, o => o.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray());
        Assert.Equal(["congestion", "lighting", "embedding", "vehicles"], described.Keys);
        Assert.Equal([-1L, 3], described["congestion"]);
        Assert.Equal([-1L, 3], described["lighting"]);
        Assert.Equal([-1L, 1], described["vehicles"]);
        var input = metadataResponse.Json.GetProperty("inputs")[0].GetProperty("name").GetString();

        var bytes = File.ReadAllBytes(TestSupport.Sample("traffic-cameras/camera_2702_2026-01-22_00-24-52.jpg"));
        var frame = Convert.ToBase64String(bytes);
        var all = Json("POST", "/api/v2/models/traffic-scene/infer", $$"""{"inputs":[{"name":"{{input}}","shape":[1],"datatype":"BYTES","data":["{{frame}}"]}]}""");
        var allResponse = await InvokeAsync(all, () => functions.V2Infer(all.Request, "traffic-scene"));
        Assert.Equal(200, allResponse.Status);
        var outputs = allResponse.Json.GetProperty("outputs").EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!);
        Assert.Equal(described.Keys, outputs.Keys);
        var direct = await engine.PredictAsync("traffic-scene", null, bytes);
        Assert.Equal([1L, 1], outputs["vehicles"].GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        Assert.Equal(direct.Heads.Single(h => h.Name == "vehicles").Scores[0], outputs["vehicles"].GetProperty("data")[0].GetSingle(), 5);
        Assert.Equal(direct.Heads.Single(h => h.Name == "lighting").Scores, outputs["lighting"].GetProperty("data").EnumerateArray().Select(v => v.GetSingle()).ToArray());

        var some = Json("POST", "/api/v2/models/traffic-scene/infer",
            $$$"""{"inputs":[{"name":"{{{input}}}","shape":[1],"datatype":"BYTES","data":["{{{frame}}}"]}],"outputs":[{"name":"vehicles"},{"name":"lighting","parameters":{"classification":1}}]}""");
        var someResponse = await InvokeAsync(some, () => functions.V2Infer(some.Request, "traffic-scene"));
        Assert.Equal(200, someResponse.Status);
        Assert.Equal(["vehicles", "lighting"], someResponse.Json.GetProperty("outputs").EnumerateArray().Select(o => o.GetProperty("name").GetString()));
        var lighting = someResponse.Json.GetProperty("outputs")[1].GetProperty("data")[0].GetString()!;
        Assert.EndsWith(":" + direct.Heads.Single(h => h.Name == "lighting").Predictions[0].Label, lighting, StringComparison.Ordinal);

        var unknown = Json("POST", "/api/v2/models/traffic-scene/infer",
            $$"""{"inputs":[{"name":"{{input}}","shape":[1],"datatype":"BYTES","data":["{{frame}}"]}],"outputs":[{"name":"occupancy"}]}""");
        var unknownResponse = await InvokeAsync(unknown, () => functions.V2Infer(unknown.Request, "traffic-scene"));
        Assert.Equal(400, unknownResponse.Status);
        Assert.Contains("has outputs 'congestion', 'lighting', 'embedding', 'vehicles'; got 'occupancy'", unknownResponse.Json.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"inputs":[{"name":"pixels","shape":[1,3,4,4],"datatype":"INT32","data":[1]}]}""", "datatype FP32")]
    [InlineData("""{"inputs":[{"name":"input0","shape":[1,3,4,4],"datatype":"FP32","data":[1]}]}""", "has input 'pixels'")]
    [InlineData("""{"inputs":[{"name":"pixels","shape":[1,3,4,5],"datatype":"FP32","data":[]}]}""", "needs 60 values")]
    [InlineData("""{"inputs":[{"name":"pixels","shape":[1,3,4,5],"datatype":"FP32","data":[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]}]}""", "[-1,3,4,4]")]
    [InlineData("""{"inputs":[]}""", "exactly one input")]
    [InlineData("""{"inputs":[{"name":"pixels","shape":[1],"datatype":"BYTES","data":["%%%"]}]}""", "Image 0")]
    [InlineData("""{"inputs":[{"name":"pixels","shape":[1],"datatype":"BYTES","data":["AAAA"]}],"outputs":[{"name":"logits"}]}""", "has output 'probabilities'")]
    [InlineData("""{"inputs":[{"name":"pixels","shape":[1],"datatype":"BYTES","data":["AAAA"]}],"outputs":[{"name":"probabilities","parameters":{"classification":0}}]}""", "classification")]
    [InlineData("""{"inputs": [""", "malformed")]
    public async Task A_bad_inference_request_is_a_400_with_an_error_object(string json, string detail)
    {
        var response = await Infer(json);

        Assert.Equal(400, response.Status);
        Assert.StartsWith("application/json", response.ContentType, StringComparison.Ordinal);
        var error = response.Json.GetProperty("error").GetString();
        Assert.Contains(detail, error, StringComparison.Ordinal);
        Assert.Single(response.Json.EnumerateObject());
    }

    [Fact]
    public async Task A_shape_whose_element_count_overflows_is_a_400_not_an_answer()
    {
        // 1152921504606846977 * 48 wraps around to 48 in 64-bit arithmetic: exactly the values sent.
        var json = $$"""{"inputs":[{"name":"pixels","shape":[1152921504606846977,3,4,4],"datatype":"FP32","data":{{JsonSerializer.Serialize(new float[48])}}}]}""";
        var response = await Infer(json);

        Assert.Equal(400, response.Status);
        Assert.Contains("1152921504606846977", response.Json.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1e39")]
    [InlineData("-1e39")]
    public async Task An_FP32_value_out_of_the_float_range_is_a_400(string value)
    {
        var values = string.Join(",", Enumerable.Repeat("0", 47).Prepend(value));
        var response = await Infer($$"""{"inputs":[{"name":"pixels","shape":[1,3,4,4],"datatype":"FP32","data":[{{values}}]}]}""");

        Assert.Equal(400, response.Status);
        Assert.Contains("value 0", response.Json.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_NaN_literal_in_FP32_data_is_a_400()
    {
        var values = string.Join(",", Enumerable.Repeat("0", 47).Prepend("NaN"));
        var response = await Infer($$"""{"inputs":[{"name":"pixels","shape":[1,3,4,4],"datatype":"FP32","data":[{{values}}]}]}""");

        Assert.Equal(400, response.Status);
    }

    [Fact]
    public async Task Finite_inputs_whose_output_is_not_finite_are_a_422_error_not_a_crash()
    {
        // 3e38 is a valid float, but the model's arithmetic overflows: its softmax is NaN.
        var data = new float[48];
        Array.Fill(data, 3e38f);
        var response = await Infer($$"""{"inputs":[{"name":"pixels","shape":[1,3,4,4],"datatype":"FP32","data":{{JsonSerializer.Serialize(data)}}}]}""");

        Assert.Equal(422, response.Status);
        Assert.Contains("not a finite number", response.Json.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_BYTES_input_with_more_images_than_the_limit_is_a_413_before_any_is_decoded()
    {
        var bad = Convert.ToBase64String(TestSupport.CorruptPng());
        var data = string.Join(",", Enumerable.Repeat($"\"{bad}\"", 33));
        var response = await Infer($$"""{"inputs":[{"name":"pixels","shape":[33],"datatype":"BYTES","data":[{{data}}]}]}""");

        Assert.Equal(413, response.Status);
        Assert.Contains("Http:MaxImagesPerRequest", response.Json.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_FP32_input_with_more_items_than_the_limit_is_a_413()
    {
        var response = await Infer($$"""{"inputs":[{"name":"pixels","shape":[33,3,4,4],"datatype":"FP32","data":{{JsonSerializer.Serialize(new float[33 * 48])}}}]}""");

        Assert.Equal(413, response.Status);
        Assert.Contains("limit of 32", response.Json.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_corrupt_image_in_a_BYTES_input_is_a_400_error_naming_the_element()
    {
        var good = Convert.ToBase64String(TestSupport.Solid(SKColors.Red));
        var bad = Convert.ToBase64String(TestSupport.CorruptPng());
        var response = await Infer($$"""{"inputs":[{"name":"pixels","shape":[2],"datatype":"BYTES","data":["{{good}}","{{bad}}"]}]}""");

        Assert.Equal(400, response.Status);
        Assert.StartsWith("Image 1:", response.Json.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_models_and_versions_are_404_errors()
    {
        var model = Request("GET", "/api/v2/models/nope");
        var modelResponse = await InvokeAsync(model, () => _functions.V2ModelMetadata(model.Request, "nope"));
        Assert.Equal(404, modelResponse.Status);
        Assert.Equal("Model 'nope' does not exist.", modelResponse.Json.GetProperty("error").GetString());

        var version = await Infer("""{"inputs":[]}""", version: "9");
        Assert.Equal(404, version.Status);
        Assert.Contains("no version '9'", version.Json.GetProperty("error").GetString(), StringComparison.Ordinal);

        var ready = Request("GET", "/api/v2/models/nope/ready");
        var readyResponse = await InvokeAsync(ready, () => _functions.V2ModelReady(ready.Request, "nope"));
        Assert.Equal(404, readyResponse.Status);
    }

    [Fact]
    public async Task Infer_refuses_a_non_json_body_with_415_and_an_oversized_one_with_413()
    {
        var text = Request("POST", "/api/v2/models/channel-logits/infer", [1, 2, 3], "text/plain");
        var textResponse = await InvokeAsync(text, () => _functions.V2Infer(text.Request, "channel-logits"));
        Assert.Equal(415, textResponse.Status);
        Assert.True(textResponse.Json.TryGetProperty("error", out _));

        var small = new OpenInferenceFunctions(new OpenInferenceHandler(_engine, TestSupport.HttpOptions(maxBodyBytes: 1024)));
        var big = Json("POST", "/api/v2/models/channel-logits/infer", $$"""{"inputs":[{"name":"pixels","shape":[2,3,4,4],"datatype":"FP32","data":{{JsonSerializer.Serialize(new float[4000])}}}]}""");
        var bigResponse = await InvokeAsync(big, () => small.V2Infer(big.Request, "channel-logits"));
        Assert.Equal(413, bigResponse.Status);
        Assert.True(bigResponse.Json.TryGetProperty("error", out _));
    }

    [Fact]
    public async Task A_full_queue_is_a_503_error_object_with_Retry_After()
    {
        var context = Request("POST", "/api/v2/models/channel-logits/infer");
        var response = await InvokeAsync(context, () => Task.FromException<Microsoft.AspNetCore.Mvc.IActionResult>(
            new SmartCity.Inference.InferenceQueueFullException("channel-logits/2", TimeSpan.FromSeconds(2))));

        Assert.Equal(503, response.Status);
        Assert.Equal("2", response.Headers.RetryAfter.ToString());
        Assert.Contains("queue", response.Json.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    private sealed class Tolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(float obj) => 0;
    }
}
