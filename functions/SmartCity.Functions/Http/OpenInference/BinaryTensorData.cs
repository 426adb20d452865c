using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SmartCity.Functions.Http.OpenInference;

/// <summary>
/// Triton's binary tensor data extension (server docs/protocol/extension_binary_data.md): the
/// body is the JSON inference request followed by the tensors' bytes, in the order of the inputs
/// that carry <c>parameters.binary_data_size</c>; the <c>Inference-Header-Content-Length</c>
/// header gives the JSON's length. Tensor bytes are little-endian, row-major, without padding; a
/// BYTES element is a 4-byte little-endian length followed by that many bytes. Outputs asked for
/// with <c>parameters.binary_data: true</c> (or all of them, with the request's
/// <c>parameters.binary_data_output: true</c>) are answered the same way.
/// Every way a caller can get the framing wrong is an <see cref="HttpApiException"/> (400).
/// </summary>
public static class BinaryTensorData
{
    /// <summary>The name Triton reports in the server metadata's <c>extensions</c>.</summary>
    public const string Extension = "binary_tensor_data";

    public const string HeaderLengthHeader = "Inference-Header-Content-Length";

    /// <summary><c>$request_input</c> and <c>$response_output</c>: the tensor's size in bytes.</summary>
    public const string BinaryDataSize = "binary_data_size";

    /// <summary><c>$request_output</c>: answer this output as binary data.</summary>
    public const string BinaryData = "binary_data";

    /// <summary><c>$inference_request</c>: answer every output as binary data unless it says otherwise.</summary>
    public const string BinaryDataOutput = "binary_data_output";

    /// <summary>
    /// The JSON part of a body and the bytes after it. Without the header the whole body is JSON
    /// (as Triton reads it); with it, its value must be a whole number from 0 to the body's length.
    /// 0 is Triton's raw binary request: no JSON at all, the body is the one input's bytes
    /// (see <see cref="RawRequest"/>).
    /// </summary>
    public static (ReadOnlyMemory<byte> Json, ReadOnlyMemory<byte> Binary) Split(ReadOnlyMemory<byte> body, string? headerValue)
    {
        if (headerValue is null)
        {
            return (body, ReadOnlyMemory<byte>.Empty);
        }

        if (!long.TryParse(headerValue, NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            throw Invalid($"Header {HeaderLengthHeader} must be a whole number of bytes; got '{headerValue}'.");
        }

        if (length > body.Length)
        {
            throw Invalid($"Header {HeaderLengthHeader} says the JSON is {length} bytes, but the body has only {body.Length}.");
        }

        return (body[..(int)length], body[(int)length..]);
    }

    /// <summary>
    /// Triton's raw binary request (<c>Inference-Header-Content-Length: 0</c>): the body is the
    /// model's one FP32 input for one item, so its shape is the model's with a batch of 1 (every
    /// other dimension must be fixed), and every output is answered as binary data.
    /// </summary>
    public static InferenceRequest RawRequest(string inputName, long[] modelShape, ReadOnlyMemory<byte> body)
    {
        ArgumentNullException.ThrowIfNull(modelShape);
        if (modelShape.Length == 0 || modelShape.Skip(1).Any(d => d < 0))
        {
            throw Invalid($"A raw binary request ({HeaderLengthHeader}: 0) needs an input whose dimensions after the batch are fixed; input '{inputName}' has [{string.Join(",", modelShape)}]. Send a JSON header with the shape.");
        }

        using var binaryOutput = JsonDocument.Parse("true");
        return new InferenceRequest
        {
            Inputs = [new RequestInput { Name = inputName, Datatype = "FP32", Shape = [1, .. modelShape.Skip(1)], BinaryData = body }],
            Parameters = new Dictionary<string, JsonElement>(StringComparer.Ordinal) { [BinaryDataOutput] = binaryOutput.RootElement.Clone() },
        };
    }

    /// <summary>
    /// Gives each input with <c>binary_data_size</c> its slice of <paramref name="binary"/>, in
    /// order; the sizes must add up to exactly the bytes there are, and an input has either
    /// <c>data</c> or <c>binary_data_size</c>, never both.
    /// </summary>
    public static void AttachInputs(InferenceRequest request, ReadOnlyMemory<byte> binary, bool headerGiven)
    {
        ArgumentNullException.ThrowIfNull(request);
        var offset = 0L;
        foreach (var input in request.Inputs ?? [])
        {
            if (input is null)
            {
                throw Invalid("An input must be an object.");
            }

            var hasData = input.Data.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null);
            if (input.Parameters is null || !input.Parameters.TryGetValue(BinaryDataSize, out var sizeValue))
            {
                if (!hasData)
                {
                    throw Invalid($"Input '{input.Name}' has neither 'data' nor parameter '{BinaryDataSize}'.");
                }

                continue;
            }

            if (hasData)
            {
                throw Invalid($"Input '{input.Name}' has both 'data' and parameter '{BinaryDataSize}'; send one of them.");
            }

            if (sizeValue.ValueKind != JsonValueKind.Number || !sizeValue.TryGetInt64(out var size) || size < 0)
            {
                throw Invalid($"Input '{input.Name}': parameter '{BinaryDataSize}' must be a whole number of bytes, at least 0.");
            }

            if (!headerGiven)
            {
                throw Invalid($"Input '{input.Name}' has parameter '{BinaryDataSize}', but the request has no {HeaderLengthHeader} header to say where its JSON ends.");
            }

            if (size > binary.Length - offset)
            {
                throw Invalid($"Input '{input.Name}' has '{BinaryDataSize}' {size}, which runs past the end of the body: {binary.Length} bytes follow the JSON and {offset} of them belong to earlier inputs.");
            }

            input.BinaryData = binary.Slice((int)offset, (int)size);
            offset += size;
        }

        if (offset != binary.Length)
        {
            throw Invalid($"{binary.Length} bytes follow the JSON, but the inputs' '{BinaryDataSize}' add up to {offset}.");
        }
    }

    /// <summary>An FP32 tensor's values from its bytes; the size must be 4 bytes per element of the shape, and every value finite.</summary>
    public static float[] ReadFloats(RequestInput input, ReadOnlySpan<byte> bytes, long[] shape, long expected)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (expected > int.MaxValue / sizeof(float) || bytes.Length != expected * sizeof(float))
        {
            throw Invalid($"Input '{input.Name}' has shape [{string.Join(",", shape)}], which needs {expected} FP32 values ({expected * sizeof(float)} bytes); '{BinaryDataSize}' is {bytes.Length}.");
        }

        var values = new float[expected];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(i * sizeof(float), sizeof(float)));
            if (!float.IsFinite(values[i]))
            {
                throw Invalid($"Input '{input.Name}' is FP32, but value {i} is not a finite 32-bit number.");
            }
        }

        return values;
    }

    /// <summary>The elements of a BYTES tensor: each a 4-byte little-endian length and that many bytes, <paramref name="expected"/> of them filling the bytes exactly.</summary>
    public static ReadOnlyMemory<byte>[] ReadElements(RequestInput input, ReadOnlyMemory<byte> bytes, long expected)
    {
        ArgumentNullException.ThrowIfNull(input);
        var elements = new List<ReadOnlyMemory<byte>>();
        var offset = 0;
        while (offset < bytes.Length)
        {
            if (elements.Count == expected)
            {
                throw Invalid($"Input '{input.Name}' has {expected} BYTES elements by its shape, but {bytes.Length - offset} bytes are left after them.");
            }

            if (bytes.Length - offset < sizeof(uint))
            {
                throw Invalid($"Input '{input.Name}': element {elements.Count} has {bytes.Length - offset} bytes left, too few for its 4-byte length.");
            }

            var length = BinaryPrimitives.ReadUInt32LittleEndian(bytes.Span.Slice(offset, sizeof(uint)));
            offset += sizeof(uint);
            if (length > (uint)(bytes.Length - offset))
            {
                throw Invalid($"Input '{input.Name}': element {elements.Count} says it has {length} bytes, which runs past the end of the input's {bytes.Length} bytes ({bytes.Length - offset} left).");
            }

            elements.Add(bytes.Slice(offset, (int)length));
            offset += (int)length;
        }

        if (elements.Count != expected)
        {
            throw Invalid($"Input '{input.Name}' needs {expected} BYTES elements by its shape; its binary data holds {elements.Count}.");
        }

        return [.. elements];
    }

    /// <summary>
    /// Whether each output is answered as binary data: its own <c>binary_data</c> when the request
    /// names it with that parameter, else the request's <c>binary_data_output</c>, else JSON.
    /// </summary>
    public static Func<string, bool> OutputSelector(InferenceRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var byDefault = request.Parameters is not null && request.Parameters.TryGetValue(BinaryDataOutput, out var all)
            && ReadBool(all, $"Request parameter '{BinaryDataOutput}'");
        var named = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var output in request.Outputs ?? [])
        {
            if (output?.Name is { } name && output.Parameters is not null && output.Parameters.TryGetValue(BinaryData, out var value))
            {
                named[name] = ReadBool(value, $"Output '{name}': parameter '{BinaryData}'");
            }
        }

        return name => named.TryGetValue(name, out var binary) ? binary : byDefault;
    }

    /// <summary>An output's data as the extension sends it.</summary>
    public static byte[] Encode(ResponseOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        switch (output.Data)
        {
            case float[] floats:
                var fp32 = new byte[floats.Length * sizeof(float)];
                for (var i = 0; i < floats.Length; i++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(fp32.AsSpan(i * sizeof(float)), floats[i]);
                }

                return fp32;
            case long[] longs:
                var int64 = new byte[longs.Length * sizeof(long)];
                for (var i = 0; i < longs.Length; i++)
                {
                    BinaryPrimitives.WriteInt64LittleEndian(int64.AsSpan(i * sizeof(long)), longs[i]);
                }

                return int64;
            case int[] ints:
                var int32 = new byte[ints.Length * sizeof(int)];
                for (var i = 0; i < ints.Length; i++)
                {
                    BinaryPrimitives.WriteInt32LittleEndian(int32.AsSpan(i * sizeof(int)), ints[i]);
                }

                return int32;
            case string[] strings:
                using (var stream = new MemoryStream())
                {
                    Span<byte> prefix = stackalloc byte[sizeof(uint)];
                    foreach (var text in strings)
                    {
                        var utf8 = Encoding.UTF8.GetBytes(text);
                        BinaryPrimitives.WriteUInt32LittleEndian(prefix, (uint)utf8.Length);
                        stream.Write(prefix);
                        stream.Write(utf8);
                    }

                    return stream.ToArray();
                }

            default:
                throw new InvalidOperationException($"Output '{output.Name}' has data of type {output.Data?.GetType().Name ?? "null"}, which has no binary form here.");
        }
    }

    private static bool ReadBool(JsonElement value, string what) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw Invalid($"{what} must be true or false."),
    };

    private static HttpApiException Invalid(string detail) => HttpApiException.BadRequest("invalid-inference-request", detail);
}
