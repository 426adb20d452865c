using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML.OnnxRuntime;
using SmartCity.Inference;
using SmartCity.Inference.Imaging;
using SmartCity.Inference.Models;
using SmartCity.Inference.Onnx;
using Spectre.Console;

namespace SmartCity.Cli.Quantize;

/// <summary>
/// <c>quantize</c>: prepares the float model (<see cref="OnnxQuantizer"/>), records activation
/// ranges on calibration images preprocessed exactly as the engine does, writes the QDQ model as
/// a new version beside a manifest, and measures it against the float model on other images
/// (cosine similarity of the L2-normalised embeddings, and which integer kernels ONNX Runtime fused).
/// </summary>
internal static class BackboneQuantization
{
    private const int CalibrationBatch = 8;

    private static readonly string[] ImageExtensions = [".jpg", ".jpeg", ".png"];

    public static async Task<int> RunAsync(QuantizeSettings settings, CommandConsole console, CancellationToken cancellationToken)
    {
        var folders = settings.Calibration.Select(f => Path.GetFullPath(f)).ToList();
        foreach (var folder in folders.Where(f => !Directory.Exists(f)))
        {
            throw new UsageException($"The calibration folder '{folder}' does not exist.");
        }

        var (calibration, verification) = ChooseImages(folders, settings.Images);
        if (calibration.Count == 0)
        {
            throw new UsageException($"The calibration folders hold no images ({string.Join(", ", ImageExtensions)}).");
        }

        var repository = new ModelRepository(new InferenceOptions { ModelsPath = settings.Engine.ModelsPath }.ResolvedModelsPath);
        var source = repository.Get(settings.Model, settings.Version);
        if (source.Task != ModelTask.ImageEmbedding || source.Backbone is not null)
        {
            throw new UsageException($"'{source.Id}' is not an image-embedding model that reads images itself; quantize its backbone instead.");
        }

        var output = Path.GetFullPath(settings.Output);
        if (string.Equals(output.TrimEnd(Path.DirectorySeparatorChar), source.Directory.TrimEnd(Path.DirectorySeparatorChar), StringComparison.Ordinal))
        {
            throw new UsageException($"--out '{settings.Output}' is the folder of the model being quantized.");
        }

        await console.Output.WriteLineAsync(Format($"{source.Id}: {source.OnnxPath}"));
        var quantizer = OnnxQuantizer.Load(await File.ReadAllBytesAsync(source.OnnxPath, cancellationToken));
        await console.Output.WriteLineAsync(Format($"Prepared: {quantizer.FoldedBatchNormalizations} BatchNormalization folded into Conv; {quantizer.CalibratedTensors.Count} tensors to calibrate on {calibration.Count} images ({string.Join(", ", folders.Select(f => $"{calibration.Count(c => c.StartsWith(f, StringComparison.Ordinal))} from {Path.GetFileName(f)}"))})."));

        var format = new TensorFormat(source.ImageInput);
        using var preprocessor = new ImagePreprocessor(new InferenceOptions().MaxPixels, settings.Engine.ScaledDecode);
        var started = Stopwatch.GetTimestamp();
        IReadOnlyDictionary<string, TensorRange> ranges;
        using (var calibrator = new ActivationCalibrator(quantizer))
        {
            ranges = await WorkProgress.RunAsync(console, "Calibrating", calibration.Count, async imageDone =>
            {
                for (var start = 0; start < calibration.Count; start += CalibrationBatch)
                {
                    var files = calibration.Skip(start).Take(CalibrationBatch).ToList();
                    var batch = new float[files.Count * format.Length];
                    for (var i = 0; i < files.Count; i++)
                    {
                        Preprocess(preprocessor, format, await File.ReadAllBytesAsync(files[i], cancellationToken), batch.AsSpan(i * format.Length, format.Length), files[i]);
                    }

                    calibrator.Observe(batch, format.Shape(files.Count));
                    for (var i = 0; i < files.Count; i++)
                    {
                        imageDone();
                    }
                }

                return calibrator.Ranges();
            });
        }

        await console.Output.WriteLineAsync(Format($"Calibrated in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s"));
        var quantizationSettings = new QuantizationSettings(settings.PerChannel, settings.ReduceRange);
        var quantized = quantizer.Quantize(ranges, quantizationSettings);
        Directory.CreateDirectory(output);
        var modelFile = Path.Combine(output, "model.onnx");
        await File.WriteAllBytesAsync(modelFile, quantized, cancellationToken);

        var check = Verify(source, quantized, verification.Count > 0 ? verification : calibration, preprocessor, format, cancellationToken);
        var outputName = source.Heads[0].Name ?? quantizer.OutputName;
        var folderVersion = Path.GetFileName(output.TrimEnd(Path.DirectorySeparatorChar));
        await File.WriteAllTextAsync(Path.Combine(output, ModelRepository.ManifestFileName), Manifest(source, outputName), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(output, "quantization.json"), QuantizationJson(source, settings, quantizer, ranges, calibration, folders, check), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(output, "QUANTIZATION.md"), Report(source, folderVersion, settings, quantizer, calibration, folders, check, new FileInfo(source.OnnxPath).Length, quantized.Length), cancellationToken);

        var table = new Table().Border(TableBorder.Rounded).AddColumn("measure").AddColumn(new TableColumn("value").RightAligned());
        table.AddRow("images compared with the float model", Format($"{check.Cosines.Length}{(verification.Count > 0 ? " (not used to calibrate)" : " (the calibration images: no others)")}"));
        table.AddRow("embedding cosine similarity, mean", Format($"{check.Cosines.Average():0.0000}"));
        table.AddRow("embedding cosine similarity, min", Format($"{check.Cosines.Min():0.0000}"));
        table.AddRow("file size, float → quantized", Format($"{new FileInfo(source.OnnxPath).Length / 1e6:0.0} MB → {quantized.Length / 1e6:0.0} MB"));
        table.AddRow("kernels after ONNX Runtime's optimiser", string.Join(", ", check.OptimizedOperators.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key} {o.Value}")));
        console.Results.Write(table);
        await console.Output.WriteLineAsync($"Wrote {output}");
        return ExitCodes.Success;
    }

    /// <summary>What the quantized model gives against the float one.</summary>
    internal sealed record Verification(double[] Cosines, IReadOnlyDictionary<string, int> OptimizedOperators);

    /// <summary>
    /// Images of each folder (subfolders too, sorted), <paramref name="count"/> in all shared evenly
    /// between the folders: within a folder, every other one of evenly spaced picks calibrates and the
    /// one after it verifies, so both sets span the folder and never share an image.
    /// </summary>
    internal static (List<string> Calibration, List<string> Verification) ChooseImages(IReadOnlyList<string> folders, int count)
    {
        var calibration = new List<string>();
        var verification = new List<string>();
        for (var f = 0; f < folders.Count; f++)
        {
            var files = Directory.EnumerateFiles(folders[f], "*", SearchOption.AllDirectories)
                .Where(p => ImageExtensions.Contains(Path.GetExtension(p).ToLowerInvariant()))
                .Order(StringComparer.Ordinal)
                .ToList();
            var wanted = (count / folders.Count) + (f < count % folders.Count ? 1 : 0);
            if (files.Count == 0 || wanted == 0)
            {
                continue;
            }

            var picks = Math.Min(files.Count, 2 * wanted);
            for (var i = 0; i < picks; i++)
            {
                var file = files[(int)((long)i * files.Count / picks)];
                ((i % 2 == 0 || picks <= wanted) && calibration.Count(c => c.StartsWith(folders[f], StringComparison.Ordinal)) < wanted ? calibration : verification).Add(file);
            }
        }

        return (calibration, verification);
    }

    private static void Preprocess(ImagePreprocessor preprocessor, TensorFormat format, byte[] image, Span<float> destination, string file)
    {
        try
        {
            preprocessor.Preprocess(image, format, destination);
        }
        catch (ImageProblemException ex)
        {
            throw new UsageException($"The calibration image '{file}' cannot be used: {ex.Message}", ex);
        }
    }

    /// <summary>Runs the float and the quantized model on each image, one at a time, and compares the L2-normalised outputs.</summary>
    private static Verification Verify(ModelVersion source, byte[] quantized, List<string> files, ImagePreprocessor preprocessor, TensorFormat format, CancellationToken cancellationToken)
    {
        var optimizedPath = Path.Combine(Path.GetTempPath(), $"smartcity-quantize-{Environment.ProcessId}-{Guid.NewGuid():N}.onnx");
        try
        {
            using var floatOptions = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
            using var quantizedOptions = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, OptimizedModelFilePath = optimizedPath };
            using var floatSession = new InferenceSession(source.OnnxPath, floatOptions);
            using var quantizedSession = new InferenceSession(quantized, quantizedOptions);
            var operators = OnnxQuantizer.CountOperators(File.ReadAllBytes(optimizedPath));
            var inputName = floatSession.InputMetadata.Keys.First();
            var cosines = new double[files.Count];
            var tensor = new float[format.Length];
            for (var i = 0; i < files.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Preprocess(preprocessor, format, File.ReadAllBytes(files[i]), tensor, files[i]);
                cosines[i] = Cosine(Embed(floatSession, inputName, tensor, format), Embed(quantizedSession, inputName, tensor, format));
            }

            return new Verification(cosines, operators);
        }
        finally
        {
            File.Delete(optimizedPath);
        }
    }

    private static float[] Embed(InferenceSession session, string inputName, float[] tensor, TensorFormat format)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(tensor, format.Shape(1));
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [inputName], [input], [session.OutputMetadata.Keys.First()]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    internal static double Cosine(float[] a, float[] b) =>
        // TensorPrimitives gives NaN for a zero vector; no similarity is 0 here.
        TensorPrimitives.CosineSimilarity(a, b) is var cosine && float.IsFinite(cosine) ? cosine : 0;

    /// <summary>The source manifest, for the quantized file: no package source, the batch dimension already symbolic.</summary>
    private static string Manifest(ModelVersion source, string outputName)
    {
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(source.Directory, ModelRepository.ManifestFileName)))!.AsObject();
        manifest.Remove("source");
        manifest["description"] = $"{source.Manifest.Description} Quantized to 8 bits from {source.Id} by smartcity quantize (QuantizeLinear/DequantizeLinear; int8 weights per output channel, uint8 activations calibrated on camera frames and vehicle crops); see QUANTIZATION.md.";
        manifest["file"] = "model.onnx";
        manifest["dynamicBatch"] = false;
        if (manifest["output"] is JsonObject outputSpec)
        {
            outputSpec["name"] = outputName;
        }

        return manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + Environment.NewLine;
    }

    private static string QuantizationJson(ModelVersion source, QuantizeSettings settings, OnnxQuantizer quantizer, IReadOnlyDictionary<string, TensorRange> ranges, List<string> calibration, List<string> folders, Verification check)
    {
        var root = new JsonObject
        {
            ["source"] = source.Id,
            ["perChannel"] = settings.PerChannel,
            ["reduceRange"] = settings.ReduceRange,
            ["foldedBatchNormalizations"] = quantizer.FoldedBatchNormalizations,
            ["calibrationImages"] = new JsonArray([.. calibration.Select(c => (JsonNode)RelativeName(c, folders))]),
            ["verification"] = new JsonObject
            {
                ["images"] = check.Cosines.Length,
                ["cosineMean"] = Math.Round(check.Cosines.Average(), 6),
                ["cosineMin"] = Math.Round(check.Cosines.Min(), 6),
                ["optimizedOperators"] = new JsonObject([.. check.OptimizedOperators.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => KeyValuePair.Create(o.Key, (JsonNode?)o.Value))]),
            },
            ["ranges"] = new JsonObject([.. quantizer.CalibratedTensors.Select(t => KeyValuePair.Create(t, (JsonNode?)new JsonArray(ranges[t].Min, ranges[t].Max)))]),
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + Environment.NewLine;
    }

    private static string RelativeName(string file, List<string> folders)
    {
        var folder = folders.First(f => file.StartsWith(f, StringComparison.Ordinal));
        return Path.Combine(Path.GetFileName(folder), Path.GetRelativePath(folder, file)).Replace('\\', '/');
    }

    private static string Report(ModelVersion source, string version, QuantizeSettings settings, OnnxQuantizer quantizer, List<string> calibration, List<string> folders, Verification check, long floatBytes, long quantizedBytes)
    {
        var text = new StringBuilder();
        text.AppendLine(Format($"# {source.Name}, version {version}: 8-bit quantized from {source.Id}"));
        text.AppendLine();
        text.AppendLine(Format($"Reproduce from the repository root: `dotnet run -c Release --project functions/SmartCity.Cli -- quantize --model {source.Name} --version {source.Version} {string.Join(' ', settings.Calibration.Select(c => $"--calibration {c}"))} --images {settings.Images} --out {settings.Output}{(settings.PerChannel ? string.Empty : " --per-tensor")}{(settings.ReduceRange ? string.Empty : " --full-range")}`."));
        text.AppendLine();
        text.AppendLine(Format($"- Prepared: {quantizer.FoldedBatchNormalizations} BatchNormalization nodes folded into the Conv before them, opset 13, symbolic batch dimension."));
        text.AppendLine(Format($"- Weights: int8, symmetric, {(settings.PerChannel ? "one scale per output channel" : "one scale per Conv")}, {(settings.ReduceRange ? "7-bit range (−63..63: ONNX Runtime's uint8 × int8 kernels on x86 without VNNI add pairs of products in 16 bits, which full-range weights can saturate)" : "full range (−127..127)")}; biases int32 with scale = input scale × weight scale."));
        text.AppendLine(Format($"- Activations: uint8, asymmetric, the minimum and maximum over {calibration.Count} calibration images ({string.Join(", ", folders.Select(f => $"{calibration.Count(c => c.StartsWith(f, StringComparison.Ordinal))} from `{Path.GetFileName(f)}`"))}, evenly spaced in file order, whole image preprocessed as the engine does), at the {quantizer.CalibratedTensors.Count} tensors read by Conv, Add, MaxPool and the final pool; Relu outputs with zero point 0. Ranges in `quantization.json`."));
        text.AppendLine(Format($"- ONNX Runtime {OrtEnv.Instance().GetVersionString()} fuses the QDQ graph at load into: {string.Join(", ", check.OptimizedOperators.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key} {o.Value}"))}."));
        text.AppendLine(Format($"- File: {floatBytes / 1e6:0.0} MB float → {quantizedBytes / 1e6:0.0} MB."));
        text.AppendLine();
        text.AppendLine("## Against the float model");
        text.AppendLine();
        text.AppendLine(Format($"Cosine similarity between the float and the quantized embedding of {check.Cosines.Length} images not used to calibrate (taken between the calibration images of the same folders): mean **{check.Cosines.Average():0.0000}**, min **{check.Cosines.Min():0.0000}**."));
        text.AppendLine();
        text.AppendLine("Speed, memory and the accuracy of heads trained on it: benchmark scenario 12 (`quantized`), in the README's Performance section.");
        return text.ToString();
    }

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
