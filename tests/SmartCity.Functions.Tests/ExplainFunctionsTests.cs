using Microsoft.Extensions.Options;
using SkiaSharp;
using SmartCity.Functions.Http;
using SmartCity.Functions.Http.OpenInference;
using SmartCity.Inference.Runtime;
using static SmartCity.Functions.Tests.HttpTestHost;

namespace SmartCity.Functions.Tests;

/// <summary>The explain routes (native, <c>?explain=true</c>, Open Inference extension) through real requests.</summary>
public sealed class ExplainFunctionsTests : IAsyncLifetime
{
    private InferenceEngine _engine = null!;
    private ExplainFunctions _explain = null!;
    private PredictFunctions _predict = null!;
    private OpenInferenceFunctions _v2 = null!;

    public Task InitializeAsync()
    {
        _engine = TestSupport.FixtureEngine(o => o.ExplainGrid = 2);
        var options = Options.Create(new HttpApiOptions { MaxExplainImages = 2 });
        var handler = new PredictHandler(_engine, options);
        _explain = new ExplainFunctions(handler);
        _predict = new PredictFunctions(handler);
        _v2 = new OpenInferenceFunctions(new OpenInferenceHandler(_engine, options));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    /// <summary>Red on the left half, black on the right: only the left cells hold the red evidence.</summary>
    private static byte[] LeftRed()
    {
        using var bitmap = new SKBitmap(new SKImageInfo(4, 4, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (var y = 0; y < 4; y++)
        {
            for (var x = 0; x < 4; x++)
            {
                bitmap.SetPixel(x, y, x < 2 ? SKColors.Red : SKColors.Black);
            }
        }

        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private static void AssertPng(byte[] png) =>
        Assert.True(png.AsSpan(0, 8).SequenceEqual((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), "a PNG");

    [Fact]
    public async Task Explain_answers_the_prediction_and_a_map_whose_cells_show_where_the_evidence_is()
    {
        var context = Request("POST", "/api/models/channel-logits/explain", LeftRed(), "image/png");
        var response = await InvokeAsync(context, () => _explain.Explain(context.Request, "channel-logits"));

        Assert.Equal(200, response.Status);
        var image = response.Json.GetProperty("images")[0];
        Assert.Equal("red", image.GetProperty("predictions")[0].GetProperty("label").GetString());
        var explanation = image.GetProperty("explanation");
        Assert.Equal("occlusion", explanation.GetProperty("method").GetString());
        Assert.Equal("normalisation-mean", explanation.GetProperty("fill").GetString());
        Assert.Equal(2, explanation.GetProperty("rows").GetInt32());
        Assert.Equal(5, explanation.GetProperty("items").GetInt32());
        var map = explanation.GetProperty("maps")[0];
        Assert.Equal("red", map.GetProperty("label").GetString());
        var scores = map.GetProperty("scores").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToArray();
        Assert.Equal(2, scores.Length);
        // Masking a red (left) cell lowers p(red); masking a black (right) cell does not.
        Assert.All(scores, row => Assert.True(row[0] > 0 && row[0] > row[1], $"row {string.Join(",", row)}"));
        AssertPng(Convert.FromBase64String(map.GetProperty("png").GetString()!));
        Assert.Equal(256, map.GetProperty("pngWidth").GetInt32());
        Assert.Equal(256, map.GetProperty("pngHeight").GetInt32());
    }

    [Fact]
    public async Task Accept_image_png_answers_the_overlay_itself()
    {
        var context = Request("POST", "/api/models/channel-logits/explain", LeftRed(), "image/png");
        context.Request.Headers.Accept = "image/png";
        var response = await InvokeAsync(context, () => _explain.Explain(context.Request, "channel-logits"));

        Assert.Equal(200, response.Status);
        Assert.Equal("image/png", response.ContentType);
        Assert.Equal("red", response.Headers["X-Explained-Label"].ToString());
        context.Response.Body.Position = 0;
        using var png = SKBitmap.Decode(context.Response.Body);
        Assert.Equal((256, 256), (png.Width, png.Height));
    }

    [Fact]
    public async Task Predict_with_explain_true_adds_the_explanation_and_plain_predict_has_none()
    {
        var explained = Request("POST", "/api/models/channel-logits/predict", LeftRed(), "image/png", "explain=true");
        var withExplanation = await InvokeAsync(explained, () => _predict.Predict(explained.Request, "channel-logits"));
        Assert.Equal(200, withExplanation.Status);
        Assert.True(withExplanation.Json.GetProperty("images")[0].TryGetProperty("explanation", out _));

        var plain = Request("POST", "/api/models/channel-logits/predict", LeftRed(), "image/png");
        var without = await InvokeAsync(plain, () => _predict.Predict(plain.Request, "channel-logits"));
        Assert.False(without.Json.GetProperty("images")[0].TryGetProperty("explanation", out _));
    }

    [Fact]
    public async Task More_images_than_Http_MaxExplainImages_answer_413_too_many_images()
    {
        var (body, contentType) = await TestSupport.Multipart(("a.png", LeftRed()), ("b.png", LeftRed()), ("c.png", LeftRed()));
        var context = Request("POST", "/api/models/channel-logits/explain", body, contentType);
        var response = await InvokeAsync(context, () => _explain.Explain(context.Request, "channel-logits"));

        Assert.Equal(413, response.Status);
        Assert.StartsWith("application/problem+json", response.ContentType, StringComparison.Ordinal);
        Assert.Equal("urn:smartcity:problem:too-many-images", response.Json.GetProperty("type").GetString());
        Assert.Contains("Http:MaxExplainImages", response.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("text/html", null, 406, "not-acceptable")]
    [InlineData("image/png", "head=nope", 400, "invalid-query")]
    [InlineData(null, "explain=maybe", 400, "invalid-query")]
    public async Task Bad_accept_and_query_answer_4xx_problems(string? accept, string? query, int status, string code)
    {
        var context = Request("POST", "/api/models/channel-logits/" + (query?.StartsWith("explain", StringComparison.Ordinal) == true ? "predict" : "explain"), LeftRed(), "image/png", query);
        if (accept is not null)
        {
            context.Request.Headers.Accept = accept;
        }

        var response = await InvokeAsync(context, () => query?.StartsWith("explain", StringComparison.Ordinal) == true
            ? _predict.Predict(context.Request, "channel-logits")
            : _explain.Explain(context.Request, "channel-logits"));
        Assert.Equal(status, response.Status);
        Assert.Equal("urn:smartcity:problem:" + code, response.Json.GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_corrupt_image_answers_400_naming_it()
    {
        var (body, contentType) = await TestSupport.Multipart(("good.png", LeftRed()), ("bad.png", TestSupport.CorruptPng()));
        var context = Request("POST", "/api/models/channel-logits/explain", body, contentType);
        var response = await InvokeAsync(context, () => _explain.Explain(context.Request, "channel-logits"));

        Assert.Equal(400, response.Status);
        Assert.Equal("urn:smartcity:problem:corrupt-image", response.Json.GetProperty("type").GetString());
        Assert.Contains("Image 1 ('bad.png')", response.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_Open_Inference_explain_extension_answers_saliency_outputs()
    {
        var image = Convert.ToBase64String(LeftRed());
        var json = $$$"""{"id":"x1","inputs":[{"name":"pixels","shape":[1],"datatype":"BYTES","data":["{{{image}}}"]}]}""";
        var context = Json("POST", "/api/v2/models/channel-logits/explain", json);
        var response = await InvokeAsync(context, () => _v2.V2Explain(context.Request, "channel-logits"));

        Assert.Equal(200, response.Status);
        Assert.Equal("x1", response.Json.GetProperty("id").GetString());
        var outputs = response.Json.GetProperty("outputs").EnumerateArray().ToList();
        Assert.Equal(["probabilities", "logits_saliency", "logits_saliency_png"], outputs.Select(o => o.GetProperty("name").GetString()));
        Assert.Equal([1, 2, 2], outputs[1].GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
        Assert.Equal("BYTES", outputs[2].GetProperty("datatype").GetString());
        AssertPng(Convert.FromBase64String(outputs[2].GetProperty("data")[0].GetString()!));
    }

    [Fact]
    public async Task The_Open_Inference_explain_extension_refuses_a_tensor_input_with_an_error_body()
    {
        var json = """{"inputs":[{"name":"pixels","shape":[1,3,4,4],"datatype":"FP32","data":[0]}]}""";
        var context = Json("POST", "/api/v2/models/channel-logits/explain", json);
        var response = await InvokeAsync(context, () => _v2.V2Explain(context.Request, "channel-logits"));

        Assert.Equal(400, response.Status);
        Assert.Contains("BYTES", response.Json.GetProperty("error").GetString(), StringComparison.Ordinal);
    }
}
