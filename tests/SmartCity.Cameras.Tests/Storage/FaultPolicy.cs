using Azure.Core;
using Azure.Core.Pipeline;

namespace SmartCity.Cameras.Tests.Storage;

/// <summary>Answers 503 instead of sending, for the requests <see cref="ShouldFail"/> picks, while armed.</summary>
public sealed class FaultPolicy : HttpPipelinePolicy
{
    private int _failures;

    public Func<HttpMessage, bool> ShouldFail { get; set; } = _ => false;

    public int Failures => Volatile.Read(ref _failures);

    public static bool IsTableWrite(HttpMessage message) =>
        message.Request.Method != RequestMethod.Get && message.Request.Uri.ToUri().AbsolutePath.Contains("/devstoreaccount1/", StringComparison.Ordinal)
        && (message.Request.Uri.ToUri().AbsolutePath.Contains("$batch", StringComparison.Ordinal) || message.Request.Uri.ToUri().AbsolutePath.Contains("(PartitionKey=", StringComparison.Ordinal));

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        if (!Fail(message))
        {
            ProcessNext(message, pipeline);
        }
    }

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        Fail(message) ? ValueTask.CompletedTask : ProcessNextAsync(message, pipeline);

    private bool Fail(HttpMessage message)
    {
        if (!ShouldFail(message))
        {
            return false;
        }

        Interlocked.Increment(ref _failures);
        message.Response = new FaultResponse();
        return true;
    }

    private sealed class FaultResponse : Azure.Response
    {
        public override int Status => 503;

        public override string ReasonPhrase => "Service Unavailable (injected)";

        public override Stream? ContentStream { get; set; } = new MemoryStream();

        public override string ClientRequestId { get; set; } = string.Empty;

        public override void Dispose()
        {
        }

        protected override bool ContainsHeader(string name) => false;

        protected override IEnumerable<HttpHeader> EnumerateHeaders() => [];

        protected override bool TryGetHeader(string name, out string value)
        {
            value = string.Empty;
            return false;
        }

        protected override bool TryGetHeaderValues(string name, out IEnumerable<string> values)
        {
            values = [];
            return false;
        }
    }
}
