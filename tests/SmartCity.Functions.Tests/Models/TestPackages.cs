using System.Net.Http.Headers;
using System.Text;
using SmartCity.Inference.Models;
using SmartCity.Training;
using SmartCity.Training.Cards;

namespace SmartCity.Functions.Tests.Models;

/// <summary>Version packages for the repository tests: a real (tiny) head over resnet18-embedding, and broken ones.</summary>
internal static class TestPackages
{
    public static readonly string[] Labels = ["left", "right"];

    /// <summary>A head trained on a few random 512-value features: it loads, runs and classifies (meaninglessly).</summary>
    public static Dictionary<string, byte[]> Head(int seed = 1, string intendedUse = "A test head.")
    {
        var random = new Random(seed);
        var features = Enumerable.Range(0, 8).Select(_ => Enumerable.Range(0, 512).Select(_ => (float)random.NextDouble()).ToArray()).ToList();
        var classes = Enumerable.Range(0, 8).Select(i => i % 2).ToList();
        var head = SoftmaxRegression.Train(features, classes, 2, epochs: 20);
        var report = ClassificationReport.FromPredictions([0, 1], [0, 1], Labels);
        var card = new ModelCard
        {
            IntendedUse = intendedUse,
            Heads = [new HeadCard { Output = "logits", Labels = [.. Labels], CountsPerLabel = new() { ["left"] = 4, ["right"] = 4 }, HeldOut = HeldOutEvaluation.From(report, "test") }],
            TrainingData = new TrainingDataCard { Source = "random numbers", Images = 8, Date = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero) },
            Backbone = new BackboneCard { Model = "resnet18-embedding", Version = "1" },
            License = "Test data.",
        };
        var package = HeadPackage.Create(head, Labels, new BackboneReference { Model = "resnet18-embedding", Version = "1" }, intendedUse, "Test data.", card);
        return new Dictionary<string, byte[]>(package.Files, StringComparer.Ordinal);
    }

    /// <summary>A head whose manifest is valid but whose ONNX file is not ONNX.</summary>
    public static Dictionary<string, byte[]> CorruptOnnx()
    {
        var files = Head();
        files[HeadPackage.HeadFileName] = Encoding.UTF8.GetBytes("this is not an ONNX model");
        return files;
    }

    /// <summary>A head whose manifest names a labels file the package does not have.</summary>
    public static Dictionary<string, byte[]> MissingLabels()
    {
        var files = Head();
        files.Remove(HeadPackage.LabelsFileName);
        return files;
    }

    public static async Task<(byte[] Body, string ContentType)> Multipart(IReadOnlyDictionary<string, byte[]> files, bool promote = false, string? reason = null)
    {
        using var content = new MultipartFormDataContent();
        foreach (var (name, bytes) in files)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            content.Add(part, "files", name);
        }

        content.Add(new StringContent(promote ? "true" : "false"), "promote");
        if (reason is not null)
        {
            content.Add(new StringContent(reason), "reason");
        }

        return (await content.ReadAsByteArrayAsync(), content.Headers.ContentType!.ToString());
    }

    /// <summary>Writes a version straight into the container (as a person or script could), manifest last.</summary>
    public static async Task WriteAsync(ModelStorageAccount account, string model, string version, IReadOnlyDictionary<string, byte[]> files)
    {
        foreach (var (name, bytes) in files.Where(f => f.Key != ModelRepository.ManifestFileName).Append(files.First(f => f.Key == ModelRepository.ManifestFileName)))
        {
            await account.Models.GetBlobClient($"{model}/{version}/{name}").UploadAsync(BinaryData.FromBytes(bytes), overwrite: true);
        }
    }
}
