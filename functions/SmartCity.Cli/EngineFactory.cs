using SmartCity.Inference;
using SmartCity.Inference.Models;
using SmartCity.Inference.Runtime;

namespace SmartCity.Cli;

internal static class EngineFactory
{
    /// <summary>An engine over the models beside the tool (or <c>--models</c>).</summary>
    public static InferenceEngine Create(Arguments arguments, int maxBatchSize = 16)
    {
        var options = new InferenceOptions
        {
            ModelsPath = arguments.Named.GetValueOrDefault("models"),
            MaxBatchSize = maxBatchSize,
            ScaledDecode = !arguments.Has("no-scaled-decode"),
        };
        return new InferenceEngine(new ModelRepository(options.ResolvedModelsPath), options);
    }

    public static readonly string[] ImageExtensions = [".jpg", ".jpeg", ".png", ".webp", ".bmp", ".gif"];

    /// <summary>Files named directly, and the images inside named folders (sorted).</summary>
    public static List<string> ExpandInputs(IEnumerable<string> inputs, out bool sawFolder)
    {
        sawFolder = false;
        var files = new List<string>();
        foreach (var input in inputs)
        {
            if (Directory.Exists(input))
            {
                sawFolder = true;
                files.AddRange(Directory.EnumerateFiles(input, "*", SearchOption.AllDirectories)
                    .Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                    .Order(StringComparer.Ordinal));
            }
            else if (File.Exists(input))
            {
                files.Add(input);
            }
            else
            {
                throw new ArgumentException($"'{input}' is neither a file nor a folder.");
            }
        }

        return files;
    }
}
