using SmartCity.Inference.Models;
using SmartCity.Training.Cards;

namespace SmartCity.Cli.Tests.Training;

/// <summary><c>write-examples</c> and the trainers' example options, on the committed samples (always) and on ../shared/data (skipped without it).</summary>
public sealed class WriteExamplesCommandTests : IDisposable
{
    private readonly SharedData _data = new();

    public void Dispose() => _data.Dispose();

    /// <summary>A models folder with (a link to) the bundled backbone and a copy of vehicle-type/1 without its index.</summary>
    private string ModelsWithVehicleType()
    {
        var models = Directory.CreateDirectory(Path.Combine(_data.Folder, "models")).FullName;
        Directory.CreateSymbolicLink(Path.Combine(models, "resnet18-embedding"), Path.Combine(TestPaths.Models, "resnet18-embedding"));
        var version = Directory.CreateDirectory(Path.Combine(models, "vehicle-type", "1")).FullName;
        foreach (var file in Directory.GetFiles(Path.Combine(TestPaths.Models, "vehicle-type", "1")).Where(f => Path.GetFileName(f) != ExampleIndex.FileName))
        {
            File.Copy(file, Path.Combine(version, Path.GetFileName(file)));
        }

        var manifest = Path.Combine(version, ModelRepository.ManifestFileName);
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace(",\n  \"examples\": \"examples.bin\"", string.Empty, StringComparison.Ordinal));
        var card = ModelCard.FromJson(File.ReadAllBytes(Path.Combine(version, ModelCard.FileName)));
        card.Examples = null;
        File.WriteAllBytes(Path.Combine(version, ModelCard.FileName), card.ToJson());
        return models;
    }

    /// <summary>The six committed crops as a folder per label.</summary>
    private string SampleCrops()
    {
        var data = Path.Combine(_data.Folder, "crops");
        foreach (var file in Directory.GetFiles(SmartCityRunner.Sample("vehicles"), "*.jpg"))
        {
            var label = Path.GetFileNameWithoutExtension(file).TrimEnd("0123456789".ToCharArray());
            var folder = Directory.CreateDirectory(Path.Combine(data, label)).FullName;
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        return data;
    }

    [Fact]
    public async Task Write_examples_indexes_a_trained_version_names_it_in_the_manifest_and_the_card_and_explain_uses_it()
    {
        var models = ModelsWithVehicleType();
        var version = Path.Combine(models, "vehicle-type", "1");
        var result = await SmartCityRunner.RunAsync("write-examples", version, "--data", SampleCrops());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("6 examples of 512 values", result.Output, StringComparison.Ordinal);
        var repository = new ModelRepository(models);
        var index = repository.Get("vehicle-type").Examples;
        Assert.NotNull(index);
        Assert.Equal(6, index.Count);
        Assert.Equal(["bike/bike106.jpg", "car/car106.jpg", "juggernaut/juggernaut106.jpg", "minibus/minibus106.jpg", "pickup/pickup106.jpg", "truck/truck106.jpg"], index.Metadata.Examples.Select(e => e.Id));
        Assert.All(index.Metadata.Examples, e => Assert.Null(e.Image));
        var card = ModelCard.TryRead(version)!.Examples;
        Assert.NotNull(card);
        Assert.Equal((6, 512, false), (card.Count, card.Dimension, card.ImagesMayBeShown));

        // Each crop's nearest example is itself, at similarity 1.
        await using var engine = new Inference.Runtime.InferenceEngine(repository, new Inference.InferenceOptions { ModelsPath = models, ExplainGrid = 2 });
        var explanation = await engine.ExplainAsync(repository.Get("vehicle-type"), await File.ReadAllBytesAsync(SmartCityRunner.Sample("vehicles/truck106.jpg")), null, 1, 0f, 2, default);
        var nearest = explanation.Maps[0].Examples!;
        Assert.Equal("truck/truck106.jpg", nearest[0].Id);
        Assert.Equal(1f, nearest[0].Similarity, 3);
    }

    [Fact]
    public async Task Write_examples_with_images_allowed_keeps_their_names_and_a_cap_of_0_is_refused()
    {
        var models = ModelsWithVehicleType();
        var version = Path.Combine(models, "vehicle-type", "1");
        var crops = SampleCrops();
        var shown = await SmartCityRunner.RunAsync("write-examples", version, "--data", crops, "--example-images-may-be-shown");
        Assert.True(shown.ExitCode == 0, shown.ToString());
        var index = new ModelRepository(models).Get("vehicle-type").Examples!;
        Assert.True(index.ImagesMayBeShown);
        Assert.All(index.Metadata.Examples, e => Assert.Equal(e.Id, e.Image));

        var none = await SmartCityRunner.RunAsync("write-examples", version, "--data", crops, "--examples-per-label", "0");
        Assert.Equal(1, none.ExitCode);
        var outOfRange = await SmartCityRunner.RunAsync("train-vehicle-type", "--data", crops, "--examples-per-label", "1001");
        Assert.Equal(1, outOfRange.ExitCode);
        Assert.Contains("'--examples-per-label' must be a whole number from 0", outOfRange.Error, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Train_vehicle_type_writes_an_index_capped_per_label()
    {
        var source = SharedData.Require("vehicles");
        var data = Path.Combine(_data.Folder, "vehicles");
        foreach (var label in Directory.GetDirectories(source))
        {
            var target = Directory.CreateDirectory(Path.Combine(data, Path.GetFileName(label))).FullName;
            foreach (var file in Directory.GetFiles(label, "*.jpg").Order(StringComparer.Ordinal).Take(10))
            {
                File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
            }
        }

        var models = Directory.CreateDirectory(Path.Combine(_data.Folder, "trained")).FullName;
        Directory.CreateSymbolicLink(Path.Combine(models, "resnet18-embedding"), Path.Combine(TestPaths.Models, "resnet18-embedding"));
        var result = await SmartCityRunner.RunAsync("train-vehicle-type", "--data", data, "--out", Path.Combine(models, "vehicle-type", "1"), "--examples-per-label", "4");

        Assert.True(result.ExitCode == 0, result.ToString());
        var index = new ModelRepository(models).Get("vehicle-type").Examples;
        Assert.NotNull(index);
        Assert.Equal(24, index.Count);
        Assert.All(index.Heads[0].Labels.Select((_, c) => Enumerable.Range(0, index.Count).Count(i => index.LabelIndex(0, i) == c)), n => Assert.Equal(4, n));
        Assert.Equal(4, ModelCard.TryRead(Path.Combine(models, "vehicle-type", "1"))!.Examples!.MaxPerLabel);
    }
}
