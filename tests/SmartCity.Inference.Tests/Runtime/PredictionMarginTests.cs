using SkiaSharp;
using SmartCity.Inference.Models;
using SmartCity.Inference.Runtime;

namespace SmartCity.Inference.Tests.Runtime;

/// <summary>The margin the camera pipeline and the HTTP answer call a result unsure by, on the fixture models (exact probabilities).</summary>
public sealed class PredictionMarginTests : IAsyncLifetime
{
    private InferenceEngine _fixtures = null!;

    public Task InitializeAsync()
    {
        var options = new InferenceOptions { ModelsPath = TestPaths.FixtureModels, MaxBatchSize = 8 };
        _fixtures = new InferenceEngine(new ModelRepository(options.ResolvedModelsPath), options);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _fixtures.DisposeAsync();

    [Fact]
    public async Task A_classifier_margin_is_the_top_probability_minus_the_second()
    {
        // channel-logits answers softmax of the channel means: red is softmax(1, 0, 0).
        var prediction = await _fixtures.PredictAsync("channel-logits", null, TestImages.Solid(SKColors.Red));

        var expected = (MathF.E - 1f) / (MathF.E + 2f);
        Assert.Equal(expected, PredictionMargin.Of(prediction)!.Value, 5);
    }

    [Fact]
    public async Task An_even_answer_has_a_margin_of_zero_and_an_embedding_has_none()
    {
        var even = await _fixtures.PredictAsync("channel-logits", null, TestImages.Solid(SKColors.White));
        Assert.Equal(0f, PredictionMargin.Of(even)!.Value, 5);

        var embedding = await _fixtures.PredictAsync("channel-embedding", null, TestImages.Solid(SKColors.Red));
        Assert.Equal(ModelTask.ImageEmbedding, embedding.Model.Task);
        Assert.Null(PredictionMargin.Of(embedding));
    }

    [Theory]
    [InlineData(0.19f, 0.2, true)]
    [InlineData(0.2f, 0.2, false)]
    [InlineData(0f, 0.0, false)]
    [InlineData(null, 0.5, false)]
    public void A_margin_is_low_only_below_the_setting(float? margin, double setting, bool low) =>
        Assert.Equal(low, PredictionMargin.IsLow(margin, setting));
}
