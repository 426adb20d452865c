using System.Text.Json;
using System.Text.Json.Serialization;

namespace SmartCity.Functions.Http.OpenInference;

/// <summary><c>$request_input</c>: <c>data</c> is flat or nested, row-major; or, with <see cref="BinaryTensorData"/>, the bytes after the JSON.</summary>
public sealed class RequestInput
{
    public string? Name { get; set; }

    public long[]? Shape { get; set; }

    public string? Datatype { get; set; }

    public Dictionary<string, JsonElement>? Parameters { get; set; }

    public JsonElement Data { get; set; }

    /// <summary>The tensor's bytes when the input has <c>parameters.binary_data_size</c> (set by <see cref="BinaryTensorData.AttachInputs"/>, never read from JSON).</summary>
    [JsonIgnore]
    public ReadOnlyMemory<byte>? BinaryData { get; set; }
}
