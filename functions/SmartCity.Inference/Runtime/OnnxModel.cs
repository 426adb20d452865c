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

        using var sessionOptions = CreateSessionOptions(options);
        InferenceSession session;
        try
        {
            session = TryLoadCached(optimizedCachePath, options) ?? LoadSource(path, dynamicBatch, sessionOptions, optimizedCachePath);
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

    /// <summary>The session options every session gets (<see cref="InferenceOptions"/>: threads, arena, memory pattern).</summary>
    public static SessionOptions CreateSessionOptions(InferenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = options.ResolvedIntraOpThreads,
            EnableCpuMemArena = options.EnableCpuMemArena,
            EnableMemoryPattern = options.EnableMemoryPattern,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
    }

    /// <summary>
    /// The cached optimised model, when there is one (its name is a key of the source file, see
    /// <c>InferenceEngine</c>); it is already optimised, so the optimiser's work is skipped. A cache file that does not load
    /// (cut short, or from another ONNX Runtime) is deleted and the source is loaded instead.
    /// </summary>
    private static InferenceSession? TryLoadCached(string? cachePath, InferenceOptions options)
    {
        if (cachePath is null || !File.Exists(cachePath))
        {
            return null;
        }

        using var cachedOptions = CreateSessionOptions(options);
        cachedOptions.GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL;
        try
        {
            return new InferenceSession(cachePath, cachedOptions);
        }
        catch (OnnxRuntimeException)
        {
            TryDelete(cachePath);
            return null;
        }
    }

    /// <summary>
    /// Loads the source file (rewritten in memory when its batch dimension must become dynamic)
    /// and, when a cache path is given, has ONNX Runtime save the optimised graph to a temporary
    /// file that is then moved into place, so a start cut short never leaves half a cache file.
    /// </summary>
    private static InferenceSession LoadSource(string path, bool dynamicBatch, SessionOptions sessionOptions, string? cachePath)
    {
        string? pending = null;
        if (cachePath is not null)
        {
            try
            {
                Directory.CreateDirectory(System.IO.Path.GetDirectoryName(cachePath)!);
                pending = $"{cachePath}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
                sessionOptions.OptimizedModelFilePath = pending;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // No cache without a writable folder; the model still loads.
                pending = null;
            }
        }

        InferenceSession session;
        if (dynamicBatch)
        {
            // Rewritten into a temporary file by copying the fields (no parse, no copy of the
            // model in managed memory), which ONNX Runtime then loads like any file.
            var rewritten = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"smartcity-dynamic-{Environment.ProcessId}-{Guid.NewGuid():N}.onnx");
            try
            {
                using (var source = File.OpenRead(path))
                using (var target = File.Create(rewritten))
                {
                    OnnxModelEditor.MakeBatchDimensionDynamic(source, target);
                }

                session = new InferenceSession(rewritten, sessionOptions);
            }
            finally
            {
                TryDelete(rewritten);
            }
        }
        else
        {
            session = new InferenceSession(path, sessionOptions);
        }

        if (pending is not null)
        {
            try
            {
                File.Move(pending, cachePath!, overwrite: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                TryDelete(pending);
            }
        }

        return session;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left for the next start to overwrite.
        }
    }

    public void Dispose() => Session.Dispose();
}
