using SmartCity.Inference.Models;
using SmartCity.Inference.Runtime;

namespace SmartCity.Inference.Tests.Runtime;

/// <summary>An <c>estimate</c> head: one value per image, returned as computed, with no labels, no softmax and no top-k.</summary>
public sealed class EstimateHeadTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "smartcity-estimate-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task An_estimate_head_over_an_output_of_several_values_is_a_model_load_error_naming_the_output()
    {
        // The fixture's 'logits' output has three values per image: not an estimate.
        var directory = Path.Combine(_root, "m", "1");
        Directory.CreateDirectory(directory);
        var fixture = Path.Combine(TestPaths.FixtureModels, "channel-logits", "1");
        File.Copy(Path.Combine(fixture, "model.onnx"), Path.Combine(directory, "model.onnx"));
        File.Copy(Path.Combine(fixture, "labels.txt"), Path.Combine(directory, "labels.txt"));
        File.WriteAllText(Path.Combine(directory, "model.json"), """
            { "task": "image-classification",
              "input": { "name": "pixels", "layout": "NCHW", "width": 4, "height": 4, "resize": "stretch", "channelOrder": "RGB", "valueRange": "0-1", "mean": [0, 0, 0], "std": [1, 1, 1] },
              "heads": [ { "output": "logits", "kind": "logits", "labels": "labels.txt" }, { "output": "logits", "kind": "estimate" } ] }
            """);
        var options = new InferenceOptions { ModelsPath = _root };
        await using var engine = new InferenceEngine(new ModelRepository(_root), options);

        var error = await Assert.ThrowsAsync<ModelLoadException>(() => engine.WarmUpAsync(engine.Repository.Get("m")));
        Assert.Contains("'logits' is an 'estimate' head, which must give one value per image", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Postprocessing_leaves_an_estimate_as_the_model_computed_it()
    {
        float[] values = [3.5f];
        Postprocessing.Apply(OutputKind.Estimate, values);
        Assert.Equal([3.5f], values);
    }
}
