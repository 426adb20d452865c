using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using SmartCity.Inference.Models;
using SmartCity.Inference.Runtime;

namespace SmartCity.Functions.Http.OpenInference;

/// <summary>
/// The Open Inference Protocol (KServe v2) over the engine: server and model metadata, health,
/// and <c>infer</c>. An input is either the model's own FP32 tensor, or (extension
/// <see cref="ImageBytesExtension"/>) a BYTES tensor of base64-encoded images that the server
/// preprocesses. An output asked for with <c>parameters.classification = k</c> is answered as
/// Triton's classification extension does: BYTES <c>"&lt;value&gt;:&lt;index&gt;:&lt;label&gt;"</c>, shape [N, k].
/// Errors are exceptions; <see cref="ProblemMapping"/> answers them as <c>{"error": "..."}</c>.
/// </summary>
public sealed class OpenInferenceHandler(InferenceEngine engine, IOptions<HttpApiOptions> options)
{
    public const string ServerName = "smartcity-serverless";

    /// <summary>Triton's classification extension (top-k as strings).</summary>
    public const string ClassificationExtension = "classification";

    /// <summary>Ours: a BYTES input whose elements are base64-encoded images (JPEG, PNG, WebP, BMP, GIF).</summary>
    public const string ImageBytesExtension = "image_bytes";

    /// <summary>
    /// Ours: <c>POST /api/v2/models/{model}/explain</c> takes an infer request with an
    /// <see cref="ImageBytesExtension"/> input and answers the primary output plus, per
    /// classification head, <c>{head}_saliency</c> (FP32 [N, rows, columns]) and
    /// <c>{head}_saliency_png</c> (BYTES [N], base64 PNG overlays); for a version with an example
    /// index, also <c>{head}_examples</c> (BYTES [N, k], <c>"&lt;similarity&gt;:&lt;label&gt;:&lt;id&gt;"</c>,
    /// most similar first), k from the request parameter <see cref="ExamplesParameter"/>.
    /// </summary>
    public const string ExplainExtension = "explain";

    /// <summary>The explain request's parameter: nearest training examples per head, 0 to 20, default 5.</summary>
    public const string ExamplesParameter = "examples";

    /// <summary>The platform name of an ONNX Runtime model, as the spec's "Platforms" list spells it.</summary>
    public const string Platform = "onnx_onnxv1";

    public const string Fp32 = "FP32";
    public const string Bytes = "BYTES";

    public static ServerMetadataResponse ServerMetadata() =>
        new(ServerName, typeof(OpenInferenceHandler).Assembly.GetName().Version?.ToString(3) ?? "0.0.0", [ClassificationExtension, ImageBytesExtension, ExplainExtension, BinaryTensorData.Extension]);

    public bool IsServerReady => engine.NotReadyReason is null;

    public ModelReadyResponse ModelReady(string model, string? version)
    {
        var target = engine.Repository.Get(model, version);
        return new ModelReadyResponse(target.Name, engine.IsLoaded(target));
    }

    public async Task<ModelMetadataResponse> ModelMetadataAsync(string model, string? version, CancellationToken cancellationToken)
    {
        var target = engine.Repository.Get(model, version);
        var signature = await engine.DescribeAsync(target, cancellationToken);
        return new ModelMetadataResponse(
            target.Name,
            [.. engine.Repository.Versions(target.Name).Select(v => v.Version)],
            Platform,
            [new MetadataTensor(signature.InputName, Fp32, signature.InputShape)],
            [.. signature.Outputs.Select(o => new MetadataTensor(o.Name, o.Datatype, o.Shape))],
            ModelCardParameters.Of(target));
    }

    public async Task<InferenceAnswer> InferAsync(HttpRequest request, string model, string? version, CancellationToken cancellationToken)
    {
        var target = engine.Repository.Get(model, version);
        var (inference, signature, input) = await ReadSingleInputAsync(request, target, cancellationToken);

        if (input.Shape is not { Length: > 0 } shape || shape.Any(d => d < 0))
        {
            throw Invalid($"Input '{input.Name}' needs a shape of non-negative dimensions.");
        }

        // Checked: [1152921504606846977,3,4,4] wraps around to 48 elements in 64-bit arithmetic.
        if (!TensorShape.TryGetElementCount(shape, out var elementCount))
        {
            throw Invalid($"Input '{input.Name}' has shape [{string.Join(",", shape)}], whose element count does not fit a 64-bit integer.");
        }

        // Each image or tensor item takes a place in the model's queue: the limit comes before any is decoded.
        if (shape[0] > options.Value.MaxImagesPerRequest)
        {
            throw HttpApiException.TooManyImages(options.Value.MaxImagesPerRequest, shape[0]);
        }

        // Read (and so checked) before anything runs.
        var isBinary = BinaryTensorData.OutputSelector(inference);
        if (target.Task == ModelTask.ObjectDetection)
        {
            return new InferenceAnswer(await DetectAsync(target, inference, input, shape, elementCount, signature, cancellationToken), isBinary);
        }

        // Outputs are checked before anything runs. Without a list, every output is answered (the spec's default):
        // a model with several heads answers each under its name (traffic-scene: congestion, lighting, embedding, vehicles).
        var served = signature.Outputs.Select(o => o.Name).ToList();
        var requested = (inference.Outputs is { Count: > 0 } outputs ? outputs : [.. served.Select(name => new RequestOutput { Name = name })])
            .Select(output => served.IndexOf(output.Name ?? string.Empty) is var head and >= 0
                ? (Name: served[head], Head: head, Classification: ReadClassificationCount(output))
                : throw Invalid(served.Count == 1
                    ? $"Model '{target.Name}' has output '{signature.OutputName}'; got '{output.Name}'."
                    : $"Model '{target.Name}' has outputs {string.Join(", ", served.Select(n => $"'{n}'"))}; got '{output.Name}'."))
            .ToList();

        var (heads, labels) = input.Datatype switch
        {
            Fp32 => (await engine.InferTensorHeadsAsync(target, ReadFloats(input, shape, elementCount), shape, cancellationToken), signature.Labels),
            Bytes => await InferImagesAsync(target, input, shape, cancellationToken),
            _ => throw Invalid($"Input '{input.Name}' must have datatype {Fp32} (the model's tensor, shape [{string.Join(",", signature.InputShape)}]) or {Bytes} (base64-encoded images); got '{input.Datatype}'."),
        };

        var answers = new List<ResponseOutput>(requested.Count);
        foreach (var (output, head, count) in requested)
        {
            float[][] rows = [.. heads.Select(item => item[head])];
            answers.Add(count is { } k ? Classify(output, rows, head == 0 ? labels : target.Heads[head].Labels, k) : Tensor(output, rows));
        }

        return new InferenceAnswer(new InferenceResponse(target.Name, target.Version, inference.Id, answers), isBinary);
    }

    /// <summary>The <see cref="ExplainExtension"/>: an occlusion explanation of each image of a BYTES input.</summary>
    public async Task<InferenceAnswer> ExplainAsync(HttpRequest request, string model, string? version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var target = engine.Repository.Get(model, version);
        var (inference, signature, input) = await ReadSingleInputAsync(request, target, cancellationToken);
        var isBinary = BinaryTensorData.OutputSelector(inference);

        if (input.Datatype != Bytes || input.Shape is not { Length: > 0 } shape || shape.Any(d => d < 0))
        {
            throw Invalid($"Explain takes a {Bytes} input of base64-encoded images (extension '{ImageBytesExtension}'), shape [N]; got datatype '{input.Datatype}'.");
        }

        var examples = ReadExamplesCount(inference);
        var images = ReadImages(input, shape);
        var explanations = await ImageExplanations.ExplainAsync(engine, target, images, options.Value.MaxExplainImages, 0, 0f, examples, cancellationToken);
        var outputs = new List<ResponseOutput> { Tensor(signature.OutputName, [.. explanations.Select(e => e.Prediction.Scores)]) };
        var first = explanations[0];
        for (var m = 0; m < first.Maps.Count; m++)
        {
            var head = first.Maps[m].Head;
            outputs.Add(new ResponseOutput($"{head}_saliency", Fp32, [explanations.Length, first.Rows, first.Columns], explanations.SelectMany(e => e.Maps[m].Scores).ToArray()));
            outputs.Add(new ResponseOutput($"{head}_saliency_png", Bytes, [explanations.Length], explanations.Select(e => Convert.ToBase64String(e.Maps[m].Png)).ToArray()));
            if (first.Maps[m].Examples is { } nearest)
            {
                outputs.Add(new ResponseOutput($"{head}_examples", Bytes, [explanations.Length, nearest.Count], explanations.SelectMany(e => e.Maps[m].Examples!.Select(x =>
                    $"{MathF.Round(x.Similarity, 4).ToString(CultureInfo.InvariantCulture)}:{x.Label}:{x.Id}")).ToArray()));
            }
        }

        return new InferenceAnswer(new InferenceResponse(target.Name, target.Version, inference.Id, outputs), isBinary);
    }

    /// <summary>
    /// The body of an infer or explain request, and its one input, which must be the model's. The
    /// body is JSON, or (<see cref="BinaryTensorData"/>) JSON followed by tensor bytes, its length in
    /// <c>Inference-Header-Content-Length</c>: sent as <c>application/octet-stream</c>, as
    /// <c>application/json</c>, or with no content type (as Triton's Python client sends it).
    /// </summary>
    private async Task<(InferenceRequest Inference, ModelSignature Signature, RequestInput Input)> ReadSingleInputAsync(HttpRequest request, ModelVersion target, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(request.ContentType)
            && !(MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
                && (type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.MediaType.Equals("application/octet-stream", StringComparison.OrdinalIgnoreCase))))
        {
            throw HttpApiException.UnsupportedMediaType(request.ContentType, $"application/json, or application/octet-stream with header {BinaryTensorData.HeaderLengthHeader} (binary tensor data)");
        }

        var header = request.Headers.TryGetValue(BinaryTensorData.HeaderLengthHeader, out var values) ? values.ToString() : null;
        var body = await RequestBody.ReadLimitedAsync(request, options.Value.MaxBodyBytes, cancellationToken);
        var (json, binary) = BinaryTensorData.Split(body, header);
        var signature = await engine.DescribeAsync(target, cancellationToken);
        InferenceRequest inference;
        if (header is not null && json.IsEmpty)
        {
            inference = BinaryTensorData.RawRequest(signature.InputName, signature.InputShape, binary);
        }
        else
        {
            inference = Parse(json);
            BinaryTensorData.AttachInputs(inference, binary, header is not null);
        }

        if (inference.Inputs is not [var input])
        {
            throw Invalid($"Model '{target.Name}' takes exactly one input, '{signature.InputName}'; got {inference.Inputs?.Count ?? 0}.");
        }

        if (input.Name != signature.InputName)
        {
            throw Invalid($"Model '{target.Name}' has input '{signature.InputName}'; got '{input.Name}'.");
        }

        return (inference, signature, input);
    }

    /// <summary>
    /// An object detector answers its three output tensors as the model returned them (concatenated
    /// over the batch) and <see cref="InferenceEngine.DetectionsOutputName"/>: the boxes after the
    /// score threshold and suppression, FP32 rows of (image index, class index, probability, left, top, width, height).
    /// </summary>
    private async Task<InferenceResponse> DetectAsync(ModelVersion target, InferenceRequest inference, RequestInput input, long[] shape, long elementCount, ModelSignature signature, CancellationToken cancellationToken)
    {
        var served = signature.Outputs.Select(o => o.Name).ToList();
        var requested = (inference.Outputs is { Count: > 0 } outputs ? outputs : [.. served.Select(name => new RequestOutput { Name = name })])
            .Select(output => output.Name is { } name && served.Contains(name)
                ? ReadClassificationCount(output) is null ? name : throw Invalid($"Output '{name}' of object detector '{target.Name}' has no 'classification' parameter.")
                : throw Invalid($"Model '{target.Name}' has outputs {string.Join(", ", served.Select(n => $"'{n}'"))}; got '{output.Name}'."))
            .ToList();

        var predictions = input.Datatype switch
        {
            Fp32 => await engine.DetectTensorAsync(target, ReadFloats(input, shape, elementCount), shape, 0f, cancellationToken),
            Bytes => await ImageBatch.PredictAsync(engine, target, ReadImages(input, shape), 0, 0f, cancellationToken),
            _ => throw Invalid($"Input '{input.Name}' must have datatype {Fp32} (the model's tensor, shape [{string.Join(",", signature.InputShape)}]) or {Bytes} (base64-encoded images); got '{input.Datatype}'."),
        };

        var answers = new List<ResponseOutput>(requested.Count);
        foreach (var name in requested)
        {
            answers.Add(name == InferenceEngine.DetectionsOutputName ? Detections(name, predictions) : Concatenate(name, predictions));
        }

        return new InferenceResponse(target.Name, target.Version, inference.Id, answers);
    }

    private static ResponseOutput Detections(string name, Prediction[] predictions)
    {
        var rows = new List<float>();
        for (var i = 0; i < predictions.Length; i++)
        {
            foreach (var d in predictions[i].Detections)
            {
                rows.AddRange([i, d.ClassIndex, d.Probability, d.Box.Left, d.Box.Top, d.Box.Width, d.Box.Height]);
            }
        }

        return new ResponseOutput(name, Fp32, [rows.Count / InferenceEngine.DetectionRowLength, InferenceEngine.DetectionRowLength], rows.ToArray());
    }

    /// <summary>One raw output over the batch: each image's tensor joined along the first axis (their other dimensions must agree).</summary>
    private static ResponseOutput Concatenate(string name, Prediction[] predictions)
    {
        var parts = predictions.Select(p => p.RawOutputs.First(r => r.Name == name)).ToList();
        var first = parts[0];
        if (parts.Any(p => p.Shape.Length != first.Shape.Length || !p.Shape.AsSpan(1).SequenceEqual(first.Shape.AsSpan(1))))
        {
            throw Invalid($"Output '{name}' has a different shape for each image of the batch; ask for '{InferenceEngine.DetectionsOutputName}', or send one image per request.");
        }

        long[] shape = [parts.Sum(p => first.Shape.Length == 0 ? 1 : p.Shape[0]), .. first.Shape.Skip(1)];
        object data = first.Data switch
        {
            float[] => parts.SelectMany(p => (float[])p.Data).ToArray(),
            long[] => parts.SelectMany(p => (long[])p.Data).ToArray(),
            int[] => parts.SelectMany(p => (int[])p.Data).ToArray(),
            _ => throw new InvalidOperationException($"Output '{name}' has an unsupported element type."),
        };
        return new ResponseOutput(name, first.Datatype, shape, data);
    }

    private static InferenceRequest Parse(ReadOnlyMemory<byte> body)
    {
        try
        {
            return JsonSerializer.Deserialize(body.Span, OpenInferenceJsonContext.Default.InferenceRequest)
                ?? throw HttpApiException.BadRequest("malformed-json", "The body must be an inference request object.");
        }
        catch (JsonException ex)
        {
            throw HttpApiException.BadRequest("malformed-json", $"The JSON body is malformed at {ex.Path ?? "$"} (line {ex.LineNumber + 1}).");
        }
    }

    /// <summary>Per image, every head's values (primary first), and the primary head's labels.</summary>
    private async Task<(float[][][] Heads, IReadOnlyList<string> Labels)> InferImagesAsync(ModelVersion model, RequestInput input, long[] shape, CancellationToken cancellationToken)
    {
        var images = ReadImages(input, shape);
        var predictions = await ImageBatch.PredictAsync(engine, model, images, 0, 0f, cancellationToken);
        return ([.. predictions.Select(p => p.Heads.Count <= 1 ? [p.Scores] : p.Heads.Select(h => h.Scores).ToArray())], predictions[0].Labels);
    }

    /// <summary>The images of a BYTES input: base64 strings (or, as binary data, the raw bytes of each), shape [N] or [N,1].</summary>
    private static RequestImage[] ReadImages(RequestInput input, long[] shape)
    {
        if (shape is not ([> 0]) and not ([> 0, 1]))
        {
            throw Invalid($"A {Bytes} input of images has shape [N] or [N,1]; got [{string.Join(",", shape)}].");
        }

        if (input.BinaryData is { } binary)
        {
            // Binary BYTES elements are the images themselves: no base64.
            return [.. BinaryTensorData.ReadElements(input, binary, shape[0]).Select(bytes => new RequestImage(null, bytes))];
        }

        var elements = new List<JsonElement>();
        Flatten(input.Data, elements);
        if (elements.Count != shape[0])
        {
            throw Invalid($"Input '{input.Name}' has shape [{string.Join(",", shape)}], which needs {shape[0]} elements; got {elements.Count}.");
        }

        var images = new RequestImage[elements.Count];
        for (var i = 0; i < elements.Count; i++)
        {
            var text = elements[i].ValueKind == JsonValueKind.String ? elements[i].GetString() : null;
            var bytes = new byte[(text?.Length ?? 0) * 3 / 4];
            if (string.IsNullOrEmpty(text) || !Convert.TryFromBase64String(text, bytes, out var written))
            {
                throw HttpApiException.BadRequest("bad-base64", $"Image {i} (element {i} of input '{input.Name}') is not a base64 string.");
            }

            images[i] = new RequestImage(null, bytes.AsMemory(0, written));
        }

        return images;
    }

    private static float[] ReadFloats(RequestInput input, long[] shape, long expected)
    {
        if (input.BinaryData is { } binary)
        {
            return BinaryTensorData.ReadFloats(input, binary.Span, shape, expected);
        }

        var elements = new List<JsonElement>();
        Flatten(input.Data, elements);
        if (elements.Count != expected)
        {
            throw Invalid($"Input '{input.Name}' has shape [{string.Join(",", shape)}], which needs {expected} values; got {elements.Count}.");
        }

        var values = new float[elements.Count];
        for (var i = 0; i < values.Length; i++)
        {
            // TryGetSingle reads 1e39 as infinity: a value no model can use and no answer can carry.
            if (elements[i].ValueKind != JsonValueKind.Number || !elements[i].TryGetSingle(out values[i]) || !float.IsFinite(values[i]))
            {
                throw Invalid($"Input '{input.Name}' is {Fp32}, but value {i} is not a finite 32-bit number.");
            }
        }

        return values;
    }

    /// <summary>Tensor data may be flat or nested (row-major); both become one flat list.</summary>
    private static void Flatten(JsonElement data, List<JsonElement> into)
    {
        if (data.ValueKind != JsonValueKind.Array)
        {
            throw Invalid("An input's data must be a JSON array (flat or nested).");
        }

        foreach (var element in data.EnumerateArray())
        {
            if (element.ValueKind == JsonValueKind.Array)
            {
                Flatten(element, into);
            }
            else
            {
                into.Add(element);
            }
        }
    }

    private static int? ReadClassificationCount(RequestOutput output)
    {
        if (output.Parameters is null || !output.Parameters.TryGetValue(ClassificationExtension, out var value))
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var count) && count >= 1
            ? count
            : throw Invalid($"Output '{output.Name}': parameter 'classification' must be a whole number of at least 1.");
    }

    /// <summary>The explain request's <see cref="ExamplesParameter"/>: 0 to <see cref="InferenceEngine.MaxNearestExamples"/>, default <see cref="InferenceEngine.DefaultNearestExamples"/>.</summary>
    private static int ReadExamplesCount(InferenceRequest inference)
    {
        if (inference.Parameters is null || !inference.Parameters.TryGetValue(ExamplesParameter, out var value))
        {
            return InferenceEngine.DefaultNearestExamples;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var count) && count is >= 0 and <= InferenceEngine.MaxNearestExamples
            ? count
            : throw Invalid($"Parameter '{ExamplesParameter}' must be a whole number from 0 to {InferenceEngine.MaxNearestExamples}; got {value.GetRawText()}.");
    }

    private static ResponseOutput Tensor(string name, float[][] rows)
    {
        var width = rows.Length == 0 ? 0 : rows[0].Length;
        var data = new float[rows.Length * width];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i].CopyTo(data, i * width);
        }

        return new ResponseOutput(name, Fp32, [rows.Length, width], data);
    }

    /// <summary>
    /// Triton's classification extension: per item, the <paramref name="count"/> highest values as
    /// <c>"value:index[:label]"</c>, highest first (ties: lower index first); shape [N, count].
    /// A count above the number of classes is cut to it.
    /// </summary>
    public static ResponseOutput Classify(string name, float[][] rows, IReadOnlyList<string> labels, int count)
    {
        var width = rows.Length == 0 ? 0 : rows[0].Length;
        var k = Math.Min(count, width);
        var data = new string[rows.Length * k];
        for (var i = 0; i < rows.Length; i++)
        {
            var row = rows[i];
            var order = Enumerable.Range(0, row.Length).OrderByDescending(j => row[j]).ThenBy(j => j).Take(k).ToArray();
            for (var j = 0; j < k; j++)
            {
                var index = order[j];
                var value = row[index].ToString(CultureInfo.InvariantCulture);
                data[(i * k) + j] = index < labels.Count
                    ? $"{value}:{index.ToString(CultureInfo.InvariantCulture)}:{labels[index]}"
                    : $"{value}:{index.ToString(CultureInfo.InvariantCulture)}";
            }
        }

        return new ResponseOutput(name, Bytes, [rows.Length, k], data);
    }

    private static HttpApiException Invalid(string detail) => HttpApiException.BadRequest("invalid-inference-request", detail);
}
