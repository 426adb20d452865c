using System.Text;
using SkiaSharp;
using SmartCity.Functions.Http;
using SmartCity.Inference.Runtime;
using static SmartCity.Functions.Tests.HttpTestHost;

namespace SmartCity.Functions.Tests;

/// <summary>The native predict API through a real request, with the fixture models (exact answers) and the bundled ones.</summary>
public sealed class PredictFunctionsTests : IAsyncLifetime
{
    private InferenceEngine _engine = null!;
    private PredictFunctions _functions = null!;

    public Task InitializeAsync()
    {
        _engine = TestSupport.FixtureEngine();
        _functions = new PredictFunctions(new PredictHandler(_engine, TestSupport.HttpOptions()));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    [Fact]
    public async Task A_raw_png_is_classified_with_the_default_version()
    {
        var context = Request("POST", "/api/models/channel-logits/predict", TestSupport.Solid(SKColors.Red), "image/png");
        var response = await InvokeAsync(context, () => _functions.Predict(context.Request, "channel-logits"));

        Assert.Equal(200, response.Status);
        Assert.StartsWith("application/json", response.ContentType, StringComparison.Ordinal);
        var json = response.Json;
        Assert.Equal("channel-logits", json.GetProperty("model").GetString());
        Assert.Equal("2", json.GetProperty("version").GetString());
        var image = json.GetProperty("images")[0];
        Assert.Equal(4, image.GetProperty("width").GetInt32());
        Assert.Equal(4, image.GetProperty("height").GetInt32());
        Assert.False(image.TryGetProperty("embedding", out _));
        Assert.False(image.TryGetProperty("name", out _));
        var first = image.GetProperty("predictions")[0];
        Assert.Equal("red", first.GetProperty("label").GetString());
        Assert.Equal(TestSupport.RedProbability, first.GetProperty("probability").GetSingle(), 5);
        var timings = image.GetProperty("timings");
        foreach (var name in new[] { "decodeMs", "resizeMs", "queueMs", "inferenceMs", "postprocessMs" })
        {
            Assert.True(timings.GetProperty(name).GetDouble() >= 0);
        }

        Assert.Equal(1, timings.GetProperty("batchSize").GetInt32());
    }

    [Fact]
    public async Task The_version_route_uses_the_version_asked_for()
    {
        var context = Request("POST", "/api/models/channel-logits/versions/1/predict", TestSupport.Solid(SKColors.Blue), "image/png");
        var response = await InvokeAsync(context, () => _functions.PredictVersion(context.Request, "channel-logits", "1"));

        Assert.Equal(200, response.Status);
        Assert.Equal("1", response.Json.GetProperty("version").GetString());
        Assert.Equal("blue", response.Json.GetProperty("images")[0].GetProperty("predictions")[0].GetProperty("label").GetString());
    }

    [Fact]
    public async Task Top_and_threshold_from_the_query_limit_the_predictions()
    {
        var image = TestSupport.Solid(new SKColor(255, 128, 0));
        var top1 = Request("POST", "/api/models/channel-logits/predict", image, "image/png", "top=1");
        var top1Response = await InvokeAsync(top1, () => _functions.Predict(top1.Request, "channel-logits"));
        Assert.Equal(["red"], top1Response.Json.GetProperty("images")[0].GetProperty("predictions").EnumerateArray().Select(p => p.GetProperty("label").GetString()));

        var confident = Request("POST", "/api/models/channel-logits/predict", image, "image/png", "threshold=0.3");
        var confidentResponse = await InvokeAsync(confident, () => _functions.Predict(confident.Request, "channel-logits"));
        Assert.Equal(["red", "green"], confidentResponse.Json.GetProperty("images")[0].GetProperty("predictions").EnumerateArray().Select(p => p.GetProperty("label").GetString()));
    }

    [Theory]
    [InlineData("top=101")]
    [InlineData("top=-1")]
    [InlineData("top=two")]
    [InlineData("threshold=1.5")]
    [InlineData("threshold=abc")]
    public async Task An_invalid_query_is_a_400_naming_the_parameter(string query)
    {
        var context = Request("POST", "/api/models/channel-logits/predict", TestSupport.Solid(SKColors.Red), "image/png", query);
        var response = await InvokeAsync(context, () => _functions.Predict(context.Request, "channel-logits"));

        Assert.Equal(400, response.Status);
        Assert.Equal("urn:smartcity:problem:invalid-query", response.Json.GetProperty("type").GetString());
        Assert.Contains(query.Split('=')[0], response.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_multipart_form_gets_one_named_result_per_image_from_one_batch()
    {
        var (body, contentType) = await TestSupport.Multipart(
            ("red.png", TestSupport.Solid(SKColors.Red)),
            ("green.png", TestSupport.Solid(SKColors.Lime)),
            ("blue.png", TestSupport.Solid(SKColors.Blue)));
        var context = Request("POST", "/api/models/channel-logits/predict", body, contentType);
        var response = await InvokeAsync(context, () => _functions.Predict(context.Request, "channel-logits"));

        Assert.Equal(200, response.Status);
        var images = response.Json.GetProperty("images").EnumerateArray().ToList();
        Assert.Equal(["red.png", "green.png", "blue.png"], images.Select(i => i.GetProperty("name").GetString()));
        Assert.Equal(["red", "green", "blue"], images.Select(i => i.GetProperty("predictions")[0].GetProperty("label").GetString()));
        Assert.Contains(images, i => i.GetProperty("timings").GetProperty("batchSize").GetInt32() > 1);
    }

    [Fact]
    public async Task Base64_images_in_json_are_predicted_in_order()
    {
        var json = $$"""{"images":[{"data":"{{Convert.ToBase64String(TestSupport.Solid(SKColors.Blue))}}","name":"b"},{"data":"{{Convert.ToBase64String(TestSupport.Solid(SKColors.Red))}}"}]}""";
        var context = Json("POST", "/api/models/channel-logits/predict", json);
        var response = await InvokeAsync(context, () => _functions.Predict(context.Request, "channel-logits"));

        Assert.Equal(200, response.Status);
        var images = response.Json.GetProperty("images");
        Assert.Equal("b", images[0].GetProperty("name").GetString());
        Assert.Equal("blue", images[0].GetProperty("predictions")[0].GetProperty("label").GetString());
        Assert.Equal("red", images[1].GetProperty("predictions")[0].GetProperty("label").GetString());
    }

    [Fact]
    public async Task An_embedding_model_answers_an_embedding_and_no_predictions()
    {
        var context = Request("POST", "/api/models/channel-embedding/predict", TestSupport.Solid(new SKColor(255, 255, 0)), "image/png");
        var response = await InvokeAsync(context, () => _functions.Predict(context.Request, "channel-embedding"));

        Assert.Equal(200, response.Status);
        var image = response.Json.GetProperty("images")[0];
        Assert.False(image.TryGetProperty("predictions", out _));
        var embedding = image.GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        Assert.Equal(MathF.Sqrt(0.5f), embedding[0], 5);
        Assert.Equal(MathF.Sqrt(0.5f), embedding[1], 5);
        Assert.Equal(0f, embedding[2], 5);
    }

    [Fact]
    public async Task Predict_returns_400_for_malformed_json()
    {
        var context = Json("POST", "/api/models/channel-logits/predict", """{"images":[{"data": """);
        var response = await InvokeAsync(context, () => _functions.Predict(context.Request, "channel-logits"));

        Assert.Equal(400, response.Status);
        Assert.Equal("application/problem+json; charset=utf-8", response.ContentType);
        Assert.Equal("urn:smartcity:problem:malformed-json", response.Json.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Predict_returns_400_for_bad_base64_naming_the_image_index()
    {
        var json = $$"""{"images":[{"data":"{{Convert.ToBase64String(TestSupport.Solid(SKColors.Red))}}"},{"data":"not base64!"}]}""";
        var context = Json("POST", "/api/models/channel-logits/predict", json);
        var response = await InvokeAsync(context, () => _functions.Predict(context.Request, "channel-logits"));

        Assert.Equal(400, response.Status);
        Assert.Equal("urn:smartcity:problem:bad-base64", response.Json.GetProperty("type").GetString());
        Assert.Contains("Image 1 (images[1].data)", response.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Predict_returns_400_for_a_corrupt_image_naming_the_part()
    {
        var (body, contentType) = await TestSupport.Multipart(("good.png", TestSupport.Solid(SKColors.Red)), ("broken.png", TestSupport.CorruptPng()));
        var context = Request("POST", "/api/models/channel-logits/predict", body, contentType);
        var response = await InvokeAsync(context, () => _functions.Predict(context.Request, "channel-logits"));

        Assert.Equal(400, response.Status);
        Assert.Equal("urn:smartcity:problem:corrupt-image", response.Json.GetProperty("type").GetString());
        Assert.StartsWith("Image 1 ('broken.png'):", response.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Predict_returns_404_for_an_unknown_model()
    {
        var context = Request("POST", "/api/models/no-such-model/predict", TestSupport.Solid(SKColors.Red), "image/png");
        var response = await InvokeAsync(context, () => _functions.Predict(context.Request, "no-such-model"));

        Assert.Equal(404, response.Status);
        Assert.Equal("urn:smartcity:problem:model-not-found", response.Json.GetProperty("type").GetString());
        Assert.Equal("/api/models/no-such-model/predict", response.Json.GetProperty("instance").GetString());
    }

    [Fact]
    public async Task Predict_returns_404_for_an_unknown_version()
    {
        var context = Request("POST", "/api/models/channel-logits/versions/9/predict", TestSupport.Solid(SKColors.Red), "image/png");
        var response = await InvokeAsync(context, () => _functions.PredictVersion(context.Request, "channel-logits", "9"));

        Assert.Equal(404, response.Status);
        Assert.Contains("no version '9'", response.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Predict_returns_413_past_the_body_limit_and_stops_reading()
    {
        var functions = new PredictFunctions(new PredictHandler(_engine, TestSupport.HttpOptions(maxBodyBytes: 2048)));
        var body = new byte[64 * 1024];
        var stream = new CountingStream(body);
        var context = Request("POST", "/api/models/channel-logits/predict", contentType: "image/png");
        context.Request.Body = stream; // no Content-Length: the limit must be enforced while reading
        var response = await InvokeAsync(context, () => functions.Predict(context.Request, "channel-logits"));

        Assert.Equal(413, response.Status);
        Assert.Equal("urn:smartcity:problem:payload-too-large", response.Json.GetProperty("type").GetString());
        Assert.True(stream.BytesRead < 2048 + (32 * 1024), $"read {stream.BytesRead} bytes");
    }

    [Fact]
    public async Task Predict_returns_413_for_more_images_than_the_limit_before_decoding_any()
    {
        // 3,000 tiny images, the first one corrupt: had any been decoded, the answer would be a 400 naming it.
        var parts = Enumerable.Range(0, 3000).Select(i => ($"{i}.png", i == 0 ? TestSupport.CorruptPng() : TestSupport.Solid(SKColors.Red))).ToArray();
        var (body, contentType) = await TestSupport.Multipart(parts);
        var context = Request("POST", "/api/models/channel-logits/predict", body, contentType);
        var response = await InvokeAsync(context, () => _functions.Predict(context.Request, "channel-logits"));

        Assert.Equal(413, response.Status);
        Assert.Equal("urn:smartcity:problem:too-many-images", response.Json.GetProperty("type").GetString());
        var detail = response.Json.GetProperty("detail").GetString();
        Assert.Contains("32", detail, StringComparison.Ordinal);
        Assert.Contains("Http:MaxImagesPerRequest", detail, StringComparison.Ordinal);
        Assert.Equal(0, _engine.QueueState(_engine.Repository.Get("channel-logits")).Expected);
    }

    [Theory]
    [InlineData(3, 200)]
    [InlineData(4, 413)]
    public async Task The_image_limit_applies_to_json_bodies_and_allows_exactly_the_limit(int images, int status)
    {
        var functions = new PredictFunctions(new PredictHandler(_engine, TestSupport.HttpOptions(maxImagesPerRequest: 3)));
        var entries = Enumerable.Range(0, images).Select(i => $$"""{"data":"{{Convert.ToBase64String(i == 0 && status == 413 ? TestSupport.CorruptPng() : TestSupport.Solid(SKColors.Blue))}}"}""");
        var context = Json("POST", "/api/models/channel-logits/predict", $$"""{"images":[{{string.Join(",", entries)}}]}""");
        var response = await InvokeAsync(context, () => functions.Predict(context.Request, "channel-logits"));

        Assert.Equal(status, response.Status);
        if (status == 413)
        {
            Assert.Contains("limit of 3", response.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(3, response.Json.GetProperty("images").GetArrayLength());
        }
    }

    [Fact]
    public async Task Predict_returns_415_for_a_text_body()
    {
        var context = Request("POST", "/api/models/channel-logits/predict", Encoding.UTF8.GetBytes("hello"), "text/plain");
        var response = await InvokeAsync(context, () => _functions.Predict(context.Request, "channel-logits"));

        Assert.Equal(415, response.Status);
        Assert.Equal("urn:smartcity:problem:unsupported-media-type", response.Json.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Predict_returns_422_for_an_image_with_too_many_pixels()
    {
        await using var engine = TestSupport.FixtureEngine(o => o.MaxPixels = 100);
        var functions = new PredictFunctions(new PredictHandler(engine, TestSupport.HttpOptions()));
        var context = Request("POST", "/api/models/channel-logits/predict", TestSupport.Solid(SKColors.Red, size: 11), "image/png");
        var response = await InvokeAsync(context, () => functions.Predict(context.Request, "channel-logits"));

        Assert.Equal(422, response.Status);
        Assert.Equal("urn:smartcity:problem:too-many-pixels", response.Json.GetProperty("type").GetString());
        Assert.Contains("11x11", response.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Predict_returns_503_with_Retry_After_when_the_queue_is_full()
    {
        // One item per batch and room for one waiting: the ResNet-18 run of the first image takes
        // tens of milliseconds, while the other five are decoded and submitted within a few.
        await using var engine = TestSupport.BundledEngine(o => { o.MaxBatchSize = 1; o.MaxQueueLength = 1; o.MaxQueueDelayMs = 0; });
        await engine.WarmUpAsync(engine.Repository.Get("resnet18-embedding"));
        var functions = new PredictFunctions(new PredictHandler(engine, TestSupport.HttpOptions()));
        var image = File.ReadAllBytes(TestSupport.Sample("vehicles/car106.jpg"));
        var (body, contentType) = await TestSupport.Multipart([.. Enumerable.Range(0, 6).Select(i => ($"car{i}.jpg", image))]);
        var context = Request("POST", "/api/models/resnet18-embedding/predict", body, contentType);
        var response = await InvokeAsync(context, () => functions.Predict(context.Request, "resnet18-embedding"));

        Assert.Equal(503, response.Status);
        Assert.Equal("urn:smartcity:problem:queue-full", response.Json.GetProperty("type").GetString());
        Assert.Equal("1", response.Headers.RetryAfter.ToString());
    }

    [Fact]
    public async Task The_vehicle_type_model_labels_a_car_crop_through_the_function()
    {
        await using var engine = TestSupport.BundledEngine();
        var functions = new PredictFunctions(new PredictHandler(engine, TestSupport.HttpOptions()));
        var context = Request("POST", "/api/models/vehicle-type/predict", File.ReadAllBytes(TestSupport.Sample("vehicles/car106.jpg")), "image/jpeg", "top=6");
        var response = await InvokeAsync(context, () => functions.Predict(context.Request, "vehicle-type"));

        Assert.Equal(200, response.Status);
        var predictions = response.Json.GetProperty("images")[0].GetProperty("predictions").EnumerateArray().ToList();
        Assert.Equal(6, predictions.Count);
        Assert.Equal(1f, predictions.Sum(p => p.GetProperty("probability").GetSingle()), 3);
        var direct = await engine.PredictAsync("vehicle-type", null, File.ReadAllBytes(TestSupport.Sample("vehicles/car106.jpg")), top: 1);
        Assert.Equal(direct.Predictions[0].Label, predictions[0].GetProperty("label").GetString());
    }

    [Fact]
    public async Task A_traffic_frame_answers_the_vehicle_estimate_beside_the_congestion_labels()
    {
        await using var engine = TestSupport.BundledEngine();
        var functions = new PredictFunctions(new PredictHandler(engine, TestSupport.HttpOptions()));
        var frame = File.ReadAllBytes(TestSupport.Sample("traffic-cameras/camera_2702_2026-01-22_00-24-52.jpg"));
        var context = Request("POST", "/api/models/traffic-scene/predict", frame, "image/jpeg");
        var response = await InvokeAsync(context, () => functions.Predict(context.Request, "traffic-scene"));

        Assert.Equal(200, response.Status);
        var image = response.Json.GetProperty("images")[0];
        var estimates = image.GetProperty("estimates");
        Assert.Equal(["vehicles"], estimates.EnumerateObject().Select(p => p.Name));
        var vehicles = estimates.GetProperty("vehicles").GetSingle();
        Assert.InRange(vehicles, 0f, 1f);
        var direct = await engine.PredictAsync("traffic-scene", null, frame);
        Assert.Equal(direct.Heads.Single(h => h.Name == "vehicles").Scores[0], vehicles, 5);
        Assert.Equal(direct.Predictions[0].Label, image.GetProperty("predictions")[0].GetProperty("label").GetString());
        Assert.False(image.TryGetProperty("embedding", out _));
    }

    [Fact]
    public async Task A_multi_head_model_answers_its_further_classification_heads_by_name()
    {
        await using var engine = TestSupport.BundledEngine();
        var functions = new PredictFunctions(new PredictHandler(engine, TestSupport.HttpOptions()));
        var frame = File.ReadAllBytes(TestSupport.Sample("traffic-cameras/camera_2701_2026-01-22_00-24-52.jpg"));
        var context = Request("POST", "/api/models/traffic-scene/predict", frame, "image/jpeg", "top=2");
        var response = await InvokeAsync(context, () => functions.Predict(context.Request, "traffic-scene"));

        Assert.Equal(200, response.Status);
        var image = response.Json.GetProperty("images")[0];
        var heads = image.GetProperty("heads");
        Assert.Equal(["lighting"], heads.EnumerateArray().Select(h => h.GetProperty("head").GetString()));
        var lighting = heads[0].GetProperty("predictions");
        var direct = (await engine.PredictAsync("traffic-scene", null, frame, top: 2)).Heads.Single(h => h.Name == "lighting");
        Assert.Equal(direct.Predictions.Select(p => p.Label), lighting.EnumerateArray().Select(p => p.GetProperty("label").GetString()));
        Assert.Equal(direct.Predictions.Select(p => p.Probability), lighting.EnumerateArray().Select(p => p.GetProperty("probability").GetSingle()));
        Assert.Equal(2, lighting.GetArrayLength());
        Assert.Contains(lighting[0].GetProperty("label").GetString(), new[] { "day", "twilight", "night" });
    }

    [Fact]
    public async Task A_single_head_model_answers_no_further_heads_and_no_estimates()
    {
        var context = Request("POST", "/api/models/channel-logits/predict", TestSupport.Solid(SKColors.Red), "image/png");
        var response = await InvokeAsync(context, () => _functions.Predict(context.Request, "channel-logits"));

        Assert.Equal(200, response.Status);
        Assert.False(response.Json.GetProperty("images")[0].TryGetProperty("heads", out _));
        Assert.False(response.Json.GetProperty("images")[0].TryGetProperty("estimates", out _));
    }

    [Fact]
    public async Task A_classifier_answer_is_unsure_below_the_camera_margin_setting_and_sure_above_it()
    {
        // Red through channel-logits: softmax(1, 0, 0), a margin of (e - 1) / (e + 2), about 0.364.
        var margin = (MathF.E - 1f) / (MathF.E + 2f);
        async Task<System.Text.Json.JsonElement> AnswerAsync(double unsureMargin, string calibratedModels)
        {
            var camera = Microsoft.Extensions.Options.Options.Create(new SmartCity.Cameras.CameraPipelineOptions { UnsureMargin = unsureMargin, CalibratedModels = calibratedModels });
            var functions = new PredictFunctions(new PredictHandler(_engine, TestSupport.HttpOptions(), camera));
            var context = Request("POST", "/api/models/channel-logits/predict", TestSupport.Solid(SKColors.Red), "image/png");
            var response = await InvokeAsync(context, () => functions.Predict(context.Request, "channel-logits"));
            Assert.Equal(200, response.Status);
            return response.Json.GetProperty("images")[0];
        }

        var sure = await AnswerAsync(0.2, "traffic-scene");
        Assert.Equal("sure", sure.GetProperty("confidence").GetString());
        Assert.Equal(0, sure.GetProperty("unsureReasons").GetArrayLength());
        Assert.Equal(margin, sure.GetProperty("margin").GetSingle(), 3);

        var unsure = await AnswerAsync(0.4, "traffic-scene");
        Assert.Equal("unsure", unsure.GetProperty("confidence").GetString());
        Assert.Equal(["low-margin"], unsure.GetProperty("unsureReasons").EnumerateArray().Select(r => r.GetString()));

        var uncalibrated = await AnswerAsync(0, "traffic-scene, channel-logits");
        Assert.Equal("unsure", uncalibrated.GetProperty("confidence").GetString());
        Assert.Equal(["uncalibrated-camera"], uncalibrated.GetProperty("unsureReasons").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task An_embedding_answer_carries_no_confidence()
    {
        var context = Request("POST", "/api/models/channel-embedding/predict", TestSupport.Solid(SKColors.Red), "image/png");
        var response = await InvokeAsync(context, () => _functions.Predict(context.Request, "channel-embedding"));

        Assert.Equal(200, response.Status);
        var image = response.Json.GetProperty("images")[0];
        Assert.False(image.TryGetProperty("confidence", out _));
        Assert.False(image.TryGetProperty("margin", out _));
    }

    [Fact]
    public async Task The_base_traffic_scene_model_over_http_says_it_is_not_calibrated_for_a_camera()
    {
        await using var engine = TestSupport.BundledEngine();
        var functions = new PredictFunctions(new PredictHandler(engine, TestSupport.HttpOptions()));
        var frame = File.ReadAllBytes(TestSupport.Sample("traffic-cameras/camera_4703_2026-01-22_00-11-26.jpg"));
        var context = Request("POST", "/api/models/traffic-scene/predict", frame, "image/jpeg");
        var response = await InvokeAsync(context, () => functions.Predict(context.Request, "traffic-scene"));

        Assert.Equal(200, response.Status);
        var image = response.Json.GetProperty("images")[0];
        Assert.Equal("unsure", image.GetProperty("confidence").GetString());
        Assert.Contains("uncalibrated-camera", image.GetProperty("unsureReasons").EnumerateArray().Select(r => r.GetString()));
    }

    /// <summary>A body of unknown length that counts what was read from it.</summary>
    private sealed class CountingStream(byte[] data) : Stream
    {
        private readonly MemoryStream _inner = new(data);

        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(_inner.Read(buffer, offset, count));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Count(_inner.Read(buffer.Span)));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Count(int read)
        {
            BytesRead += read;
            return read;
        }
    }
}
