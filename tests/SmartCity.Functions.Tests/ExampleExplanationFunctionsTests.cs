using Microsoft.Extensions.Options;
using SmartCity.Functions.Http;
using SmartCity.Functions.Http.OpenInference;
using SmartCity.Inference.Runtime;
using static SmartCity.Functions.Tests.HttpTestHost;

namespace SmartCity.Functions.Tests;

/// <summary>Nearest training examples in explanations (<c>?examples=k</c>, the Open Inference <c>examples</c> parameter) with the bundled heads, through real requests.</summary>
public sealed class ExampleExplanationFunctionsTests : IAsyncLifetime
{
    private InferenceEngine _engine = null!;
    private ExplainFunctions _explain = null!;
    private PredictFunctions _predict = null!;
    private OpenInferenceFunctions _v2 = null!;

    public Task InitializeAsync()
    {
        // Grid 2: 5 items per explanation, so the bundled models explain quickly.
        _engine = TestSupport.BundledEngine(o => o.ExplainGrid = 2);
        var fixtures = TestSupport.FixtureEngine(o => o.ExplainGrid = 2);
        var options = Options.Create(new HttpApiOptions { MaxExplainImages = 2 });
        var handler = new PredictHandler(_engine, options);
        _explain = new ExplainFunctions(handler);
        _predict = new PredictFunctions(handler);
        _v2 = new OpenInferenceFunctions(new OpenInferenceHandler(_engine, options));
        _fixtures = fixtures;
        _fixtureExplain = new ExplainFunctions(new PredictHandler(fixtures, options));
        return Task.CompletedTask;
    }

    private InferenceEngine _fixtures = null!;
    private ExplainFunctions _fixtureExplain = null!;

    public async Task DisposeAsync()
    {
        await _engine.DisposeAsync();
        await _fixtures.DisposeAsync();
    }

    private static byte[] Crop(string name) => File.ReadAllBytes(TestSupport.Sample($"vehicles/{name}"));

    [Fact]
    public async Task Explain_with_examples_3_answers_3_nearest_examples_per_head()
    {
        var context = Request("POST", "/api/models/vehicle-type/explain", Crop("juggernaut106.jpg"), "image/jpeg", "examples=3");
        var response = await InvokeAsync(context, () => _explain.Explain(context.Request, "vehicle-type"));

        Assert.Equal(200, response.Status);
        var map = response.Json.GetProperty("images")[0].GetProperty("explanation").GetProperty("maps")[0];
        var examples = map.GetProperty("examples").EnumerateArray().ToList();
        Assert.Equal(3, examples.Count);
        var predicted = map.GetProperty("label").GetString();
        foreach (var example in examples)
        {
            Assert.False(string.IsNullOrEmpty(example.GetProperty("id").GetString()));
            Assert.InRange(example.GetProperty("similarity").GetSingle(), -1f, 1f);
            Assert.Equal(example.GetProperty("label").GetString() == predicted, example.GetProperty("agreesWithPrediction").GetBoolean());
            Assert.False(example.TryGetProperty("image", out _), "the card does not allow the images to be shown");
        }

        Assert.Equal("juggernaut", examples[0].GetProperty("label").GetString());
    }

    [Fact]
    public async Task A_frame_explained_with_examples_3_has_3_per_head_and_predict_explain_true_takes_the_parameter_too()
    {
        var frame = File.ReadAllBytes(TestSupport.Sample("traffic-cameras/camera_2702_2026-01-22_00-24-52.jpg"));
        var context = Request("POST", "/api/models/traffic-scene/predict", frame, "image/jpeg", "explain=true&examples=3");
        var response = await InvokeAsync(context, () => _predict.Predict(context.Request, "traffic-scene"));

        Assert.Equal(200, response.Status);
        var maps = response.Json.GetProperty("images")[0].GetProperty("explanation").GetProperty("maps").EnumerateArray().ToList();
        Assert.Equal(["congestion", "lighting"], maps.Select(m => m.GetProperty("head").GetString()));
        Assert.All(maps, m => Assert.Equal(3, m.GetProperty("examples").GetArrayLength()));
    }

    [Fact]
    public async Task Examples_0_and_a_model_without_an_index_answer_maps_without_examples()
    {
        var none = Request("POST", "/api/models/vehicle-type/explain", Crop("car106.jpg"), "image/jpeg", "examples=0");
        var withNone = await InvokeAsync(none, () => _explain.Explain(none.Request, "vehicle-type"));
        Assert.Equal(200, withNone.Status);
        Assert.False(withNone.Json.GetProperty("images")[0].GetProperty("explanation").GetProperty("maps")[0].TryGetProperty("examples", out _));

        var noIndex = Request("POST", "/api/models/channel-logits/explain", TestSupport.Solid(SkiaSharp.SKColors.Red), "image/png", "examples=5");
        var withoutIndex = await InvokeAsync(noIndex, () => _fixtureExplain.Explain(noIndex.Request, "channel-logits"));
        Assert.Equal(200, withoutIndex.Status);
        Assert.False(withoutIndex.Json.GetProperty("images")[0].GetProperty("explanation").GetProperty("maps")[0].TryGetProperty("examples", out _));
    }

    [Theory]
    [InlineData("explain", "examples=21")]
    [InlineData("explain", "examples=-1")]
    [InlineData("explain", "examples=three")]
    [InlineData("predict", "explain=true&examples=100")]
    public async Task Examples_out_of_range_answer_400_invalid_query(string route, string query)
    {
        var context = Request("POST", $"/api/models/vehicle-type/{route}", Crop("car106.jpg"), "image/jpeg", query);
        var response = await InvokeAsync(context, () => route == "explain" ? _explain.Explain(context.Request, "vehicle-type") : _predict.Predict(context.Request, "vehicle-type"));

        Assert.Equal(400, response.Status);
        Assert.StartsWith("application/problem+json", response.ContentType, StringComparison.Ordinal);
        Assert.Equal("urn:smartcity:problem:invalid-query", response.Json.GetProperty("type").GetString());
        Assert.Contains("'examples' must be a whole number from 0 to 20", response.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_Open_Inference_explain_extension_answers_examples_as_similarity_label_id_strings()
    {
        var image = Convert.ToBase64String(Crop("bike106.jpg"));
        var json = $$$"""{"parameters":{"examples":3},"inputs":[{"name":"Input247","shape":[1],"datatype":"BYTES","data":["{{{image}}}"]}]}""";
        var context = Json("POST", "/api/v2/models/vehicle-type/explain", json);
        var response = await InvokeAsync(context, () => _v2.V2Explain(context.Request, "vehicle-type"));

        Assert.Equal(200, response.Status);
        var outputs = response.Json.GetProperty("outputs").EnumerateArray().ToList();
        Assert.Equal(["probabilities", "logits_saliency", "logits_saliency_png", "logits_examples"], outputs.Select(o => o.GetProperty("name").GetString()));
        var examples = outputs[3];
        Assert.Equal("BYTES", examples.GetProperty("datatype").GetString());
        Assert.Equal([1, 3], examples.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
        var first = examples.GetProperty("data")[0].GetString()!.Split(':', 3);
        Assert.InRange(float.Parse(first[0], System.Globalization.CultureInfo.InvariantCulture), 0f, 1f);
        Assert.Equal("bike", first[1]);
        Assert.StartsWith("bike/", first[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_Open_Inference_examples_parameter_out_of_range_is_an_error_body()
    {
        var image = Convert.ToBase64String(Crop("bike106.jpg"));
        var json = $$$"""{"parameters":{"examples":99},"inputs":[{"name":"Input247","shape":[1],"datatype":"BYTES","data":["{{{image}}}"]}]}""";
        var context = Json("POST", "/api/v2/models/vehicle-type/explain", json);
        var response = await InvokeAsync(context, () => _v2.V2Explain(context.Request, "vehicle-type"));

        Assert.Equal(400, response.Status);
        Assert.Contains("'examples' must be a whole number from 0 to 20", response.Json.GetProperty("error").GetString(), StringComparison.Ordinal);
    }
}
