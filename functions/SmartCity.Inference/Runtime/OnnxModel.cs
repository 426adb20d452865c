using Microsoft.ML.OnnxRuntime;
using SmartCity.Inference.Onnx;

namespace SmartCity.Inference.Runtime;

/// <summary>One ONNX Runtime session and the names and shapes it serves. Created once per model file.</summary>
internal sealed class OnnxModel : IDisposable
{
    private OnnxModel(InferenceSession session, string inputName, string outputName, string modelId, string path)
    {
        Session = session;
        InputName = inputName;
        OutputName = outputName;
        var input = session.InputMetadata[inputName];
        InputShape = input.Dimensions.Select(d => (long)d).ToArray();
        var output = session.OutputMetadata[outputName];
        // A ZipMap output (sequence of maps) has no tensor shape.
        OutputShape = output.OnnxValueType == OnnxValueType.ONNX_TYPE_TENSOR ? output.Dimensions.Select(d => (long)d).ToArray() : [];
        ModelId = modelId;
        Path = path;
    }

    public InferenceSession Session { get; }

    public string InputName { get; }

    public string OutputName { get; }

    /// <summary>Input dimensions as the session reports them; -1 marks a symbolic dimension.</summary>
    public long[] InputShape { get; }

    public long[] OutputShape { get; }

    public string ModelId { get; }

    public string Path { get; }

    /// <summary>Values per item of the input (product of all but the batch dimension).</summary>
    public long InputItemLength => InputShape.Skip(1).Aggregate(1L, (a, d) => a * Math.Max(d, 1));

    /// <summary>Values per item of the output, when it is a tensor.</summary>
    public long OutputItemLength => OutputShape.Skip(1).Aggregate(1L, (a, d) => a * Math.Max(d, 1));

    public static OnnxModel Load(string modelId, string path, string? inputName, string? outputName, bool dynamicBatch, InferenceOptions options, string? optimizedCachePath)
    {
        if (!File.Exists(path))
        {
            throw new ModelLoadException(modelId, path, "the file does not exist. Files delivered by a NuGet package are copied at build: run 'dotnet build'.");
        }

        using var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = options.IntraOpThreads,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };

        InferenceSession session;
        try
        {
            var cached = optimizedCachePath is not null && File.Exists(optimizedCachePath)
                && File.GetLastWriteTimeUtc(optimizedCachePath) >= File.GetLastWriteTimeUtc(path);
            if (cached)
            {
                // The cached file is already optimised: skip the optimiser's work.
                sessionOptions.GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL;
                session = new InferenceSession(optimizedCachePath!, sessionOptions);
            }
            else
            {
                if (optimizedCachePath is not null)
                {
                    Directory.CreateDirectory(System.IO.Path.GetDirectoryName(optimizedCachePath)!);
                    sessionOptions.OptimizedModelFilePath = optimizedCachePath;
                }

                session = dynamicBatch
                    ? new InferenceSession(OnnxModelEditor.MakeBatchDimensionDynamic(File.ReadAllBytes(path)), sessionOptions)
                    : new InferenceSession(path, sessionOptions);
            }
        }
        catch (Exception ex) when (ex is OnnxRuntimeException or InvalidDataException)
        {
            throw new ModelLoadException(modelId, path, ex.Message, ex);
        }

        try
        {
            var input = inputName ?? session.InputMetadata.Keys.First();
            if (!session.InputMetadata.ContainsKey(input))
            {
                throw new ModelLoadException(modelId, path, $"it has no input named '{input}' (it has: {string.Join(", ", session.InputMetadata.Keys)}).");
            }

            var output = outputName ?? session.OutputMetadata.Keys.First();
            if (!session.OutputMetadata.ContainsKey(output))
            {
                throw new ModelLoadException(modelId, path, $"it has no output named '{output}' (it has: {string.Join(", ", session.OutputMetadata.Keys)}).");
            }

            return new OnnxModel(session, input, output, modelId, path);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    public void Dispose() => Session.Dispose();
}
