using System.Globalization;
using Azure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.VisualBasic.FileIO;
using SmartCity.Cameras;
using SmartCity.Functions.Http;
using SmartCity.Functions.Http.Repository;
using SmartCity.Functions.Models;
using SmartCity.Inference.Runtime;
using SmartCity.Training.Scenes;

namespace SmartCity.Functions.Training;

/// <summary>
/// <c>POST /api/models/{model}/calibrations</c>: checks the request (the camera id, the model is
/// served and its default version ships <c>calibration.bin</c>, the labels CSV and its 1 to 500
/// labelled frames of that camera, which must exist), stores the job as queued and sends its one
/// message; <c>GET .../calibrations/{job}</c>: the job as it stands.
/// </summary>
public sealed class CalibrationJobHandler(InferenceEngine engine, TrainingJobStore jobs, TrainingStepSender steps, TrainingDataReader data, IOptions<HttpApiOptions> options)
{
    private const int MaxListed = 20;

    public async Task<CalibrationJobView> CreateAsync(HttpRequest request, string model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = await JsonRequestReader.ReadAsync(request, TrainingJsonContext.Default.CalibrationJobRequest, options.Value.MaxBodyBytes, cancellationToken);
        var (camera, csv, cameraModel) = Check(model, body);
        var baseVersion = BaseVersion(model);
        var (frames, skipped) = await ReadFramesAsync(csv, camera, cancellationToken);
        var now = DateTimeOffset.UtcNow;
        var job = new CalibrationJobDocument
        {
            Id = $"{now:yyyyMMddHHmmss}-{Guid.NewGuid():N}"[..27],
            Model = model,
            CameraId = camera,
            BaseVersion = baseVersion,
            CameraModel = cameraModel,
            Request = body,
            RequestedBy = Actor.Of(request),
            State = TrainingJobState.Queued,
            CreatedAt = now,
            UpdatedAt = now,
            Frames = frames,
            SkippedUnusable = skipped,
        };
        var etag = await jobs.CreateCalibrationAsync(job, cancellationToken);
        try
        {
            await steps.SendAsync(new TrainingJobMessage(model, job.Id, 0, TrainingJobMessage.CalibrationKind), cancellationToken);
        }
        catch (Exception)
        {
            job.State = TrainingJobState.Failed;
            job.Failure = ["The job could not be queued; create it again."];
            await jobs.TryWriteCalibrationAsync(job, etag, CancellationToken.None);
            throw;
        }

        return CalibrationJobView.Of(job);
    }

    public async Task<CalibrationJobView> GetAsync(string model, string jobId, CancellationToken cancellationToken)
    {
        var found = ModelBlobLayout.IsModelName(model) && ModelBlobLayout.IsVersionName(jobId) ? await jobs.ReadCalibrationAsync(model, jobId, cancellationToken) : null;
        return found is var (job, _) ? CalibrationJobView.Of(job) : throw new HttpApiException("calibration-job-not-found", $"Model '{model}' has no calibration job '{jobId}'.");
    }

    private static (string Camera, string Csv, string CameraModel) Check(string model, CalibrationJobRequest body)
    {
        if (!ModelBlobLayout.IsModelName(model))
        {
            throw Invalid($"'{model}' is not a model name: letters, digits, '.', '_' and '-', starting with a letter or digit.");
        }

        if (body.CameraId is not { } camera || CameraBlobPath.Validate("c", "c", null, camera, "x") is not null)
        {
            throw Invalid($"'cameraId' must be 1-64 letters, digits, '-', '_' or '.', starting with a letter or digit; got {(body.CameraId is null ? "none" : $"'{body.CameraId}'")}.");
        }

        if (CameraModelRouting.CameraModelName(model, camera) is not { } cameraModel)
        {
            throw Invalid($"'cameraId': the camera's model '{model}{CameraModelRouting.CameraSeparator}{camera}' would be longer than {CameraModelRouting.MaxModelNameLength} characters.");
        }

        if (body.Data is not { LabelsCsv: { } csv } || body.Data.Prefix is not null)
        {
            throw Invalid("'data.labelsCsv' is required (and 'data.prefix' not allowed): a CSV in the training data container with columns file, congestion, lighting and optionally confidence (sure/unsure) and camera.");
        }

        if (csv.Length == 0 || csv.StartsWith('/') || csv.Split('/').Any(s => s is "." or ".."))
        {
            throw Invalid($"'data.labelsCsv' must be a path inside the training data container, without '.' or '..' segments or a leading '/'; got '{csv}'.");
        }

        return (camera, csv, cameraModel);
    }

    /// <summary>The model's default version, which must ship calibration data; 404 when the model is not served.</summary>
    private string BaseVersion(string model)
    {
        if (!engine.Repository.Contains(model))
        {
            throw new HttpApiException("model-not-found", $"Model '{model}' is not served here.");
        }

        var version = engine.Repository.Get(model);
        if (!File.Exists(Path.Combine(version.Directory, CalibrationData.FileName)))
        {
            throw Invalid($"Model '{model}' cannot be calibrated: its default version {version.Version} has no {CalibrationData.FileName} (only a traffic-scene version trained with it, version 2 on, can be).");
        }

        return version.Version;
    }

    private async Task<(List<CalibrationFrameEntry> Frames, int Skipped)> ReadFramesAsync(string csvName, string camera, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = (await data.Container.GetBlobClient(csvName).DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content.ToString();
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            throw Invalid($"'data.labelsCsv': '{data.Container.Name}/{csvName}' does not exist.");
        }

        var folder = csvName.Contains('/', StringComparison.Ordinal) ? csvName[..(csvName.LastIndexOf('/') + 1)] : string.Empty;
        var (frames, skipped) = Parse(text, csvName, camera, folder);
        if (frames.Count is < SceneCalibration.MinFrames or > SceneCalibration.MaxFrames)
        {
            throw Invalid(string.Create(CultureInfo.InvariantCulture, $"'data.labelsCsv': {csvName} has {frames.Count} usable labelled frame(s) of camera '{camera}' ({skipped} unusable skipped); a calibration takes {SceneCalibration.MinFrames} to {SceneCalibration.MaxFrames}."));
        }

        var existing = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var item in data.Container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, folder, cancellationToken).ConfigureAwait(false))
        {
            existing.Add(item.Name);
        }

        var missing = frames.Where(f => !existing.Contains(f.Blob)).Select(f => f.Blob).ToList();
        if (missing.Count > 0)
        {
            throw Invalid(string.Create(CultureInfo.InvariantCulture, $"'data.labelsCsv': {missing.Count} file(s) named in {csvName} do not exist: {string.Join(", ", missing.Take(MaxListed))}{(missing.Count > MaxListed ? $" and {missing.Count - MaxListed} more" : string.Empty)}."));
        }

        return (frames, skipped);
    }

    private static (List<CalibrationFrameEntry> Frames, int Skipped) Parse(string text, string csvName, string camera, string folder)
    {
        using var parser = new TextFieldParser(new StringReader(text)) { TextFieldType = FieldType.Delimited, HasFieldsEnclosedInQuotes = true, TrimWhiteSpace = true };
        parser.SetDelimiters(",");
        var header = parser.ReadFields() ?? [];
        int Column(params string[] names) => Array.FindIndex(header, h => names.Any(n => h.Equals(n, StringComparison.OrdinalIgnoreCase)));
        var (file, congestion, lighting, confidence, cameraColumn) = (Column("file", "path"), Column("congestion"), Column("lighting"), Column("confidence"), Column("camera"));
        if (file < 0 || congestion < 0 || lighting < 0)
        {
            throw Invalid($"'data.labelsCsv': the first line of {csvName} must name the columns, with 'file' (or 'path'), 'congestion' and 'lighting' (optionally 'confidence' and 'camera').");
        }

        var frames = new List<CalibrationFrameEntry>();
        var skipped = 0;
        var needed = new[] { file, congestion, lighting, confidence, cameraColumn }.Max();
        try
        {
            while (parser.ReadFields() is { } fields)
            {
                var line = parser.LineNumber < 0 ? "the last line" : string.Create(CultureInfo.InvariantCulture, $"line {parser.LineNumber - 1}");
                if (fields.Length <= needed || fields[file].Length == 0)
                {
                    throw Invalid($"'data.labelsCsv': {line} of {csvName} has too few columns or no file.");
                }

                if (cameraColumn >= 0 && !string.Equals(fields[cameraColumn], camera, StringComparison.Ordinal))
                {
                    continue;
                }

                if (fields[congestion].Equals("unusable", StringComparison.OrdinalIgnoreCase))
                {
                    skipped++;
                    continue;
                }

                if (!TrafficSceneHeads.CongestionLabels.Contains(fields[congestion]) || !TrafficSceneHeads.LightingLabels.Contains(fields[lighting]))
                {
                    throw Invalid($"'data.labelsCsv': {line} of {csvName} has congestion '{fields[congestion]}' and lighting '{fields[lighting]}'; congestion is one of {string.Join(", ", TrafficSceneHeads.CongestionLabels)} (or unusable), lighting one of {string.Join(", ", TrafficSceneHeads.LightingLabels)}.");
                }

                var sure = confidence < 0 || fields[confidence].Length == 0 || fields[confidence].Equals("sure", StringComparison.OrdinalIgnoreCase);
                if (!sure && !fields[confidence].Equals("unsure", StringComparison.OrdinalIgnoreCase))
                {
                    throw Invalid($"'data.labelsCsv': {line} of {csvName} has confidence '{fields[confidence]}'; it is 'sure' or 'unsure'.");
                }

                frames.Add(new CalibrationFrameEntry(folder + fields[file].TrimStart('/'), fields[congestion], fields[lighting], sure));
            }
        }
        catch (MalformedLineException ex)
        {
            throw Invalid(string.Create(CultureInfo.InvariantCulture, $"'data.labelsCsv': line {ex.LineNumber} of {csvName} is not valid CSV."));
        }

        return (frames, skipped);
    }

    private static HttpApiException Invalid(string detail) => HttpApiException.BadRequest("invalid-calibration-request", detail);
}
