using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using SmartCity.Inference;
using SmartCity.Inference.Models;
using SmartCity.Inference.Runtime;
using SmartCity.Training;
using SmartCity.Training.Cards;

namespace SmartCity.Cli.Training;

/// <summary>
/// <c>write-examples &lt;version folder&gt; --data &lt;folder&gt;</c>: writes the example index of a
/// version that was trained already (how the bundled heads got theirs without training again):
/// the embeddings of its labelled images as the version itself computes them for explanations,
/// their labels and ids; then names it in <c>model.json</c> and describes it in <c>card.json</c>.
/// </summary>
internal sealed class WriteExamplesCommand : Command
{
    private readonly Argument<string> _folder = new("folder") { Description = "A model version folder inside a models folder (e.g. models/vehicle-type/1): <models>/<name>/<version>." };
    private readonly Option<string> _data = new("--data") { Description = "The labelled images: a folder per label (the primary head's), or a traffic-scene labels.csv (congestion and lighting).", HelpName = "folder", Required = true };
    private readonly Option<bool> _noScaledDecode = new("--no-scaled-decode") { Description = "Decode JPEGs at full size (as a server started with Inference:ScaledDecode false does)." };
    private readonly ExampleIndexOptions _examples = new();

    public WriteExamplesCommand(CommandConsole console)
        : base("write-examples", "Write a trained version's example index (examples.bin: embeddings, labels and ids of its training images, no pixels) and name it in model.json and card.json.")
    {
        Add(_folder);
        Add(_data);
        Add(_noScaledDecode);
        _examples.AddTo(this);
        SetAction((parse, cancellationToken) => RunAsync(parse.GetRequiredValue(_folder), parse.GetRequiredValue(_data), !parse.GetValue(_noScaledDecode), _examples.Bind(parse), console, cancellationToken));
    }

    private static async Task<int> RunAsync(string folder, string data, bool scaledDecode, ExampleIndexSettings settings, CommandConsole console, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar);
        var version = Path.GetFileName(full);
        var model = Path.GetFileName(Path.GetDirectoryName(full)) ?? throw new UsageException($"'{folder}' is not <models>/<name>/<version>.");
        var root = Path.GetDirectoryName(Path.GetDirectoryName(full))!;
        if (!File.Exists(Path.Combine(full, ModelRepository.ManifestFileName)))
        {
            throw new UsageException($"'{folder}' has no {ModelRepository.ManifestFileName}.");
        }

        if (settings.MaxPerLabel == 0)
        {
            throw new UsageException("--examples-per-label 0 writes no index; give 1 or more.");
        }

        var options = new InferenceOptions { ModelsPath = root, MaxBatchSize = 16, ScaledDecode = scaledDecode };
        await using var engine = new InferenceEngine(new ModelRepository(options.ResolvedModelsPath), options);
        var target = engine.Repository.Get(model, version);
        var (files, heads, source) = Labelled(target, data);
        var chosen = TrainingExamples.Choose(heads[0].Classes, settings.MaxPerLabel);
        var embeddings = new float[files.Count][];
        await WorkProgress.RunAsync(console, "Embedding examples", chosen.Count, async imageDone =>
        {
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken };
            await Parallel.ForEachAsync(chosen, parallel, async (i, ct) =>
            {
                embeddings[i] = await engine.ExampleEmbeddingAsync(target, await File.ReadAllBytesAsync(files[i], ct), ct);
                imageDone();
            });
            return true;
        });

        var ids = files.Select(f => Path.GetRelativePath(data, f).Replace('\\', '/')).ToList();
        // Images that were not chosen are never embedded: the index reads only the chosen rows.
        for (var i = 0; i < embeddings.Length; i++)
        {
            embeddings[i] ??= [];
        }

        var examples = TrainingExamples.Create(chosen, embeddings, ids, null, heads, settings, source);
        await File.WriteAllBytesAsync(Path.Combine(full, ExampleIndex.FileName), examples.Index.ToBytes(), cancellationToken);
        await NameInManifestAsync(Path.Combine(full, ModelRepository.ManifestFileName), cancellationToken);
        if (ModelCard.TryRead(full) is { } card)
        {
            card.Examples = examples.Card;
            await File.WriteAllBytesAsync(Path.Combine(full, ModelCard.FileName), [.. card.ToJson(), (byte)'\n'], cancellationToken);
        }

        await console.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Wrote {Path.Combine(folder, ExampleIndex.FileName)}: {examples.Index.Count} examples of {examples.Index.Dimension} values ({string.Join(", ", examples.Card.CountsPerLabel.Select(c => $"{c.Key} {c.Value}"))}), {new FileInfo(Path.Combine(full, ExampleIndex.FileName)).Length / 1024} KB"));
        return ExitCodes.Success;
    }

    /// <summary>The labelled files and their classes per head: a folder per label of the primary head, or a traffic-scene labels.csv.</summary>
    private static (IReadOnlyList<string> Files, IReadOnlyList<ExampleHead> Heads, string Source) Labelled(ModelVersion target, string data)
    {
        var classification = target.Heads.Where(h => h.Kind is not (OutputKind.Embedding or OutputKind.Estimate)).ToList();
        if (File.Exists(Path.Combine(data, "labels.csv")))
        {
            var (frames, _) = LabelledFrame.ReadLabels(data);
            var heads = new List<ExampleHead>
            {
                new("congestion", LabelledFrame.CongestionLabels, [.. frames.Select(f => f.Congestion)]),
                new("lighting", LabelledFrame.LightingLabels, [.. frames.Select(f => f.Lighting)]),
            };
            Check(target, classification, heads);
            return ([.. frames.Select(f => f.File)], heads, TrafficSceneTrainer.ExamplesSource);
        }

        var crops = LabelledImages.FromFolders(data);
        var primary = new ExampleHead(classification[0].Name ?? throw new UsageException($"Model '{target.Id}' names no output."), crops.Labels, crops.Classes);
        Check(target, classification, [primary]);
        return (crops.Files, [primary], target.Name == "vehicle-type" ? VehicleTypeTrainer.ExamplesSource : $"The labelled images of '{data}'");
    }

    private static void Check(ModelVersion target, IReadOnlyList<HeadSpec> classification, IReadOnlyList<ExampleHead> heads)
    {
        foreach (var head in heads)
        {
            var spec = classification.FirstOrDefault(h => h.Name == head.Output)
                ?? throw new UsageException($"Model '{target.Id}' has no classification head '{head.Output}'.");
            if (!spec.Labels.SequenceEqual(head.Labels, StringComparer.Ordinal))
            {
                throw new UsageException($"The data's labels of '{head.Output}' ({string.Join(", ", head.Labels)}) are not the model's ({string.Join(", ", spec.Labels)}).");
            }
        }
    }

    /// <summary>Adds <c>"examples": "examples.bin"</c> to the manifest (keeping its layout) unless it names it already.</summary>
    private static async Task NameInManifestAsync(string manifest, CancellationToken cancellationToken)
    {
        var text = await File.ReadAllTextAsync(manifest, cancellationToken);
        if (JsonNode.Parse(text)?["examples"] is not null)
        {
            return;
        }

        var end = text.LastIndexOf('}');
        var updated = text[..end].TrimEnd() + $",\n  \"examples\": \"{ExampleIndex.FileName}\"\n}}\n";
        _ = JsonNode.Parse(updated);
        await File.WriteAllTextAsync(manifest, updated, cancellationToken);
    }
}
