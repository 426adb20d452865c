using SkiaSharp;
using SmartCity.Functions.Http;
using SmartCity.Inference;
using SmartCity.Inference.Models;
using SmartCity.Inference.Runtime;
using static SmartCity.Functions.Tests.HttpTestHost;

namespace SmartCity.Functions.Tests;

public sealed class ModelAndHealthFunctionsTests : IAsyncLifetime
{
    private InferenceEngine _engine = null!;
    private ModelFunctions _models = null!;

    public Task InitializeAsync()
    {
        _engine = TestSupport.FixtureEngine();
        _models = new ModelFunctions(new ModelCatalog(_engine));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    [Fact]
    public async Task The_model_list_names_every_model_with_its_versions_and_task()
    {
        var context = Request("GET", "/api/models");
        var response = await InvokeAsync(context, () => _models.ListModels(context.Request));

        Assert.Equal(200, response.Status);
        var models = response.Json.EnumerateArray().ToDictionary(m => m.GetProperty("name").GetString()!);
        Assert.Equal(["channel-embedding", "channel-logits", "channel-probabilities-nhwc", "custom-vision-bgr", "custom-vision-classifier", "custom-vision-detector"], models.Keys);
        var logits = models["channel-logits"];
        Assert.Equal(["1", "2"], logits.GetProperty("versions").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal("2", logits.GetProperty("defaultVersion").GetString());
        Assert.Equal("image-classification", logits.GetProperty("task").GetString());
        Assert.Equal("image-embedding", models["channel-embedding"].GetProperty("task").GetString());
        Assert.StartsWith("Test fixture", logits.GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_model_describes_each_version_with_its_input_spec_and_whether_it_is_loaded()
    {
        await _engine.PredictAsync("channel-probabilities-nhwc", null, TestSupport.Solid(SKColors.Red));
        var context = Request("GET", "/api/models/channel-probabilities-nhwc");
        var response = await InvokeAsync(context, () => _models.GetModel(context.Request, "channel-probabilities-nhwc"));

        Assert.Equal(200, response.Status);
        var version = response.Json.GetProperty("versions")[0];
        Assert.Equal("1", version.GetProperty("version").GetString());
        Assert.Equal(["red", "green", "blue"], version.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal("probabilities", version.GetProperty("output").GetString());
        Assert.True(version.GetProperty("loaded").GetBoolean());
        var input = version.GetProperty("input");
        Assert.Equal("image", input.GetProperty("name").GetString());
        Assert.Equal("NHWC", input.GetProperty("layout").GetString());
        Assert.Equal(4, input.GetProperty("width").GetInt32());
        Assert.Equal("shorter-side-center-crop", input.GetProperty("resize").GetString());
        Assert.Equal("RGB", input.GetProperty("channelOrder").GetString());
        Assert.Equal("0-1", input.GetProperty("valueRange").GetString());
        Assert.Equal(3, input.GetProperty("mean").GetArrayLength());
        Assert.Equal(3, input.GetProperty("std").GetArrayLength());
        Assert.Contains("FixtureModels.cs", version.GetProperty("license").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_model_not_loaded_yet_says_so_and_a_zipmap_model_learns_its_labels_once_loaded()
    {
        var before = Request("GET", "/api/models/custom-vision-bgr");
        var beforeResponse = await InvokeAsync(before, () => _models.GetModel(before.Request, "custom-vision-bgr"));
        Assert.False(beforeResponse.Json.GetProperty("versions")[0].GetProperty("loaded").GetBoolean());
        Assert.Equal(0, beforeResponse.Json.GetProperty("versions")[0].GetProperty("labels").GetArrayLength());

        await _engine.PredictAsync("custom-vision-bgr", null, TestSupport.Solid(SKColors.Red, size: 8));
        var after = Request("GET", "/api/models/custom-vision-bgr");
        var afterResponse = await InvokeAsync(after, () => _models.GetModel(after.Request, "custom-vision-bgr"));
        Assert.Equal(["blue", "green", "red"], afterResponse.Json.GetProperty("versions")[0].GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
    }

    [Fact]
    public async Task An_unknown_model_is_a_404_problem()
    {
        var context = Request("GET", "/api/models/nope");
        var response = await InvokeAsync(context, () => _models.GetModel(context.Request, "nope"));

        Assert.Equal(404, response.Status);
        Assert.Equal("application/problem+json; charset=utf-8", response.ContentType);
    }

    [Fact]
    public async Task Liveness_answers_200()
    {
        var context = Request("GET", "/api/health/live");
        var response = await InvokeAsync(context, () => new HealthFunctions(_engine).HealthLive(context.Request));

        Assert.Equal(200, response.Status);
        Assert.Equal("live", response.Json.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Readiness_is_503_with_the_reason_and_Retry_After_until_the_warm_up_is_done()
    {
        await using var engine = TestSupport.FixtureEngine(o => o.WarmUpModels = "channel-logits");
        var health = new HealthFunctions(engine);
        var before = Request("GET", "/api/health/ready");
        var beforeResponse = await InvokeAsync(before, () => health.HealthReady(before.Request));

        Assert.Equal(503, beforeResponse.Status);
        Assert.Equal("urn:smartcity:problem:not-ready", beforeResponse.Json.GetProperty("type").GetString());
        Assert.Equal(engine.NotReadyReason, beforeResponse.Json.GetProperty("detail").GetString());
        Assert.Equal("5", beforeResponse.Headers.RetryAfter.ToString());

        await engine.StartWarmUp();
        var after = Request("GET", "/api/health/ready");
        var afterResponse = await InvokeAsync(after, () => health.HealthReady(after.Request));
        Assert.Equal(200, afterResponse.Status);
        Assert.Equal("ready", afterResponse.Json.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Readiness_after_a_failed_warm_up_names_the_model_but_no_server_path_or_runtime_message()
    {
        var root = Path.Combine(Path.GetTempPath(), "smartcity-ready-" + Guid.NewGuid().ToString("N"));
        var directory = Path.Combine(root, "bad", "1");
        Directory.CreateDirectory(directory);
        try
        {
            File.Copy(Path.Combine(TestPaths.FixtureModels, "channel-embedding", "1", "model.json"), Path.Combine(directory, "model.json"));
            File.WriteAllText(Path.Combine(directory, "model.onnx"), "not an onnx file");
            var options = new InferenceOptions { ModelsPath = root, WarmUpModels = "bad" };
            var log = new RecordingLogger<InferenceEngine>();
            await using var engine = new InferenceEngine(new ModelRepository(root), options, log);
            await engine.StartWarmUp();

            var context = Request("GET", "/api/health/ready");
            var response = await InvokeAsync(context, () => new HealthFunctions(engine).HealthReady(context.Request));

            Assert.Equal(503, response.Status);
            Assert.Equal("Model 'bad' failed to load.", response.Json.GetProperty("detail").GetString());
            Assert.DoesNotContain(root, response.Body, StringComparison.Ordinal);
            Assert.DoesNotContain("onnx", response.Body, StringComparison.OrdinalIgnoreCase);
            // The details are for the operator, in the log.
            Assert.Contains(log.Entries, e => e.Contains(Path.Combine(directory, "model.onnx"), StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
