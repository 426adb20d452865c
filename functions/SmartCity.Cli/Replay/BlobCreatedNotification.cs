using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SmartCity.Cli.Replay;

/// <summary>
/// The Event Grid notification the blob webhook of the Functions host takes
/// (<c>POST /runtime/webhooks/blobs?functionName=Host.Functions.&lt;Name&gt;</c>, header
/// <c>aeg-event-type: Notification</c>): an array of one <c>Microsoft.Storage.BlobCreated</c>
/// event in the Event Grid schema, whose <c>subject</c> names the container and blob and whose
/// <c>data.url</c> is the blob's URL. Used to replay uploads locally and after poisoning.
/// </summary>
internal static class BlobCreatedNotification
{
    public const string EventType = "Microsoft.Storage.BlobCreated";

    /// <summary>The webhook URL of a function on a host (Core Tools: <c>http://localhost:7071</c>).</summary>
    public static Uri WebhookUri(Uri host, string functionName) =>
        new(host, $"runtime/webhooks/blobs?functionName=Host.Functions.{Uri.EscapeDataString(functionName)}");

    public static string Create(Uri blobUri, string accountName, string container, string blobName, string eTag, string? contentType, long contentLength, DateTimeOffset eventTime)
    {
        ArgumentNullException.ThrowIfNull(blobUri);
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartArray();
            json.WriteStartObject();
            json.WriteString("topic", $"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/local/providers/Microsoft.Storage/storageAccounts/{accountName}");
            json.WriteString("subject", $"/blobServices/default/containers/{container}/blobs/{blobName}");
            json.WriteString("eventType", EventType);
            json.WriteString("id", Guid.NewGuid().ToString());
            json.WriteString("eventTime", eventTime.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            json.WriteStartObject("data");
            json.WriteString("api", "PutBlob");
            json.WriteString("eTag", eTag);
            json.WriteString("contentType", contentType ?? "application/octet-stream");
            json.WriteNumber("contentLength", contentLength);
            json.WriteString("blobType", "BlockBlob");
            json.WriteString("url", blobUri.AbsoluteUri);
            json.WriteString("sequencer", eventTime.UtcTicks.ToString("x32", CultureInfo.InvariantCulture));
            json.WriteEndObject();
            json.WriteString("dataVersion", string.Empty);
            json.WriteString("metadataVersion", "1");
            json.WriteEndObject();
            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
