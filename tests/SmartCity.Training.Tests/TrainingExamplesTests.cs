using System.Text.Json;
using SmartCity.Inference.Models;
using SmartCity.Training.Cards;

namespace SmartCity.Training.Tests;

/// <summary>The example index a trained head's package carries: the choice of examples, its file, its manifest entry and its card.</summary>
public class TrainingExamplesTests
{
    /// <summary>10 of class 0, 20 of class 1, 5 of class 2.</summary>
    private static readonly int[] Classes = [.. Enumerable.Repeat(0, 10), .. Enumerable.Repeat(1, 20), .. Enumerable.Repeat(2, 5)];

    private static readonly string[] Labels = ["bike", "car", "truck"];

    private static float[][] Embeddings()
    {
        var random = new Random(5);
        return [.. Classes.Select(c => Enumerable.Range(0, 8).Select(j => (j == c ? 3f : 0f) + (float)random.NextDouble()).ToArray())];
    }

    private static TrainingExamples Examples(ExampleIndexSettings settings) => TrainingExamples.Create(
        TrainingExamples.Choose(Classes, settings.MaxPerLabel),
        Embeddings(),
        [.. Classes.Select((c, i) => $"{Labels[c]}/{i}.jpg")],
        [.. Classes.Select((c, i) => $"training-data/city/{Labels[c]}/{i}.jpg")],
        [new ExampleHead("logits", Labels, Classes)],
        settings,
        "test images");

    [Fact]
    public void Choose_keeps_at_most_the_cap_of_every_label_the_same_for_every_call()
    {
        var chosen = TrainingExamples.Choose(Classes, 8);
        Assert.Equal([8, 8, 5], Labels.Select((_, c) => chosen.Count(i => Classes[i] == c)));
        Assert.Equal(chosen, TrainingExamples.Choose(Classes, 8));
        Assert.Equal(chosen.Order(), chosen);
        Assert.Equal(Enumerable.Range(0, Classes.Length), TrainingExamples.Choose(Classes, 100));
    }

    [Fact]
    public void A_trained_package_carries_a_valid_index_named_by_its_manifest_and_described_by_its_card()
    {
        var head = SoftmaxRegression.Train(Embeddings(), Classes, Labels.Length, 1e-3f, epochs: 20);
        var card = new ModelCard { IntendedUse = "test" };
        var package = HeadPackage.Create(head, Labels, new BackboneReference { Model = "resnet18-embedding", Version = "1" }, "test", "test", card, Examples(new ExampleIndexSettings(8)));

        var index = ExampleIndex.Read(package.Files[ExampleIndex.FileName]);
        Assert.Equal(21, index.Count); // 8 + 8 + 5
        Assert.Equal(8, index.Dimension);
        Assert.Equal(Labels, index.Heads[0].Labels);
        Assert.Equal("logits", index.Heads[0].Output);
        Assert.All(index.Metadata.Examples, e => Assert.StartsWith(Labels[e.Labels[0]] + "/", e.Id, StringComparison.Ordinal));
        Assert.All(index.Metadata.Examples, e => Assert.Null(e.Image));

        using var manifest = JsonDocument.Parse(package.Files[ModelRepository.ManifestFileName]);
        Assert.Equal(ExampleIndex.FileName, manifest.RootElement.GetProperty("examples").GetString());
        var written = ModelCard.FromJson(package.Files[ModelCard.FileName]).Examples;
        Assert.NotNull(written);
        Assert.Equal((21, 8, 8, false), (written.Count, written.Dimension, written.MaxPerLabel, written.ImagesMayBeShown));
        Assert.Equal(new Dictionary<string, int> { ["bike"] = 8, ["car"] = 8, ["truck"] = 5 }, written.CountsPerLabel);
        Assert.Equal(35, written.ChosenFrom);
        Assert.Contains("no pixels", written.Method, StringComparison.Ordinal);
    }

    [Fact]
    public void When_the_images_may_be_shown_each_example_names_its_image_and_nothing_more()
    {
        var examples = Examples(new ExampleIndexSettings(3, ImagesMayBeShown: true));
        var index = ExampleIndex.Read(examples.Index.ToBytes());
        Assert.True(index.ImagesMayBeShown);
        Assert.All(index.Metadata.Examples, e => Assert.Equal($"training-data/city/{e.Id}", e.Image));
        Assert.True(examples.Card.ImagesMayBeShown);
        // Embeddings and short names only: 9 examples of 8 floats and a little JSON.
        Assert.InRange(examples.Index.ToBytes().Length, 9 * 8 * 4, 2_000);
    }

    [Fact]
    public void A_package_without_examples_has_no_index_and_its_manifest_names_none()
    {
        var head = SoftmaxRegression.Train(Embeddings(), Classes, Labels.Length, 1e-3f, epochs: 5);
        var package = HeadPackage.Create(head, Labels, new BackboneReference { Model = "resnet18-embedding", Version = "1" }, "test", "test", new ModelCard());
        Assert.False(package.Files.ContainsKey(ExampleIndex.FileName));
        using var manifest = JsonDocument.Parse(package.Files[ModelRepository.ManifestFileName]);
        Assert.False(manifest.RootElement.TryGetProperty("examples", out _));
        Assert.Null(package.Card.Examples);
    }

    [Theory]
    [InlineData(-1, false)]
    [InlineData(0, true)]
    [InlineData(1000, true)]
    [InlineData(1001, false)]
    public void The_cap_is_checked_against_its_range(int perLabel, bool valid)
    {
        var problem = new ExampleIndexSettings(perLabel).Problem("examplesPerLabel");
        Assert.Equal(valid, problem is null);
        if (!valid)
        {
            Assert.Contains("'examplesPerLabel' must be a whole number from 0", problem, StringComparison.Ordinal);
        }
    }
}
