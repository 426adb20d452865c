using SmartCity.Inference.Models;

namespace SmartCity.Inference.Tests.Models;

public sealed class ModelRepositoryTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "smartcity-models-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private string WriteModel(string name, string version, string manifest, string? labels = "a\nb\n")
    {
        var directory = Path.Combine(_root, name, version);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "model.json"), manifest);
        File.WriteAllBytes(Path.Combine(directory, "model.onnx"), [1, 2, 3]);
        if (labels is not null)
        {
            File.WriteAllText(Path.Combine(directory, "labels.txt"), labels);
        }

        return Path.Combine(directory, "model.json");
    }

    private const string Valid = """
        { "task": "image-classification",
          "input": { "width": 4, "height": 4, "mean": [0,0,0], "std": [1,1,1] },
          "output": { "kind": "logits" }, "labels": "labels.txt" }
        """;

    [Fact]
    public void The_bundled_models_load_and_validate()
    {
        var repository = new ModelRepository(TestPaths.Models);
        Assert.Contains("resnet18-embedding", repository.Names);
        Assert.Contains("vehicle-type", repository.Names);
        var vehicle = repository.Get("vehicle-type");
        Assert.Equal(ModelTask.ImageClassification, vehicle.Task);
        Assert.Equal(["bike", "car", "juggernaut", "minibus", "pickup", "truck"], vehicle.Labels);
        Assert.Equal("resnet18-embedding", vehicle.Backbone?.Name);
        Assert.Equal(224, vehicle.ImageInput.Width);
    }

    [Fact]
    public void The_highest_version_is_the_default_and_any_version_can_be_addressed()
    {
        WriteModel("m", "2", Valid);
        WriteModel("m", "10", Valid);
        WriteModel("m", "9", Valid);
        var repository = new ModelRepository(_root);
        Assert.Equal("10", repository.Get("m").Version);
        Assert.Equal("9", repository.Get("m", "9").Version);
        Assert.Equal(["2", "9", "10"], repository.Versions("m").Select(v => v.Version));
    }

    [Fact]
    public void Unknown_models_and_versions_are_not_found()
    {
        WriteModel("m", "1", Valid);
        var repository = new ModelRepository(_root);
        Assert.Throws<ModelNotFoundException>(() => repository.Get("nope"));
        var error = Assert.Throws<ModelNotFoundException>(() => repository.Get("m", "7"));
        Assert.Contains("'7'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "input": { "width": 4, "height": 4 }, "output": { "kind": "logits" }, "labels": "labels.txt" }""", "task")]
    [InlineData("""{ "task": "image-classification", "input": { "width": 4, "height": 4 }, "output": { }, "labels": "labels.txt" }""", "output.kind")]
    [InlineData("""{ "task": "image-classification", "input": { "width": 0, "height": 4 }, "output": { "kind": "logits" }, "labels": "labels.txt" }""", "input.width")]
    [InlineData("""{ "task": "image-classification", "input": { "width": 4, "height": 4, "mean": [0] }, "output": { "kind": "logits" }, "labels": "labels.txt" }""", "input.mean")]
    [InlineData("""{ "task": "image-classification", "input": { "width": 4, "height": 4, "std": [1, 0, 1] }, "output": { "kind": "logits" }, "labels": "labels.txt" }""", "input.std")]
    [InlineData("""{ "task": "image-classification", "input": { "width": 4, "height": 4 }, "output": { "kind": "logits" } }""", "labels")]
    [InlineData("""{ "task": "image-classification", "input": { "width": 4, "height": 4, "layout": "CHWN" }, "output": { "kind": "logits" }, "labels": "labels.txt" }""", "$.input.layout")]
    [InlineData("""{ "task": "image-classification", "colour": "blue", "input": { "width": 4, "height": 4 }, "output": { "kind": "logits" }, "labels": "labels.txt" }""", "colour")]
    [InlineData("""{ "task": "image-embedding", "input": { "width": 4, "height": 4 }, "output": { "kind": "logits" }, "labels": "labels.txt" }""", "output.kind")]
    [InlineData("""{ "task": "image-classification", "file": "missing.onnx", "input": { "width": 4, "height": 4 }, "output": { "kind": "logits" }, "labels": "labels.txt" }""", "file")]
    [InlineData("""{ "task": "image-classification", "backbone": { "model": "absent" }, "output": { "kind": "logits" }, "labels": "labels.txt" }""", "backbone.model")]
    [InlineData("""{ "task": "image-classification", "input": { "width": 4, "height": 4 }, "output": { "kind": "logits" }, "labels": "labels.txt" """, "$")]
    [InlineData("""{ "task": "image-classification", "maxBatchSize": 0, "input": { "width": 4, "height": 4 }, "output": { "kind": "logits" }, "labels": "labels.txt" }""", "field 'maxBatchSize' must be between 1 and 256; got 0.")]
    [InlineData("""{ "task": "image-classification", "maxBatchSize": 257, "input": { "width": 4, "height": 4 }, "output": { "kind": "logits" }, "labels": "labels.txt" }""", "field 'maxBatchSize'")]
    [InlineData("""{ "task": "image-classification", "maxQueueDelayMs": 5000, "input": { "width": 4, "height": 4 }, "output": { "kind": "logits" }, "labels": "labels.txt" }""", "field 'maxQueueDelayMs' must be between 0 and 1000; got 5000.")]
    [InlineData("""{ "task": "image-classification", "maxQueueDelayMs": -1, "input": { "width": 4, "height": 4 }, "output": { "kind": "logits" }, "labels": "labels.txt" }""", "field 'maxQueueDelayMs'")]
    [InlineData("""{ "task": "image-classification", "maxBatchSize": "many", "input": { "width": 4, "height": 4 }, "output": { "kind": "logits" }, "labels": "labels.txt" }""", "$.maxBatchSize")]
    [InlineData("""{ "task": "object-detection", "input": { "width": 4, "height": 4 }, "labels": "labels.txt" }""", "field 'detection' is required for task 'object-detection'")]
    [InlineData("""{ "task": "object-detection", "input": { "width": 4, "height": 4 }, "detection": { "boxes": "b", "scores": "s" }, "labels": "labels.txt" }""", "field 'detection.classes' is required")]
    [InlineData("""{ "task": "object-detection", "input": { "width": 4, "height": 4 }, "detection": { "boxes": "b", "scores": "b", "classes": "c" }, "labels": "labels.txt" }""", "field 'detection' must name three different outputs")]
    [InlineData("""{ "task": "object-detection", "input": { "width": 4, "height": 4 }, "detection": { "boxes": "b", "scores": "s", "classes": "c", "nmsIou": 0 }, "labels": "labels.txt" }""", "field 'detection.nmsIou' must be above 0 and at most 1")]
    [InlineData("""{ "task": "object-detection", "input": { "width": 4, "height": 4 }, "detection": { "boxes": "b", "scores": "s", "classes": "c", "scoreThreshold": 1.5 }, "labels": "labels.txt" }""", "field 'detection.scoreThreshold' must be between 0 and 1; got 1.5.")]
    [InlineData("""{ "task": "object-detection", "input": { "width": 4, "height": 4 }, "detection": { "boxes": "b", "scores": "s", "classes": "c", "maxDetections": 0 }, "labels": "labels.txt" }""", "field 'detection.maxDetections' must be between 1 and 1000; got 0.")]
    [InlineData("""{ "task": "object-detection", "input": { "width": 4, "height": 4 }, "detection": { "boxes": "b", "scores": "s", "classes": "c", "boxFormat": "corners" }, "labels": "labels.txt" }""", "$.detection.boxFormat")]
    [InlineData("""{ "task": "object-detection", "input": { "width": 4, "height": 4 }, "detection": { "boxes": "b", "scores": "s", "classes": "c" }, "output": { "kind": "logits" }, "labels": "labels.txt" }""", "field 'detection' replaces 'output' and 'heads'")]
    [InlineData("""{ "task": "object-detection", "input": { "width": 4, "height": 4 }, "detection": { "boxes": "b", "scores": "s", "classes": "c" } }""", "field 'labels' is required for an object detector")]
    [InlineData("""{ "task": "object-detection", "input": { "width": 4, "height": 4, "resize": "shorter-side-center-crop" }, "detection": { "boxes": "b", "scores": "s", "classes": "c" }, "labels": "labels.txt" }""", "field 'input.resize' must be 'stretch'")]
    [InlineData("""{ "task": "image-classification", "input": { "width": 4, "height": 4 }, "output": { "kind": "logits" }, "detection": { "boxes": "b" }, "labels": "labels.txt" }""", "field 'detection' is only read for task 'object-detection'")]
    [InlineData("""{ "task": "image-classification", "input": { "width": 4, "height": 4 }, "output": { "kind": "detections" }, "labels": "labels.txt" }""", "'detections' is set by task 'object-detection'")]
    [InlineData("""{ "task": "image-classification", "input": { "width": 4, "height": 4 }, "heads": [ { "output": "a", "kind": "logits", "labels": "labels.txt" }, { "output": "n", "kind": "estimate", "labels": "labels.txt" } ] }""", "field 'heads[1].labels' is not read for an 'estimate' head")]
    [InlineData("""{ "task": "image-classification", "input": { "width": 4, "height": 4 }, "heads": [ { "output": "n", "kind": "estimate" }, { "output": "a", "kind": "logits", "labels": "labels.txt" } ] }""", "field 'heads[0].kind' 'estimate' cannot be a model's first output")]
    [InlineData("""{ "task": "image-classification", "input": { "width": 4, "height": 4 }, "output": { "kind": "estimate" } }""", "field 'output.kind' 'estimate' cannot be a model's first output")]
    public void A_bad_manifest_fails_naming_the_model_the_file_and_the_field(string manifest, string field)
    {
        var path = WriteModel("broken", "1", manifest);
        var error = Assert.Throws<ModelManifestException>(() => new ModelRepository(_root));
        Assert.Equal("broken", error.Model);
        Assert.Equal(path, error.File);
        Assert.Contains(field, error.Message, StringComparison.Ordinal);
        Assert.Contains("'broken'", error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Batching_limits_are_read_from_the_manifest_and_unset_means_the_server_settings()
    {
        WriteModel("own", "1", Valid.Replace("{ \"task\"", "{ \"maxBatchSize\": 2, \"maxQueueDelayMs\": 0, \"task\"", StringComparison.Ordinal));
        WriteModel("server", "1", Valid);
        var repository = new ModelRepository(_root);

        Assert.Equal((2, 0), (repository.Get("own").Manifest.MaxBatchSize, repository.Get("own").Manifest.MaxQueueDelayMs));
        Assert.Equal((null, null), (repository.Get("server").Manifest.MaxBatchSize, repository.Get("server").Manifest.MaxQueueDelayMs));
    }

    [Fact]
    public void A_missing_models_folder_names_the_setting()
    {
        var error = Assert.Throws<DirectoryNotFoundException>(() => new ModelRepository(Path.Combine(_root, "absent")));
        Assert.Contains("Inference:ModelsPath", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_object_detector_manifest_reads_its_outputs_and_defaults()
    {
        WriteModel("detector", "1", """
            { "task": "object-detection", "input": { "width": 4, "height": 4 },
              "detection": { "boxes": "detected_boxes", "scores": "detected_scores", "classes": "detected_classes", "boxFormat": "cxcywh", "normalized": false },
              "labels": "labels.txt" }
            """);
        var detector = new ModelRepository(_root).Get("detector");
        Assert.Equal(ModelTask.ObjectDetection, detector.Task);
        Assert.Equal(OutputKind.Detections, detector.OutputKind);
        Assert.Equal(["a", "b"], detector.Labels);
        var detection = detector.Manifest.Detection!;
        Assert.Equal((BoxFormat.CxCyWh, false), (detection.BoxFormat, detection.Normalized));
        Assert.Equal((0.01f, 0.45f, 100), (detection.ScoreThreshold, detection.NmsIou, detection.MaxDetections));
    }
}
