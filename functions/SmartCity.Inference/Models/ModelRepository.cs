using System.Text.Json;
using Microsoft.Extensions.Options;

namespace SmartCity.Inference.Models;

/// <summary>
/// The served model repository, laid out as <c>models/&lt;name&gt;/&lt;version&gt;/model.json</c> like a
/// Triton model repository: the bundled folder (every manifest read and validated when the
/// repository is created, so a bad one fails at start with a message naming the model, the file
/// and the field), united with the versions of an external source (<see cref="IModelVersionSource"/>)
/// that <see cref="ModelRepositorySynchronizer"/> swaps in as a whole with <see cref="Apply"/>.
/// The default version of a model is the one its <c>default</c> pointer names when that one is
/// served, else the highest served version. Sessions are not created here; see <see cref="Runtime.InferenceEngine"/>.
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

    private volatile ModelRepositoryContents _contents;

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

        Bundled = LoadVersions(ScanFolder(Path), [], failures: null);
        _contents = ModelRepositoryContents.Of(Bundled);
    }

    /// <summary>Orders versions numerically when both are numbers, else ordinally.</summary>
    public static IComparer<string> VersionOrder => VersionComparer.Instance;

    /// <summary>The full path of the bundled models folder.</summary>
    public string Path { get; }

    /// <summary>The versions of the bundled folder, all validated at start.</summary>
    public IReadOnlyList<ModelVersion> Bundled { get; }

    /// <summary>What is served now.</summary>
    public ModelRepositoryContents Contents => _contents;

    /// <summary>Models with a served version, sorted (unloaded models and models none of whose versions can be served are left out).</summary>
    public IReadOnlyList<string> Names
    {
        get
        {
            var contents = _contents;
            return [.. contents.Served.Keys.Where(n => !contents.Unloaded.ContainsKey(n)).Order(StringComparer.Ordinal)];
        }
    }

    /// <summary>Every version the repository knows with its state and reason (the repository index).</summary>
    public IReadOnlyList<ModelVersionState> Index => _contents.States;

    /// <summary>Whether <paramref name="name"/> is among <see cref="Names"/> (served and not unloaded), without building that list.</summary>
    public bool IsServed(string name)
    {
        var contents = _contents;
        return contents.Served.ContainsKey(name) && !contents.Unloaded.ContainsKey(name);
    }

    /// <summary>Whether the repository knows the model, in any state.</summary>
    public bool Contains(string name)
    {
        var contents = _contents;
        return contents.Served.ContainsKey(name) || contents.States.Any(s => s.Name == name);
    }

    /// <summary>Whether this very version is served now (a retired or replaced one is not).</summary>
    public bool IsServed(ModelVersion model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var contents = _contents;
        return !contents.Unloaded.ContainsKey(model.Name)
            && contents.Served.TryGetValue(model.Name, out var versions)
            && Array.Exists(versions, v => ReferenceEquals(v, model));
    }

    /// <summary>The served versions of a model, lowest first.</summary>
    public IReadOnlyList<ModelVersion> Versions(string name) => ServedVersions(_contents, name);

    /// <summary>Finds a served model version; with no version, the default.</summary>
    public ModelVersion Get(string name, string? version = null)
    {
        var contents = _contents;
        var versions = ServedVersions(contents, name);
        if (string.IsNullOrEmpty(version))
        {
            return contents.Defaults.TryGetValue(name, out var pointed) && Array.Find(versions, v => v.Version == pointed) is { } chosen
                ? chosen
                : versions[^1];
        }

        if (Array.Find(versions, v => v.Version == version) is { } found)
        {
            return found;
        }

        var state = contents.States.FirstOrDefault(s => s.Name == name && s.Version == version);
        throw state?.Reason is { } reason ? new ModelUnavailableException(name, version, reason) : new ModelNotFoundException(name, version);
    }

    /// <summary>Serves <paramref name="contents"/> from now on, in one step.</summary>
    public void Apply(ModelRepositoryContents contents) => _contents = contents ?? throw new ArgumentNullException(nameof(contents));

    /// <summary>The version folders under <paramref name="path"/>: <c>&lt;name&gt;/&lt;version&gt;/</c> with a manifest.</summary>
    public static IReadOnlyList<ModelVersionFolder> ScanFolder(string path)
    {
        var folders = new List<ModelVersionFolder>();
        foreach (var modelDirectory in System.IO.Directory.EnumerateDirectories(path).Order(StringComparer.Ordinal))
        {
            var name = System.IO.Path.GetFileName(modelDirectory);
            foreach (var versionDirectory in System.IO.Directory.EnumerateDirectories(modelDirectory).Order(StringComparer.Ordinal))
            {
                if (File.Exists(System.IO.Path.Combine(versionDirectory, ManifestFileName)))
                {
                    folders.Add(new ModelVersionFolder(name, System.IO.Path.GetFileName(versionDirectory), versionDirectory));
                }
            }
        }

        return folders;
    }

    /// <summary>
    /// Reads and validates the manifests of <paramref name="folders"/>. A head's backbone is looked
    /// up among the folders and the <paramref name="known"/> versions (an unversioned reference
    /// takes the highest). With <paramref name="failures"/> null the first problem is thrown (the
    /// bundled folder at start); otherwise each failing folder is recorded there by id, with its
    /// heads, and the others are returned.
    /// </summary>
    public static IReadOnlyList<ModelVersion> LoadVersions(IReadOnlyList<ModelVersionFolder> folders, IReadOnlyList<ModelVersion> known, IDictionary<string, Exception>? failures)
    {
        ArgumentNullException.ThrowIfNull(folders);
        ArgumentNullException.ThrowIfNull(known);
        var manifests = new Dictionary<string, (ModelVersionFolder Folder, ModelManifest Manifest)>(StringComparer.Ordinal);
        foreach (var folder in folders)
        {
            try
            {
                manifests[folder.Id] = (folder, ReadManifest(folder.Name, System.IO.Path.Combine(folder.Directory, ManifestFileName)));
            }
            catch (ModelManifestException ex) when (failures is not null)
            {
                failures[folder.Id] = ex;
            }
        }

        var resolved = known.ToDictionary(v => v.Id, StringComparer.Ordinal);
        var loaded = new List<ModelVersion>();

        ModelVersion Resolve(ModelVersionFolder folder, ModelManifest manifest, int depth)
        {
            if (resolved.TryGetValue(folder.Id, out var done))
            {
                return done;
            }

            var manifestFile = System.IO.Path.Combine(folder.Directory, ManifestFileName);
            ModelVersion? backbone = null;
            if (manifest.Backbone is { } reference)
            {
                if (string.IsNullOrWhiteSpace(reference.Model))
                {
                    throw new ModelManifestException(folder.Name, manifestFile, "backbone.model", "is required.");
                }

                var candidates = manifests.Values.Where(m => m.Folder.Name == reference.Model).Select(m => m.Folder.Version)
                    .Concat(known.Where(k => k.Name == reference.Model).Select(k => k.Version))
                    .Distinct(StringComparer.Ordinal)
                    .ToList();
                if (candidates.Count == 0)
                {
                    throw failures is not null && failures.Keys.Any(k => k.StartsWith(reference.Model + "/", StringComparison.Ordinal))
                        ? new ModelManifestException(folder.Name, manifestFile, "backbone.model", $"names '{reference.Model}', none of whose versions can be served.")
                        : new ModelManifestException(folder.Name, manifestFile, "backbone.model", $"names '{reference.Model}', which is not in the repository.");
                }

                var target = reference.Version ?? candidates.Max(VersionComparer.Instance)!;
                var targetId = $"{reference.Model}/{target}";
                if (resolved.TryGetValue(targetId, out var knownBackbone))
                {
                    backbone = knownBackbone;
                }
                else if (manifests.TryGetValue(targetId, out var entry))
                {
                    if (depth > 0 || entry.Manifest.Backbone is not null || entry.Manifest.Task != ModelTask.ImageEmbedding)
                    {
                        throw new ModelManifestException(folder.Name, manifestFile, "backbone", $"must name an image-embedding model that reads images itself ('{reference.Model}' does not).");
                    }

                    backbone = Resolve(entry.Folder, entry.Manifest, depth + 1);
                }
                else
                {
                    throw new ModelManifestException(folder.Name, manifestFile, "backbone.version", $"names version '{reference.Version}' of '{reference.Model}', which does not exist.");
                }

                if (backbone.Backbone is not null || backbone.Task != ModelTask.ImageEmbedding)
                {
                    throw new ModelManifestException(folder.Name, manifestFile, "backbone", $"must name an image-embedding model that reads images itself ('{reference.Model}' does not).");
                }
            }

            var version = Validate(folder.Name, folder.Version, folder.Directory, manifest, backbone);
            resolved[folder.Id] = version;
            loaded.Add(version);
            return version;
        }

        foreach (var (folder, manifest) in manifests.Values.OrderBy(m => m.Manifest.Backbone is null ? 0 : 1))
        {
            try
            {
                Resolve(folder, manifest, 0);
            }
            catch (ModelManifestException ex) when (failures is not null)
            {
                failures[folder.Id] = ex;
            }
        }

        return loaded;
    }

    private static ModelVersion[] ServedVersions(ModelRepositoryContents contents, string name)
    {
        if (contents.Unloaded.TryGetValue(name, out var why))
        {
            throw new ModelUnavailableException(name, null, why);
        }

        if (contents.Served.TryGetValue(name, out var versions) && versions.Length > 0)
        {
            return versions;
        }

        var states = contents.States.Where(s => s.Name == name).ToList();
        throw states.Count == 0
            ? new ModelNotFoundException(name, null)
            : new ModelUnavailableException(name, null, "no version can be served (" + string.Join("; ", states.Select(s => $"{s.Version}: {s.Reason}")) + ").");
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
            throw Fail($"{headSpecs[0].Field}.kind", "is required: 'logits', 'probabilities', 'zipmap', 'embedding' or 'estimate'.");
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
                throw Fail($"{field}.kind", "is required: 'logits', 'probabilities', 'zipmap', 'embedding' or 'estimate'.");
            }

            if (headSpecs.Count > 1 && string.IsNullOrWhiteSpace(output))
            {
                throw Fail($"{field}.output", "is required when a model has several heads.");
            }

            if (headSpecs.Count > 1 && k == OutputKind.ZipMap)
            {
                throw Fail($"{field}.kind", "'zipmap' is supported for single-output models only.");
            }

            if (k == OutputKind.Estimate && field == headSpecs[0].Field)
            {
                throw Fail($"{field}.kind", "'estimate' cannot be a model's first output: an estimate is one value per image beside the classification the first head answers.");
            }

            if (k == OutputKind.Estimate && labelsName is not null)
            {
                throw Fail(field == "output" ? "labels" : $"{field}.labels", "is not read for an 'estimate' head: it answers one value per image, with no labels.");
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

        var examples = manifest.Examples is { } examplesName ? ReadExamples(examplesName, directory, backbone, resolvedHeads, Fail) : null;
        return new ModelVersion(name, version, directory, manifest, onnxPath, resolvedHeads, regions, backbone, examples);
    }

    /// <summary>
    /// The example index the manifest names, read and checked against the model's heads (every head
    /// of the index must be a classification head of the model, with the same labels). Its dimension
    /// is checked when the sessions load, where the embedding size is known.
    /// </summary>
    private static ExampleIndex ReadExamples(string file, string directory, ModelVersion? backbone, IReadOnlyList<HeadSpec> heads, Func<string, string, ModelManifestException> fail)
    {
        if (backbone is null)
        {
            throw fail("examples", "is only supported on a head over a backbone (the embedding of an image comes from the backbone pass).");
        }

        if (System.IO.Path.IsPathRooted(file) || file.Contains("..", StringComparison.Ordinal))
        {
            throw fail("examples", "must be a file name inside the version folder.");
        }

        var path = System.IO.Path.Combine(directory, file);
        if (!File.Exists(path))
        {
            throw fail("examples", $"names '{file}', which does not exist.");
        }

        ExampleIndex index;
        try
        {
            index = ExampleIndex.Read(File.ReadAllBytes(path));
        }
        catch (FormatException ex)
        {
            throw fail("examples", $"names '{file}', which is not a valid example index: it {ex.Message}");
        }

        foreach (var head in index.Heads)
        {
            var spec = heads.FirstOrDefault(h => h.Kind is not (OutputKind.Embedding or OutputKind.Estimate) && h.Name == head.Output);
            if (spec is null)
            {
                throw fail("examples", $"names '{file}', whose head '{head.Output}' is not a classification head of the model ({string.Join(", ", heads.Where(h => h.Kind is not (OutputKind.Embedding or OutputKind.Estimate)).Select(h => h.Name))}).");
            }

            if (spec.Labels.Count > 0 && !spec.Labels.SequenceEqual(head.Labels, StringComparer.Ordinal))
            {
                throw fail("examples", $"names '{file}', whose labels of head '{head.Output}' ({string.Join(", ", head.Labels)}) are not the model's ({string.Join(", ", spec.Labels)}).");
            }
        }

        return index;
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
