using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Azure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SmartCity.Functions.Models;
using SmartCity.Inference;
using SmartCity.Inference.Models;
using SmartCity.Inference.Runtime;
using SmartCity.Training;
using SmartCity.Training.Cards;

namespace SmartCity.Functions.Training;

/// <summary>
/// Runs one step of a training job per queue message: list the labelled images, embed them a
/// batch per message through the engine, score each L2 candidate on a validation split, train the
/// head and evaluate it on the held-out images, publish it. The job document is the state: a
/// message acts only when its sequence is the job's, and its step is committed with the
/// document's ETag before the next message is sent; each step rewrites only its own blobs, and the
/// publish uses the job id as its publish id, so a redelivered message, a duplicate or a crash
/// between steps never publishes twice. Bad data fails the job with reasons, never a retry loop.
/// </summary>
public sealed partial class TrainingJobRunner(
    InferenceEngine engine,
    ModelRepositorySynchronizer synchronizer,
    ModelPublisher publisher,
    TrainingJobStore jobs,
    TrainingStepSender steps,
    TrainingDataReader data,
    IOptions<TrainingOptions> options,
    ILogger<TrainingJobRunner> logger)
{
    private const int ParallelImages = 8;

    private TrainingOptions Options => options.Value;

    public async Task RunAsync(string message, long dequeueCount, CancellationToken cancellationToken)
    {
        if (!TryParse(message, out var step))
        {
            LogIgnored(logger, message.Length > 200 ? message[..200] : message);
            return;
        }

        if (await jobs.ReadAsync(step.Model, step.JobId, cancellationToken) is not var (job, etag))
        {
            LogNoJob(logger, step.Model, step.JobId);
            return;
        }

        if (job.State is TrainingJobState.Succeeded or TrainingJobState.Failed)
        {
            return;
        }

        if (step.Sequence != job.Sequence)
        {
            // A redelivery after a crash between the commit of a step and the send of the next message.
            if (step.Sequence == job.Sequence - 1 && !job.Kicked && dequeueCount > 1)
            {
                await KickAsync(job, etag, cancellationToken);
            }

            return;
        }

        var next = Copy(job);
        try
        {
            await StepAsync(next, cancellationToken);
        }
        catch (TrainingJobFailedException failure)
        {
            Fail(next, failure.Reasons);
        }
        catch (Exception ex) when (dequeueCount >= TrainingOptions.MaxDequeueCount && ex is not OperationCanceledException)
        {
            LogGaveUp(logger, ex, job.Model, job.Id, job.Step);
            Fail(next, [string.Create(CultureInfo.InvariantCulture, $"Step '{job.Step}' failed {dequeueCount} times; the last time: {ex.Message}")]);
        }

        next.Sequence = job.Sequence + 1;
        next.Kicked = false;
        next.UpdatedAt = DateTimeOffset.UtcNow;
        if (await jobs.TryWriteAsync(next, etag, cancellationToken) is not { } written)
        {
            LogRaced(logger, job.Model, job.Id, job.Sequence);
            return;
        }

        LogStep(logger, job.Model, job.Id, job.Step, next.State, next.Step);
        if (next.State is TrainingJobState.Succeeded or TrainingJobState.Failed)
        {
            TrainingJobMetrics.Finished(next);
        }

        if (next.State == TrainingJobState.Running)
        {
            await KickAsync(next, written, cancellationToken);
        }
    }

    private Task StepAsync(TrainingJobDocument job, CancellationToken cancellationToken) => job.Step switch
    {
        TrainingJobStep.List => ListAsync(job, cancellationToken),
        TrainingJobStep.Embed => EmbedAsync(job, cancellationToken),
        TrainingJobStep.ChooseL2 => ChooseL2Async(job, cancellationToken),
        TrainingJobStep.Train => TrainAsync(job, cancellationToken),
        TrainingJobStep.Publish => PublishAsync(job, cancellationToken),
        _ => Task.CompletedTask,
    };

    /// <summary>Sends the message for the job's current sequence, then notes that it was sent (if the job is still as read).</summary>
    private async Task KickAsync(TrainingJobDocument job, ETag etag, CancellationToken cancellationToken)
    {
        await steps.SendAsync(new TrainingJobMessage(job.Model, job.Id, job.Sequence), cancellationToken);
        job.Kicked = true;
        try
        {
            await jobs.TryWriteAsync(job, etag, cancellationToken);
        }
        catch (RequestFailedException)
        {
            // Only a hint for a later redelivery: the message is sent either way.
        }
    }

    private async Task ListAsync(TrainingJobDocument job, CancellationToken cancellationToken)
    {
        job.State = TrainingJobState.Running;
        job.StartedAt = DateTimeOffset.UtcNow;
        var set = await data.ReadAsync(job.Request.Data!, cancellationToken);
        var problems = set.Problems.ToList();
        var counts = set.Labels.ToDictionary(l => l, _ => 0, StringComparer.Ordinal);
        foreach (var image in set.Images)
        {
            counts[set.Labels[image.Label]]++;
        }

        if (set.Labels.Count == 1)
        {
            problems.Add($"Only one label ('{set.Labels[0]}') was found: a classifier needs at least two.");
        }

        problems.AddRange(counts.Where(c => c.Value < Options.MinImagesPerLabel)
            .Select(c => string.Create(CultureInfo.InvariantCulture, $"Label '{c.Key}' has {c.Value} image(s); at least {Options.MinImagesPerLabel} are needed (setting Training:MinImagesPerLabel).")));
        if (set.Images.Count > Options.MaxImages)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{set.Images.Count} images is over the limit of {Options.MaxImages} per job (setting Training:MaxImages)."));
        }

        await synchronizer.RefreshAsync(cancellationToken);
        job.BackboneVersion = CheckBackbone(job.Request.Backbone, problems);
        if (problems.Count > 0)
        {
            throw new TrainingJobFailedException(problems);
        }

        if (job.Request.Promotion == PromotionRule.IfBetter)
        {
            (job.ComparedVersion, job.CompareProblem) = CurrentDefault(job.Model);
        }

        await jobs.WriteImagesAsync(job.Model, job.Id, set.Images, cancellationToken);
        job.Labels = [.. set.Labels];
        job.CountsPerLabel = counts;
        job.Total = set.Images.Count;
        job.Chunks = (job.Total + Options.ImagesPerMessage - 1) / Options.ImagesPerMessage;
        job.Step = TrainingJobStep.Embed;
    }

    /// <summary>The backbone's default version, or null with a reason added to <paramref name="problems"/>.</summary>
    private string? CheckBackbone(string backbone, List<string> problems)
    {
        try
        {
            var version = engine.Repository.Get(backbone);
            if (version.Task == ModelTask.ImageEmbedding && version.Backbone is null)
            {
                return version.Version;
            }

            problems.Add($"The backbone '{backbone}' is not an image-embedding model that reads images itself.");
        }
        catch (ModelNotFoundException)
        {
            problems.Add($"The backbone '{backbone}' is not in the model repository.");
        }
        catch (ModelUnavailableException ex)
        {
            problems.Add($"The backbone '{backbone}' cannot be served: {ex.Reason}");
        }

        return null;
    }

    /// <summary>The model's default now, to compare with; or why there is nothing to compare (null and null for a new model).</summary>
    private (string? Version, string? Problem) CurrentDefault(string model)
    {
        if (!engine.Repository.Contains(model))
        {
            return (null, null);
        }

        try
        {
            var current = engine.Repository.Get(model);
            return current.Task == ModelTask.ImageClassification ? (current.Version, null) : (null, $"the current default {current.Id} is not a classifier");
        }
        catch (ModelUnavailableException ex)
        {
            return (null, $"the current default cannot be served: {ex.Reason}");
        }
    }

    private async Task EmbedAsync(TrainingJobDocument job, CancellationToken cancellationToken)
    {
        var images = await jobs.ReadImagesAsync(job.Model, job.Id, cancellationToken);
        var first = job.ChunksDone * Options.ImagesPerMessage;
        var slice = images.Skip(first).Take(Options.ImagesPerMessage).ToList();
        var backbone = Served(job.Request.Backbone, job.BackboneVersion!, "backbone");
        var compare = Comparison(job);
        var heldOut = HeldOut(images, job.Request.HeldOutFraction);
        var embeddings = new float[]?[slice.Count];
        var compared = Enumerable.Repeat(EmbeddedChunk.NotCompared, slice.Count).ToArray();
        var problems = new ConcurrentBag<(int Index, FileProblem Problem)>();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = ParallelImages, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, slice.Count), parallel, async (i, ct) =>
        {
            var image = slice[i];
            try
            {
                var bytes = (await data.Container.GetBlobClient(image.Blob).DownloadContentAsync(ct)).Value.Content.ToMemory();
                embeddings[i] = (await engine.PredictAsync(backbone, bytes, 0, 0f, ct)).Scores;
                if (compare is not null && heldOut.Contains(first + i))
                {
                    var label = (await engine.PredictAsync(compare, bytes, 1, 0f, ct)).Predictions[0].Label;
                    compared[i] = job.Labels.IndexOf(label) is var index and >= 0 ? index : EmbeddedChunk.OtherLabel;
                }
            }
            catch (ImageProblemException ex)
            {
                problems.Add((i, new FileProblem(image.Blob, $"{ex.Code}: {ex.Message}")));
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                problems.Add((i, new FileProblem(image.Blob, "deleted while the job ran")));
            }
        });

        await jobs.WriteChunkAsync(job.Model, job.Id, job.ChunksDone, new EmbeddedChunk(embeddings, compared), cancellationToken);
        job.ChunksDone++;
        job.Embedded += slice.Count;
        job.UnreadableCount += problems.Count;
        job.Unreadable.AddRange(problems.OrderBy(p => p.Index).Select(p => p.Problem).Take(TrainingJobDocument.MaxListedProblems - job.Unreadable.Count));
        if (job.ChunksDone < job.Chunks)
        {
            return;
        }

        if (job.UnreadableCount > 0)
        {
            var listed = string.Join("; ", job.Unreadable.Select(p => $"{p.File} ({p.Reason})"));
            var more = job.UnreadableCount > job.Unreadable.Count ? string.Create(CultureInfo.InvariantCulture, $"; and {job.UnreadableCount - job.Unreadable.Count} more") : string.Empty;
            throw new TrainingJobFailedException([string.Create(CultureInfo.InvariantCulture, $"{job.UnreadableCount} file(s) cannot be read as images: {listed}{more}.")]);
        }

        job.Step = TrainingJobStep.ChooseL2;
    }

    /// <summary>The compared version, or null (with the reason noted once) when it is not served any more.</summary>
    private ModelVersion? Comparison(TrainingJobDocument job)
    {
        if (job.ComparedVersion is not { } version || job.CompareProblem is not null)
        {
            return null;
        }

        try
        {
            return engine.Repository.Get(job.Model, version);
        }
        catch (InferenceException ex)
        {
            job.CompareProblem = $"{job.Model}/{version} stopped being served during the job: {ex.Message}";
            return null;
        }
    }

    private ModelVersion Served(string model, string version, string what)
    {
        try
        {
            return engine.Repository.Get(model, version);
        }
        catch (InferenceException ex)
        {
            throw new TrainingJobFailedException([$"The {what} {model}/{version} is not served any more: {ex.Message}"]);
        }
    }

    private async Task ChooseL2Async(TrainingJobDocument job, CancellationToken cancellationToken)
    {
        var (features, classes, _) = await LoadAsync(job, cancellationToken);
        var (train, _) = HeadTraining.StratifiedSplit(classes, job.Request.HeldOutFraction, HeadTraining.HeldOutSeed);
        var (fit, validation) = HeadTraining.ValidationSplit(classes, train);
        job.L2Scores.Add(HeadTraining.ScoreL2(features, classes, job.Labels.Count, fit, validation, HeadTraining.L2Choices[job.L2Scores.Count]));
        if (job.L2Scores.Count == HeadTraining.L2Choices.Count)
        {
            job.Step = TrainingJobStep.Train;
        }
    }

    private async Task TrainAsync(TrainingJobDocument job, CancellationToken cancellationToken)
    {
        var (features, classes, compared) = await LoadAsync(job, cancellationToken);
        var (train, test) = HeadTraining.StratifiedSplit(classes, job.Request.HeldOutFraction, HeadTraining.HeldOutSeed);
        var l2 = HeadTraining.L2Choices[HeadTraining.ChooseL2(job.L2Scores)];
        var head = SoftmaxRegression.Train(HeadTraining.Select(features, train), HeadTraining.Select(classes, train), job.Labels.Count, l2);
        var report = ClassificationReport.Evaluate(head, HeadTraining.Select(features, test), HeadTraining.Select(classes, test), job.Labels);
        var trained = new HeldOutScore(null, Math.Round(report.Accuracy, 4), Math.Round(report.MacroF1, 4), report.Total);
        var baseline = job.ComparedVersion is { } version && job.CompareProblem is null ? CompareScore(version, test, classes, compared, job.Labels) : null;
        var (promote, reason) = Decide(job, trained, baseline);
        var backbone = Served(job.Request.Backbone, job.BackboneVersion!, "backbone");
        var card = SoftmaxHeadCard.Create(Facts(job, classes, backbone, l2, train.Count, report));
        var examples = await ExamplesAsync(job, features, classes, card.TrainingData?.Source ?? data.Container.Name, cancellationToken);
        var package = HeadPackage.Create(head, job.Labels, new BackboneReference { Model = backbone.Name, Version = backbone.Version }, card.IntendedUse!, card.License!, card, examples);
        await jobs.WritePackageAsync(job.Model, job.Id, package.Files, cancellationToken);
        job.Result = new TrainingJobResult { Trained = trained, Compared = baseline, TrainedImages = train.Count, L2 = l2, Promote = promote, PromotionReason = reason };
        job.Step = TrainingJobStep.Publish;
    }

    /// <summary>
    /// The example index of the new version: the images' backbone embeddings (as explanations compute
    /// them), at most <c>examplesPerLabel</c> per label, ids = blob names; null when 0 were asked for.
    /// </summary>
    private async Task<TrainingExamples?> ExamplesAsync(TrainingJobDocument job, List<float[]> features, List<int> classes, string source, CancellationToken cancellationToken)
    {
        var settings = new ExampleIndexSettings(job.Request.ExamplesPerLabel, job.Request.ExampleImagesMayBeShown);
        if (settings.MaxPerLabel == 0)
        {
            return null;
        }

        var images = await jobs.ReadImagesAsync(job.Model, job.Id, cancellationToken);
        return TrainingExamples.Create(
            TrainingExamples.Choose(classes, settings.MaxPerLabel),
            features,
            [.. images.Select(i => i.Blob)],
            [.. images.Select(i => $"{data.Container.Name}/{i.Blob}")],
            [new ExampleHead("logits", job.Labels, classes)],
            settings,
            source);
    }

    /// <summary>The compared version's figures on the held-out images, from the labels it predicted while they were embedded.</summary>
    private static HeldOutScore CompareScore(string version, List<int> test, List<int> classes, List<int> compared, List<string> labels)
    {
        var other = labels.Count;
        var report = ClassificationReport.FromPredictions(
            [.. test.Select(i => classes[i])],
            [.. test.Select(i => compared[i] >= 0 ? compared[i] : other)],
            [.. labels, "(another label)"]);
        var macroF1 = Enumerable.Range(0, labels.Count).Average(report.F1);
        return new HeldOutScore(version, Math.Round(report.Accuracy, 4), Math.Round(macroF1, 4), report.Total);
    }

    private static (bool Promote, string Reason) Decide(TrainingJobDocument job, HeldOutScore trained, HeldOutScore? baseline) => job.Request.Promotion switch
    {
        PromotionRule.Always => (true, "promotion rule 'always'"),
        PromotionRule.Never => (false, "promotion rule 'never'"),
        _ when job.CompareProblem is { } problem => (false, $"not compared: {problem}"),
        _ when baseline is null => (true, "the model had no default to compare with"),
        _ when trained.Accuracy > baseline.Accuracy || (trained.Accuracy == baseline.Accuracy && trained.MacroF1 > baseline.MacroF1) => (true, Versus("better than", trained, baseline)),
        _ => (false, Versus("not better than", trained, baseline)),
    };

    private static string Versus(string verdict, HeldOutScore trained, HeldOutScore baseline) => string.Create(CultureInfo.InvariantCulture,
        $"{verdict} version {baseline.Version} on the same {trained.Images} held-out images (accuracy {trained.Accuracy:P2} vs {baseline.Accuracy:P2}, macro-F1 {trained.MacroF1:0.000} vs {baseline.MacroF1:0.000})");

    private SoftmaxHeadFacts Facts(TrainingJobDocument job, IReadOnlyList<int> classes, ModelVersion backbone, float l2, int trainedOn, ClassificationReport report)
    {
        var request = job.Request;
        var where = request.Data!.LabelsCsv is { } csv ? $"{data.Container.Name}/{csv}" : $"{data.Container.Name}/{request.Data.Prefix}";
        return new SoftmaxHeadFacts(
            request.IntendedUse ?? $"Classifies images as {string.Join(", ", job.Labels)}.",
            "logits",
            job.Labels,
            classes,
            request.DataSource is { } source ? $"{source} ({where})" : where,
            DateTimeOffset.UtcNow,
            backbone,
            l2,
            HeadTraining.L2Choices,
            request.HeldOutFraction,
            trainedOn,
            report,
            string.Create(CultureInfo.InvariantCulture, $"{request.HeldOutFraction:P0} of each label, seed {HeadTraining.HeldOutSeed}, never seen in training; the published head is the one evaluated"),
            request.KnownLimits ?? [],
            request.License ?? "Not stated by the requester of the training job.",
            $"training job {job.Id} (requested by {job.RequestedBy})");
    }

    private async Task PublishAsync(TrainingJobDocument job, CancellationToken cancellationToken)
    {
        var result = job.Result!;
        var files = await jobs.ReadPackageAsync(job.Model, job.Id, cancellationToken);
        await synchronizer.RefreshAsync(cancellationToken);
        var (current, _) = CurrentDefault(job.Model);
        var promote = result.Promote && (job.Request.Promotion != PromotionRule.IfBetter || current == job.ComparedVersion);
        var request = new PublishRequest(job.Id, $"training job {job.Id} for {job.RequestedBy}", promote, result.PromotionReason);
        var published = await publisher.PublishAsync(job.Model, files, request, cancellationToken);
        result.Version = published.Version;
        result.Promoted = published.IsDefault;
        if (result.Promote && !promote && !published.IsDefault)
        {
            result.PromotionReason = $"not promoted: the default changed from {job.ComparedVersion} to {current} while the job ran";
        }

        job.State = TrainingJobState.Succeeded;
        job.Step = TrainingJobStep.Done;
        job.FinishedAt = DateTimeOffset.UtcNow;
    }

    /// <summary>Every image's embedding, class and compared prediction, from the job's embeddings blobs.</summary>
    private async Task<(List<float[]> Features, List<int> Classes, List<int> Compared)> LoadAsync(TrainingJobDocument job, CancellationToken cancellationToken)
    {
        var images = await jobs.ReadImagesAsync(job.Model, job.Id, cancellationToken);
        var features = new List<float[]>(images.Count);
        var compared = new List<int>(images.Count);
        for (var chunk = 0; chunk < job.Chunks; chunk++)
        {
            var embedded = await jobs.ReadChunkAsync(job.Model, job.Id, chunk, cancellationToken);
            features.AddRange(embedded.Embeddings.Select(e => e!));
            compared.AddRange(embedded.Compared);
        }

        return (features, [.. images.Select(i => i.Label)], compared);
    }

    private static HashSet<int> HeldOut(List<TrainingImage> images, double fraction) =>
        [.. HeadTraining.StratifiedSplit([.. images.Select(i => i.Label)], fraction, HeadTraining.HeldOutSeed).Test];

    private static void Fail(TrainingJobDocument job, IReadOnlyList<string> reasons)
    {
        job.State = TrainingJobState.Failed;
        job.Failure = [.. reasons];
        job.FinishedAt = DateTimeOffset.UtcNow;
    }

    private static TrainingJobDocument Copy(TrainingJobDocument job) =>
        JsonSerializer.Deserialize(JsonSerializer.SerializeToUtf8Bytes(job, TrainingJsonContext.Default.TrainingJobDocument), TrainingJsonContext.Default.TrainingJobDocument)!;

    private static bool TryParse(string text, out TrainingJobMessage message)
    {
        try
        {
            message = JsonSerializer.Deserialize(text, TrainingJsonContext.Default.TrainingJobMessage)!;
            return message is { Model.Length: > 0, JobId.Length: > 0 } && ModelBlobLayout.IsModelName(message.Model) && ModelBlobLayout.IsVersionName(message.JobId);
        }
        catch (JsonException)
        {
            message = null!;
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored a training-job message that is not one: {Message}")]
    private static partial void LogIgnored(ILogger logger, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored a message for training job {Model}/{JobId}, which does not exist")]
    private static partial void LogNoJob(ILogger logger, string model, string jobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Training job {Model}/{JobId}: step {Sequence} was committed by another invocation first")]
    private static partial void LogRaced(ILogger logger, string model, string jobId, int sequence);

    [LoggerMessage(Level = LogLevel.Information, Message = "Training job {Model}/{JobId}: {Step} done, now {State} at {Next}")]
    private static partial void LogStep(ILogger logger, string model, string jobId, TrainingJobStep step, TrainingJobState state, TrainingJobStep next);

    [LoggerMessage(Level = LogLevel.Error, Message = "Training job {Model}/{JobId} failed for good at step {Step}")]
    private static partial void LogGaveUp(ILogger logger, Exception exception, string model, string jobId, TrainingJobStep step);
}
