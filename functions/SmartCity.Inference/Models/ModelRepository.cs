using System.Text.Json;
using Microsoft.Extensions.Options;

namespace SmartCity.Inference.Models;

/// <summary>
/// The models folder, laid out as <c>models/&lt;name&gt;/&lt;version&gt;/model.json</c> like a Triton
/// model repository. Every manifest is read and validated when the repository is created, so
/// a bad one fails at start with a message naming the model, the file and the field.
/// Sessions are not created here; see <see cref="Runtime.InferenceEngine"/>.
/// </summary>
public sealed class ModelRepository
{
    public const string ManifestFileName = "model.json";

    /// <summary>Bounds of <c>maxBatchSize</c>, in a manifest and in <c>Inference:MaxBatchSize</c>.</summary>
    public const int MinBatchSize = 1;

    /// <inheritdoc cref="MinBatchSize"/>
    public const int MaxBatchSize = 256;

    /// <summary>Upper bound of <c>maxQueueDelayMs</c>, in a manifest and in <c>Inference:MaxQueueDelayMs</c>.</summary>
    public const int MaxQueueDelayMs = 1000;

    private readonly Dictionary<string, ModelVersion[]> _models;

    /// <summary>The folder of <see cref="InferenceOptions.ModelsPath"/> (the app's, through dependency injection).</summary>
    public ModelRepository(IOptions<InferenceOptions> options)
        : this((options ?? throw new ArgumentNullException(nameof(options))).Value.ResolvedModelsPath)
    {
    }

    public ModelRepository(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        if (!System.IO.Directory.Exists(Path))
        {
            throw new DirectoryNotFoundException($"The models folder '{Path}' does not exist (setting Inference:ModelsPath).");
        }

        var manifests = new List<(string Name, string Version, string Directory, ModelManifest Manifest)>();
        foreach (var modelDirectory in System.IO.Directory.EnumerateDirectories(Path).Order(StringComparer.Ordinal))
        {
            var name = System.IO.Path.GetFileName(modelDirectory);
            foreach (var versionDirectory in System.IO.Directory.EnumerateDirectories(modelDirectory))
            {
                var manifestPath = System.IO.Path.Combine(versionDirectory, ManifestFileName);
                if (File.Exists(manifestPath))
                {
                    manifests.Add((name, System.IO.Path.GetFileName(versionDirectory), versionDirectory, ReadManifest(name, manifestPath)));
                }
            }
        }

        var resolved = new Dictionary<string, ModelVersion>(StringComparer.Ordinal);
        var lookup = manifests.ToDictionary(m => $"{m.Name}/{m.Version}", StringComparer.Ordinal);

        ModelVersion Resolve((string Name, string Version, string Directory, ModelManifest Manifest) entry, int depth)
        {
            var key = $"{entry.Name}/{entry.Version}";
            if (resolved.TryGetValue(key, out var done))
            {
                return done;
            }

            var manifestFile = System.IO.Path.Combine(entry.Directory, ManifestFileName);
            ModelVersion? backbone = null;
            if (entry.Manifest.Backbone is { } reference)
            {
                if (string.IsNullOrWhiteSpace(reference.Model))
                {
                    throw new ModelManifestException(entry.Name, manifestFile, "backbone.model", "is required.");
                }

                var candidates = manifests.Where(m => m.Name == reference.Model).ToList();
                if (candidates.Count == 0)
                {
                    throw new ModelManifestException(entry.Name, manifestFile, "backbone.model", $"names '{reference.Model}', which is not in the repository.");
                }

                var target = reference.Version is null
                    ? candidates.OrderBy(c => c.Version, VersionComparer.Instance).Last()
                    : lookup.GetValueOrDefault($"{reference.Model}/{reference.Version}");
                if (target.Manifest is null)
                {
                    throw new ModelManifestException(entry.Name, manifestFile, "backbone.version", $"names version '{reference.Version}' of '{reference.Model}', which does not exist.");
                }

                if (depth > 0 || target.Manifest.Backbone is not null || target.Manifest.Task != ModelTask.ImageEmbedding)
                {
                    throw new ModelManifestException(entry.Name, manifestFile, "backbone", $"must name an image-embedding model that reads images itself ('{reference.Model}' does not).");
                }

                backbone = Resolve(target, depth + 1);
            }

            var version = Validate(entry.Name, entry.Version, entry.Directory, entry.Manifest, backbone);
            resolved[key] = version;
            return version;
        }

        foreach (var entry in manifests)
        {
            Resolve(entry, 0);
        }

        _models = resolved.Values
            .GroupBy(v => v.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(v => v.Version, VersionComparer.Instance).ToArray(), StringComparer.Ordinal);
    }

    /// <summary>The full path of the models folder.</summary>
    public string Path { get; }

    /// <summary>Model names, sorted.</summary>
    public IReadOnlyList<string> Names => [.. _models.Keys.Order(StringComparer.Ordinal)];

    /// <summary>The versions of a model, lowest first.</summary>
    public IReadOnlyList<ModelVersion> Versions(string name) =>
        _models.TryGetValue(name, out var versions) ? versions : throw new ModelNotFoundException(name, null);

    /// <summary>Finds a model version; with no version, the highest (the default).</summary>
    public ModelVersion Get(string name, string? version = null)
    {
        var versions = Versions(name);
        if (string.IsNullOrEmpty(version))
        {
            return versions[^1];
        }

        return Array.Find((ModelVersion[])versions, v => v.Version == version) ?? throw new ModelNotFoundException(name, version);
    }

    private static ModelManifest ReadManifest(string name, string manifestPath)
    {
        try
        {
            using var stream = File.OpenRead(manifestPath);
            return JsonSerializer.Deserialize(stream, ManifestJsonContext.Default.ModelManifest)
                ?? throw new ModelManifestException(name, manifestPath, "$", "is empty.");
        }
        catch (JsonException ex)
        {
            throw new ModelManifestException(name, manifestPath, ex.Path ?? "$", $"is invalid: {FirstSentence(ex.Message)}");
        }
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }

    private static ModelVersion Validate(string name, string version, string directory, ModelManifest manifest, ModelVersion? backbone)
    {
        var file = System.IO.Path.Combine(directory, ManifestFileName);
        ModelManifestException Fail(string field, string problem) => new(name, file, field, problem);

        if (manifest.Task is null)
        {
            throw Fail("task", "is required: 'image-classification', 'image-embedding' or 'object-detection'.");
        }

        var isDetector = manifest.Task == ModelTask.ObjectDetection;
        if (isDetector)
        {
            ValidateDetection(manifest, backbone, Fail);
        }
        else if (manifest.Detection is not null)
        {
            throw Fail("detection", "is only read for task 'object-detection'.");
        }

        if (manifest.Heads is { Count: > 0 } && (manifest.Output is not null || manifest.Labels is not null))
        {
            throw Fail("heads", "replaces 'output' and 'labels'; give one or the other.");
        }

        var headSpecs = isDetector
            ? [(Field: "detection", (string?)null, (OutputKind?)OutputKind.Detections, manifest.Labels)]
            : manifest.Heads is { Count: > 0 } heads
            ? heads.Select((h, i) => (Field: $"heads[{i}]", h.Output, h.Kind, h.Labels)).ToList()
            : [(Field: "output", manifest.Output?.Name, manifest.Output?.Kind, manifest.Labels)];
        if (headSpecs[0].Kind is not { } kind)
        {
            throw Fail($"{headSpecs[0].Field}.kind", "is required: 'logits', 'probabilities', 'zipmap' or 'embedding'.");
        }

        if (!isDetector && ((manifest.Task == ModelTask.ImageEmbedding) != (kind == OutputKind.Embedding)))
        {
            throw Fail($"{headSpecs[0].Field}.kind", $"'{kind}' does not fit task '{manifest.Task}': an embedding model's first output is an 'embedding', a classifier's is not.");
        }

        if (!isDetector && kind == OutputKind.Detections)
        {
            throw Fail($"{headSpecs[0].Field}.kind", "'detections' is set by task 'object-detection' and its 'detection' section, not written as a kind.");
        }

        if (backbone is null)
        {
            var input = manifest.Input ?? throw Fail("input", "is required for a model that reads images.");
            if (input.Width <= 0 || input.Height <= 0 || input.Width > 4096 || input.Height > 4096)
            {
                throw Fail("input.width", "and input.height must be between 1 and 4096.");
            }

            if (input.ElementType != "float32")
            {
                throw Fail("input.elementType", $"'{input.ElementType}' is not supported; use 'float32'.");
            }

            if (input.Mean is not { Length: 3 })
            {
                throw Fail("input.mean", "must have three values, one per channel, in the model's channel order.");
            }

            if (input.Std is not { Length: 3 } || input.Std.Any(s => !(s > 0f) || !float.IsFinite(s)))
            {
                throw Fail("input.std", "must have three positive values, one per channel.");
            }
        }
        else if (manifest.Input is { Width: > 0 } or { Height: > 0 })
        {
            throw Fail("input", "of a head may only name the tensor; image preprocessing comes from the backbone.");
        }

        ValidateBatching(manifest, Fail);

        var onnxName = manifest.File ?? "model.onnx";
        if (System.IO.Path.IsPathRooted(onnxName) || onnxName.Contains("..", StringComparison.Ordinal))
        {
            throw Fail("file", "must be a file name inside the version folder.");
        }

        var onnxPath = System.IO.Path.Combine(directory, onnxName);
        if (!File.Exists(onnxPath))
        {
            var fromPackage = manifest.Source is { } source ? PackagePath(source) : null;
            if (fromPackage is not null && File.Exists(fromPackage))
            {
                onnxPath = fromPackage;
            }
            else if (manifest.Source is null)
            {
                throw Fail("file", $"names '{onnxName}', which does not exist.");
            }
        }

        var resolvedHeads = new List<HeadSpec>();
        foreach (var (field, output, headKind, labelsName) in headSpecs)
        {
            if (headKind is not { } k)
            {
                throw Fail($"{field}.kind", "is required: 'logits', 'probabilities', 'zipmap' or 'embedding'.");
            }

            if (headSpecs.Count > 1 && string.IsNullOrWhiteSpace(output))
            {
                throw Fail($"{field}.output", "is required when a model has several heads.");
            }

            if (headSpecs.Count > 1 && k == OutputKind.ZipMap)
            {
                throw Fail($"{field}.kind", "'zipmap' is supported for single-output models only.");
            }

            IReadOnlyList<string> labels = [];
            if (labelsName is not null)
            {
                var labelsPath = System.IO.Path.Combine(directory, labelsName);
                if (!File.Exists(labelsPath))
                {
                    throw Fail(field is "output" or "detection" ? "labels" : $"{field}.labels", $"names '{labelsName}', which does not exist.");
                }

                labels = [.. File.ReadAllLines(labelsPath).Select(l => l.Trim()).Where(l => l.Length > 0)];
                if (labels.Count == 0)
                {
                    throw Fail(field is "output" or "detection" ? "labels" : $"{field}.labels", $"names '{labelsName}', which has no labels.");
                }
            }
            else if (k is OutputKind.Logits or OutputKind.Probabilities)
            {
                throw Fail(field == "output" ? "labels" : $"{field}.labels", "is required for a classifier whose output is not a ZipMap.");
            }
            else if (k == OutputKind.Detections)
            {
                throw Fail("labels", "is required for an object detector: one label per class index, in order.");
            }

            resolvedHeads.Add(new HeadSpec(output, k, labels));
        }

        var regions = new List<System.Drawing.RectangleF>();
        if (manifest.Tiles is { } tiles)
        {
            if (backbone is null)
            {
                throw Fail("tiles", "is only supported on a head over a backbone.");
            }

            if (tiles.Grid is not { Length: 2 } || tiles.Grid.Any(g => g is < 1 or > 8))
            {
                throw Fail("tiles.grid", "must be [columns, rows], each from 1 to 8.");
            }

            if (tiles.IncludeFull)
            {
                regions.Add(new System.Drawing.RectangleF(0, 0, 1, 1));
            }

            for (var row = 0; row < tiles.Grid[1]; row++)
            {
                for (var column = 0; column < tiles.Grid[0]; column++)
                {
                    regions.Add(new System.Drawing.RectangleF((float)column / tiles.Grid[0], (float)row / tiles.Grid[1], 1f / tiles.Grid[0], 1f / tiles.Grid[1]));
                }
            }
        }
        else
        {
            regions.Add(new System.Drawing.RectangleF(0, 0, 1, 1));
        }

        return new ModelVersion(name, version, directory, manifest, onnxPath, resolvedHeads, regions, backbone);
    }

    /// <summary>The <c>detection</c> section of an object detector, and what a detector cannot combine with.</summary>
    private static void ValidateDetection(ModelManifest manifest, ModelVersion? backbone, Func<string, string, ModelManifestException> fail)
    {
        var detection = manifest.Detection ?? throw fail("detection", "is required for task 'object-detection': name the 'boxes', 'scores' and 'classes' outputs.");
        if (manifest.Output is not null || manifest.Heads is { Count: > 0 })
        {
            throw fail("detection", "replaces 'output' and 'heads' for an object detector; remove them.");
        }

        if (backbone is not null || manifest.Tiles is not null)
        {
            throw fail("detection", "is supported for models that read images themselves, without 'backbone' or 'tiles'.");
        }

        (string Field, string? Name)[] outputs = [("detection.boxes", detection.Boxes), ("detection.scores", detection.Scores), ("detection.classes", detection.Classes)];
        foreach (var (field, name) in outputs)
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                throw fail(field, "is required: the name of the ONNX output (e.g. 'detected_boxes', 'detected_scores', 'detected_classes').");
            }
        }

        if (outputs.Select(o => o.Name).Distinct(StringComparer.Ordinal).Count() != outputs.Length)
        {
            throw fail("detection", "must name three different outputs for boxes, scores and classes.");
        }

        if (!float.IsFinite(detection.ScoreThreshold) || detection.ScoreThreshold is < 0f or > 1f)
        {
            throw fail("detection.scoreThreshold", $"must be between 0 and 1; got {detection.ScoreThreshold}.");
        }

        if (detection.NmsIou is { } iou && (!float.IsFinite(iou) || iou is <= 0f or > 1f))
        {
            throw fail("detection.nmsIou", $"must be above 0 and at most 1 (or null for no suppression); got {iou}.");
        }

        if (detection.MaxDetections is < 1 or > DetectionSpec.MaxDetectionsLimit)
        {
            throw fail("detection.maxDetections", $"must be between 1 and {DetectionSpec.MaxDetectionsLimit}; got {detection.MaxDetections}.");
        }

        if (manifest.Input is { Resize: not ResizeMode.Stretch })
        {
            throw fail("input.resize", "must be 'stretch' for an object detector, so that boxes are fractions of the whole image.");
        }
    }

    /// <summary>The per-model batching limits, in the ranges the server-wide settings take.</summary>
    private static void ValidateBatching(ModelManifest manifest, Func<string, string, ModelManifestException> fail)
    {
        if (manifest.MaxBatchSize is { } size && size is < MinBatchSize or > MaxBatchSize)
        {
            throw fail("maxBatchSize", $"must be between {MinBatchSize} and {MaxBatchSize}; got {size}.");
        }

        if (manifest.MaxQueueDelayMs is { } delay && delay is < 0 or > MaxQueueDelayMs)
        {
            throw fail("maxQueueDelayMs", $"must be between 0 and {MaxQueueDelayMs}; got {delay}.");
        }
    }

    /// <summary>Where NuGet restored a package file, for running from the source tree before a build copied it.</summary>
    private static string? PackagePath(ModelSource source)
    {
        if (source.Package is null || source.Version is null || source.Path is null)
        {
            return null;
        }

        var root = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        return System.IO.Path.Combine(root, source.Package.ToLowerInvariant(), source.Version, source.Path);
    }

    /// <summary>Orders versions numerically when both are numbers, else ordinally.</summary>
    private sealed class VersionComparer : IComparer<string>
    {
        public static readonly VersionComparer Instance = new();

        public int Compare(string? x, string? y)
        {
            if (long.TryParse(x, out var a) && long.TryParse(y, out var b))
            {
                return a.CompareTo(b);
            }

            return string.CompareOrdinal(x, y);
        }
    }
}
