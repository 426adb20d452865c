using Azure.Core;
using Azure.Core.Pipeline;
using SmartCity.Cameras.Storage;

namespace SmartCity.Cameras.Tests.Storage;

/// <summary>
/// Holds the first storage request that <see cref="Match"/> picks until the test releases it, so a
/// test can make one interleaving of two deliveries happen on purpose (the other requests pass).
/// </summary>
public sealed class StepGate(Func<HttpMessage, bool> match) : HttpPipelinePolicy
{
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _fired;

    public Func<HttpMessage, bool> Match { get; } = match;

    /// <summary>Completes when the held request arrived (it waits for <see cref="Release"/>).</summary>
    public Task Reached => _reached.Task;

    /// <summary>A gate that holds nothing.</summary>
    public static StepGate Open() => new(_ => false);

    /// <summary>A read of a per-blob index row: after the download, before anything is decided.</summary>
    public static bool IsIndexRead(HttpMessage message) =>
        message.Request.Method == RequestMethod.Get && Path(message).Contains("(PartitionKey=", StringComparison.Ordinal) && Path(message).Contains("RowKey='" + CameraRowKeys.IndexPrefix, StringComparison.Ordinal);

    /// <summary>The first write of a document (result or rejection).</summary>
    public static Func<HttpMessage, bool> IsDocumentWrite(CameraPipelineOptions options) => message =>
        message.Request.Method == RequestMethod.Put
        && (Path(message).Contains($"/{options.ResultsContainer}/", StringComparison.Ordinal) || Path(message).Contains($"/{options.RejectedContainer}/", StringComparison.Ordinal));

    /// <summary>The first table write after a document was written: the step that finishes an upload.</summary>
    public static Func<HttpMessage, bool> IsTableWriteAfterDocument(CameraPipelineOptions options)
    {
        var documentWritten = false;
        var isDocument = IsDocumentWrite(options);
        return message =>
        {
            documentWritten |= isDocument(message);
            return documentWritten && FaultPolicy.IsTableWrite(message);
        };
    }

    public void Release() => _released.TrySetResult();

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        if (Hold(message))
        {
            _released.Task.GetAwaiter().GetResult();
        }

        ProcessNext(message, pipeline);
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        if (Hold(message))
        {
            await _released.Task.ConfigureAwait(false);
        }

        await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
    }

    private static string Path(HttpMessage message) => Uri.UnescapeDataString(message.Request.Uri.ToUri().AbsolutePath);

    private bool Hold(HttpMessage message)
    {
        if (!Match(message) || Interlocked.Exchange(ref _fired, 1) != 0)
        {
            return false;
        }

        _reached.TrySetResult();
        return true;
    }
}
