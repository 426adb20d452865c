using System.Globalization;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Options;
using Microsoft.VisualBasic.FileIO;
using SmartCity.Functions.Models;

namespace SmartCity.Functions.Training;

/// <summary>
/// Finds a job's labelled images in <c>Training:DataContainer</c>: under a prefix, every blob
/// <c>&lt;prefix&gt;&lt;label&gt;/&lt;file&gt;</c> is an image of that label; or every row of a labels
/// CSV (columns <c>file</c> or <c>path</c>, and <c>label</c>; files relative to the CSV's folder).
/// What cannot be used is reported, by name: files outside a label folder, CSV rows naming files
/// that do not exist, files over the size limit. Nothing is skipped silently.
/// </summary>
public sealed class TrainingDataReader
{
    private const int MaxListed = 20;

    public TrainingDataReader(ModelStorageClients clients, IOptions<TrainingOptions> options)
        : this((clients ?? throw new ArgumentNullException(nameof(clients))).Blobs.GetBlobContainerClient(options.Value.DataContainer))
    {
    }

    public TrainingDataReader(BlobContainerClient container) => Container = container ?? throw new ArgumentNullException(nameof(container));

    public BlobContainerClient Container { get; }

    public Task<LabelledImageSet> ReadAsync(TrainingDataLocation location, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(location);
        return location.LabelsCsv is { } csv ? FromCsvAsync(csv, cancellationToken) : FromFoldersAsync(location.Prefix ?? string.Empty, cancellationToken);
    }

    private async Task<LabelledImageSet> FromFoldersAsync(string prefix, CancellationToken cancellationToken)
    {
        prefix = prefix.Length == 0 || prefix.EndsWith('/') ? prefix : prefix + "/";
        var found = new List<(string Blob, string Label, long Bytes)>();
        var outside = new List<string>();
        try
        {
            await foreach (var item in Container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, cancellationToken).ConfigureAwait(false))
            {
                var rest = item.Name[prefix.Length..];
                var slash = rest.IndexOf('/', StringComparison.Ordinal);
                if (slash <= 0)
                {
                    outside.Add(item.Name);
                }
                else
                {
                    found.Add((item.Name, rest[..slash], item.Properties.ContentLength ?? 0));
                }
            }
        }
        catch (RequestFailedException ex) when (ex.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            return new LabelledImageSet([], [], [$"The container '{Container.Name}' does not exist."]);
        }

        var problems = new List<string>();
        if (outside.Count > 0)
        {
            problems.Add($"{outside.Count} file(s) are not in a label folder ({prefix}<label>/<file>): {Names(outside)}.");
        }

        if (found.Count == 0 && outside.Count == 0)
        {
            problems.Add($"There are no images under '{Container.Name}/{prefix}': upload them as {prefix}<label>/<file>.");
        }

        return Build(found, problems);
    }

    private async Task<LabelledImageSet> FromCsvAsync(string csvName, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = (await Container.GetBlobClient(csvName).DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content.ToString();
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return new LabelledImageSet([], [], [$"The labels CSV '{Container.Name}/{csvName}' does not exist."]);
        }

        var folder = csvName.Contains('/', StringComparison.Ordinal) ? csvName[..(csvName.LastIndexOf('/') + 1)] : string.Empty;
        var rows = ParseCsv(text, out var problem);
        if (problem is not null)
        {
            return new LabelledImageSet([], [], [$"{csvName}: {problem}"]);
        }

        var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
        await foreach (var item in Container.GetBlobsAsync(BlobTraits.None, BlobStates.None, folder, cancellationToken).ConfigureAwait(false))
        {
            sizes[item.Name] = item.Properties.ContentLength ?? 0;
        }

        var found = new List<(string Blob, string Label, long Bytes)>();
        var missing = new List<string>();
        foreach (var (file, label) in rows)
        {
            var blob = folder + file.TrimStart('/');
            if (sizes.TryGetValue(blob, out var bytes))
            {
                found.Add((blob, label, bytes));
            }
            else
            {
                missing.Add(file);
            }
        }

        var problems = new List<string>();
        if (missing.Count > 0)
        {
            problems.Add($"{missing.Count} file(s) named in {csvName} do not exist: {Names(missing)}.");
        }

        return Build(found, problems);
    }

    /// <summary>Rows of <c>file,label</c> (header required; quoted fields allowed).</summary>
    private static List<(string File, string Label)> ParseCsv(string text, out string? problem)
    {
        problem = null;
        var rows = new List<(string, string)>();
        using var parser = new TextFieldParser(new StringReader(text)) { TextFieldType = FieldType.Delimited, HasFieldsEnclosedInQuotes = true, TrimWhiteSpace = true };
        parser.SetDelimiters(",");
        var header = parser.ReadFields();
        var fileColumn = header is null ? -1 : Array.FindIndex(header, h => h.Equals("file", StringComparison.OrdinalIgnoreCase) || h.Equals("path", StringComparison.OrdinalIgnoreCase));
        var labelColumn = header is null ? -1 : Array.FindIndex(header, h => h.Equals("label", StringComparison.OrdinalIgnoreCase));
        if (fileColumn < 0 || labelColumn < 0)
        {
            problem = "the first line must name the columns, with 'file' (or 'path') and 'label'.";
            return rows;
        }

        try
        {
            while (parser.ReadFields() is { } fields)
            {
                if (fields.Length <= Math.Max(fileColumn, labelColumn) || fields[fileColumn].Length == 0 || fields[labelColumn].Length == 0)
                {
                    problem = string.Create(CultureInfo.InvariantCulture, $"line {parser.LineNumber - 1} has no file or no label.");
                    return rows;
                }

                rows.Add((fields[fileColumn], fields[labelColumn]));
            }
        }
        catch (MalformedLineException ex)
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"line {ex.LineNumber} is not valid CSV.");
        }

        return rows;
    }

    private static LabelledImageSet Build(List<(string Blob, string Label, long Bytes)> found, List<string> problems)
    {
        var labels = found.Select(f => f.Label).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var tooLarge = found.Where(f => f.Bytes > TrainingOptions.MaxImageBytes).Select(f => f.Blob).ToList();
        if (tooLarge.Count > 0)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{tooLarge.Count} file(s) are over {TrainingOptions.MaxImageBytes} bytes: {Names(tooLarge)}."));
        }

        var images = found.OrderBy(f => f.Blob, StringComparer.Ordinal)
            .Select(f => new TrainingImage(f.Blob, labels.IndexOf(f.Label), f.Bytes))
            .ToList();
        return new LabelledImageSet(labels, images, problems);
    }

    private static string Names(List<string> names) =>
        string.Join(", ", names.Take(MaxListed)) + (names.Count > MaxListed ? string.Create(CultureInfo.InvariantCulture, $" and {names.Count - MaxListed} more") : string.Empty);
}
