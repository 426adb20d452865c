using System.Buffers.Binary;
using SmartCity.Inference.Models;
using SmartCity.Inference.Runtime;

namespace SmartCity.Inference.Tests.Models;

/// <summary>The example index file: its layout, its checks, the exact search, and how a version with a bad one fails to load.</summary>
public sealed class ExampleIndexTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "smartcity-examples-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static ExampleIndexMetadata Metadata(int count, int labels = 2, string output = "logits") => new()
    {
        Heads = [new ExampleIndexHead { Output = output, Labels = [.. Enumerable.Range(0, labels).Select(l => $"l{l}")] }],
        Examples = [.. Enumerable.Range(0, count).Select(i => new ExampleEntry { Id = $"e{i}.jpg", Labels = [i % labels] })],
    };

    private static float[][] Random(int count, int dimension, int seed = 1)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, dimension).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray())];
    }

    [Fact]
    public void An_index_survives_its_file_and_its_rows_are_L2_normalised()
    {
        var embeddings = Random(7, 16);
        var index = ExampleIndex.Create(embeddings, Metadata(7));
        var bytes = index.ToBytes();
        Assert.Equal("SCEX"u8.ToArray(), bytes[..4]);
        Assert.Equal(7u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)));
        Assert.Equal(16u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12)));

        var read = ExampleIndex.Read(bytes);
        Assert.Equal((7, 16), (read.Count, read.Dimension));
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"e{i}.jpg"), read.Metadata.Examples.Select(e => e.Id));
        Assert.Equal(1, read.LabelIndex(0, 3));
        Assert.False(read.ImagesMayBeShown);
        for (var i = 0; i < 7; i++)
        {
            var row = read.Embedding(i).ToArray();
            Assert.Equal(1f, MathF.Sqrt(row.Sum(v => v * v)), 4);
            var expected = (float[])embeddings[i].Clone();
            Postprocessing.L2Normalize(expected);
            Assert.Equal(expected, row);
        }
    }

    [Fact]
    public void Nearest_returns_the_k_most_similar_examples_by_cosine_most_similar_first()
    {
        var embeddings = Random(50, 8, seed: 3);
        var index = ExampleIndex.Create(embeddings, Metadata(50));
        var query = (float[])embeddings[17].Clone();
        Postprocessing.L2Normalize(query);

        var nearest = index.Nearest(query, 5);

        Assert.Equal(5, nearest.Length);
        Assert.Equal(17, nearest[0].Example);
        Assert.Equal(1f, nearest[0].Similarity, 4);
        // The same order as a brute-force sort of every cosine similarity.
        var expected = Enumerable.Range(0, 50)
            .Select(i => (i, Similarity: index.Embedding(i).ToArray().Zip(query, (a, b) => a * b).Sum()))
            .OrderByDescending(x => x.Similarity).Take(5).Select(x => x.i);
        Assert.Equal(expected, nearest.Select(n => n.Example));
        Assert.True(nearest.Zip(nearest.Skip(1)).All(p => p.First.Similarity >= p.Second.Similarity));
        Assert.Equal(50, index.Nearest(query, 80).Length);
        Assert.Empty(index.Nearest(query, 0));
    }

    public static TheoryData<string, Func<byte[], byte[]>> Corruptions => new()
    {
        { "SCEX", bytes => [.. "XXXX"u8.ToArray(), .. bytes[4..]] },
        { "bytes", bytes => bytes[..^4] },
        { "format version", bytes => { BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), 9); return bytes; } },
        { "L2-normalised", bytes => { BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(bytes.Length - 4), 7f); return bytes; } },
        { "not a finite number", bytes => { BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(bytes.Length - 4), float.NaN); return bytes; } },
    };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void A_malformed_index_is_refused_saying_what_is_wrong(string expected, Func<byte[], byte[]> corrupt)
    {
        var bytes = corrupt(ExampleIndex.Create(Random(3, 4), Metadata(3)).ToBytes());
        var error = Assert.Throws<FormatException>(() => ExampleIndex.Read(bytes));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_image_reference_is_refused_when_images_may_not_be_shown()
    {
        var metadata = Metadata(2);
        metadata.Examples[1].Image = "training-data/a/e1.jpg";
        var error = Assert.Throws<FormatException>(() => ExampleIndex.Create(Random(2, 4), metadata));
        Assert.Contains("images may not be shown", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A copy of the bundled vehicle-type version 1 and its backbone in a temporary models folder, with <paramref name="examples"/> as its index.</summary>
    private string VehicleTypeWith(byte[]? examples)
    {
        foreach (var model in new[] { "resnet18-embedding", "vehicle-type" })
        {
            var source = Path.Combine(TestPaths.Models, model, "1");
            var target = Path.Combine(_root, model, "1");
            Directory.CreateDirectory(target);
            foreach (var file in Directory.GetFiles(source))
            {
                if (Path.GetFileName(file) != ExampleIndex.FileName)
                {
                    File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
                }
            }
        }

        var version = Path.Combine(_root, "vehicle-type", "1");
        if (examples is null)
        {
            var manifest = Path.Combine(version, ModelRepository.ManifestFileName);
            File.WriteAllText(manifest, File.ReadAllText(manifest).Replace(",\n  \"examples\": \"examples.bin\"", string.Empty, StringComparison.Ordinal));
        }
        else
        {
            File.WriteAllBytes(Path.Combine(version, ExampleIndex.FileName), examples);
        }

        return version;
    }

    private static readonly string[] VehicleLabels = ["bike", "car", "juggernaut", "minibus", "pickup", "truck"];

    private static byte[] VehicleIndex(int dimension, string output = "logits", string[]? labels = null) =>
        ExampleIndex.Create(Random(6, dimension), new ExampleIndexMetadata
        {
            Heads = [new ExampleIndexHead { Output = output, Labels = [.. labels ?? VehicleLabels] }],
            Examples = [.. Enumerable.Range(0, 6).Select(i => new ExampleEntry { Id = $"x{i}", Labels = [i] })],
        }).ToBytes();

    [Fact]
    public void The_bundled_heads_carry_their_example_index()
    {
        var repository = new ModelRepository(TestPaths.Models);
        var vehicle = repository.Get("vehicle-type").Examples;
        Assert.NotNull(vehicle);
        Assert.Equal(512, vehicle.Dimension);
        Assert.Equal(VehicleLabels, vehicle.Heads[0].Labels);
        Assert.False(vehicle.ImagesMayBeShown);
        Assert.All(vehicle.Metadata.Examples, e => Assert.Null(e.Image));
        var scene = repository.Get("traffic-scene").Examples;
        Assert.NotNull(scene);
        Assert.Equal(["congestion", "lighting"], scene.Heads.Select(h => h.Output));
        Assert.Null(repository.Get("resnet18-embedding").Examples);
    }

    [Fact]
    public void A_version_whose_index_is_not_an_index_fails_to_load_naming_the_file()
    {
        VehicleTypeWith([1, 2, 3, 4, 5]);
        var error = Assert.Throws<ModelManifestException>(() => new ModelRepository(_root));
        Assert.Equal("examples", error.Field);
        Assert.Contains("'examples.bin', which is not a valid example index", error.Message, StringComparison.Ordinal);
        Assert.Contains("SCEX", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_version_whose_index_has_other_labels_or_heads_fails_to_load()
    {
        VehicleTypeWith(VehicleIndex(512, labels: ["a", "b", "c", "d", "e", "f"]));
        var labels = Assert.Throws<ModelManifestException>(() => new ModelRepository(_root));
        Assert.Contains("are not the model's", labels.Message, StringComparison.Ordinal);

        Directory.Delete(_root, recursive: true);
        VehicleTypeWith(VehicleIndex(512, output: "congestion"));
        var head = Assert.Throws<ModelManifestException>(() => new ModelRepository(_root));
        Assert.Contains("'congestion' is not a classification head", head.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_index_of_another_dimension_than_the_backbone_embedding_is_a_model_load_error_naming_the_file()
    {
        VehicleTypeWith(VehicleIndex(16));
        var options = new InferenceOptions { ModelsPath = _root };
        await using var engine = new InferenceEngine(new ModelRepository(_root), options);
        var model = engine.Repository.Get("vehicle-type");

        var load = await Assert.ThrowsAsync<ModelLoadException>(() => engine.WarmUpAsync(model));
        Assert.Contains("examples.bin", load.File, StringComparison.Ordinal);
        Assert.Contains("16 values", load.Message, StringComparison.Ordinal);
        Assert.Contains("has 512", load.Message, StringComparison.Ordinal);
        // The check a publish runs before anything is written says the same.
        var validate = await Assert.ThrowsAsync<ModelLoadException>(() => engine.ValidateAsync(model));
        Assert.Contains("16 values", validate.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_head_without_an_index_explains_without_examples()
    {
        VehicleTypeWith(null);
        var options = new InferenceOptions { ModelsPath = _root, ExplainGrid = 2 };
        await using var engine = new InferenceEngine(new ModelRepository(_root), options);
        var model = engine.Repository.Get("vehicle-type");
        Assert.Null(model.Examples);

        var explanation = await engine.ExplainAsync(model, File.ReadAllBytes(Path.Combine(TestPaths.Samples, "vehicles", "car106.jpg")), null, 1, 0f, 5, default);
        Assert.Null(Assert.Single(explanation.Maps).Examples);
    }
}
