using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;

namespace SmartCity.Functions.Http.OpenInference;

/// <summary>
/// Writes an <see cref="InferenceAnswer"/>: plain JSON when no output is binary; otherwise, as
/// Triton does, <c>application/octet-stream</c> with the JSON response (each binary output without
/// <c>data</c> and with <c>parameters.binary_data_size</c>) followed by the outputs' bytes in the
/// order of the outputs, and <c>Inference-Header-Content-Length</c> giving the JSON's length.
/// Like <see cref="JsonBodyResult{T}"/>, needs no MVC services.
/// </summary>
public sealed class InferenceResponseResult(InferenceAnswer answer) : IActionResult
{
    public InferenceAnswer Answer { get; } = answer;

    public async Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (header, tensors) = Frame(Answer);
        var json = JsonSerializer.SerializeToUtf8Bytes(header, OpenInferenceJsonContext.Default.InferenceResponse);
        var response = context.HttpContext.Response;
        response.StatusCode = 200;
        var cancellationToken = context.HttpContext.RequestAborted;
        if (tensors.Count == 0)
        {
            response.ContentType = "application/json; charset=utf-8";
            response.ContentLength = json.Length;
            await response.Body.WriteAsync(json, cancellationToken);
            return;
        }

        response.ContentType = "application/octet-stream";
        response.Headers[BinaryTensorData.HeaderLengthHeader] = json.Length.ToString(CultureInfo.InvariantCulture);
        response.ContentLength = json.Length + tensors.Sum(t => (long)t.Length);
        await response.Body.WriteAsync(json, cancellationToken);
        foreach (var tensor in tensors)
        {
            await response.Body.WriteAsync(tensor, cancellationToken);
        }
    }

    /// <summary>The JSON part of the answer and the bytes of its binary outputs, in order.</summary>
    public static (InferenceResponse Header, IReadOnlyList<byte[]> Tensors) Frame(InferenceAnswer answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        var tensors = new List<byte[]>();
        var outputs = new List<ResponseOutput>(answer.Response.Outputs.Count);
        foreach (var output in answer.Response.Outputs)
        {
            if (!answer.IsBinary(output.Name))
            {
                outputs.Add(output);
                continue;
            }

            var bytes = BinaryTensorData.Encode(output);
            tensors.Add(bytes);
            outputs.Add(output with { Data = null, Parameters = new ResponseOutputParameters(bytes.Length) });
        }

        return (answer.Response with { Outputs = outputs }, tensors);
    }
}
