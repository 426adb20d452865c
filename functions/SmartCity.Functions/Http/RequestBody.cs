using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace SmartCity.Functions.Http;

/// <summary>Reads a request body into memory, refusing (413) as soon as it passes the limit.</summary>
public static class RequestBody
{
    public static async Task<ReadOnlyMemory<byte>> ReadLimitedAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength is { } declared && declared > limit)
        {
            throw HttpApiException.PayloadTooLarge(limit);
        }

        var capacity = (int)Math.Min(request.ContentLength ?? 64 * 1024, limit);
        var buffer = new ArrayBufferWriter<byte>(Math.Max(capacity, 1024));
        while (true)
        {
            var memory = buffer.GetMemory(16 * 1024);
            var read = await request.Body.ReadAsync(memory, cancellationToken);
            if (read == 0)
            {
                return buffer.WrittenMemory;
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > limit)
            {
                throw HttpApiException.PayloadTooLarge(limit);
            }
        }
    }
}
