using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging.Abstractions;
using SkiaSharp;
using SmartCity.Functions.Http;
using SmartCity.Functions.Http.OpenInference;
using SmartCity.Inference.Runtime;

namespace SmartCity.Functions.Tests.OpenInference;

/// <summary>
/// Triton's binary tensor data extension (triton-inference-server/server,
/// docs/protocol/extension_binary_data.md) on the infer and explain routes: requests framed as its
/// examples and as the Python client (tritonclient.http) frames them, answers read back the way that
/// client reads them (JSON of <c>Inference-Header-Content-Length</c> bytes, then each output's
/// <c>binary_data_size</c> bytes in order), and every framing mistake a 400 <c>{"error": ...}</c>.
/// </summary>
public sealed class BinaryTensorDataTests : IAsyncLifetime
{
    private const string Detector = "custom-vision-detector";
    private InferenceEngine _engine = null!;
    private OpenInferenceFunctions _functions = null!;

    public Task InitializeAsync()
    {
        _engine = TestSupport.FixtureEngine();
        _functions = new OpenInferenceFunctions(new OpenInferenceHandler(_engine, TestSupport.HttpOptions()));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    /// <summary>Two 3x4x4 items: a red plane of ones, then a blue plane of ones.</summary>
    private static float[] RedThenBlue()
    {
        var data = new float[2 * 3 * 4 * 4];
        Array.Fill(data, 1f, 0, 16);
        Array.Fill(data, 1f, 48 + 32, 16);
        return data;
    }

    private static byte[] LittleEndian(float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        }

        return bytes;
    }

    /// <summary>A BYTES tensor as the extension (and tritonclient's serialize_byte_tensor) lays it out: per element a 4-byte little-endian length, then the bytes.</summary>
    private static byte[] LengthPrefixed(params byte[][] elements)
    {
        var stream = new MemoryStream();
        foreach (var element in elements)
        {
            var prefix = new byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(prefix, (uint)element.Length);
            stream.Write(prefix);
            stream.Write(element);
        }

        return stream.ToArray();
    }

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];

    /// <summary>The JSON header followed by the tensors' bytes, and the header length to send.</summary>
    private static (byte[] Body, int HeaderLength) Frame(string json, params byte[][] tensors)
    {
        var header = Encoding.UTF8.GetBytes(json);
        return (Concat([header, .. tensors]), header.Length);
    }

    internal sealed record RawResponse(int Status, string? ContentType, byte[] Body, IHeaderDictionary Headers)
    {
        public JsonElement Json => JsonDocument.Parse(Body).RootElement;

        /// <summary>The JSON part, as tritonclient's InferResult reads it: all of the body without the header, else its first Inference-Header-Content-Length bytes.</summary>
        public JsonElement Header => JsonDocument.Parse(Body.AsMemory(0, HeaderLength)).RootElement;

        public int HeaderLength => Headers.TryGetValue(BinaryTensorData.HeaderLengthHeader, out var value) ? int.Parse(value.ToString(), CultureInfo.InvariantCulture) : Body.Length;

        /// <summary>Each binary output's bytes, sliced in the order of the outputs by their <c>binary_data_size</c>.</summary>
        public Dictionary<string, byte[]> BinaryOutputs()
        {
            var result = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            var offset = HeaderLength;
            foreach (var output in Header.GetProperty("outputs").EnumerateArray())
            {
                if (output.TryGetProperty("parameters", out var parameters) && parameters.TryGetProperty("binary_data_size", out var size))
                {
                    result[output.GetProperty("name").GetString()!] = Body[offset..(offset + size.GetInt32())];
                    offset += size.GetInt32();
                }
            }

            Assert.Equal(Body.Length, offset);
            return result;
        }

        public string Error => Json.GetProperty("error").GetString()!;
    }

    private Task<RawResponse> Infer(byte[] body, string? contentType, string? headerLength, string model = "channel-logits", OpenInferenceFunctions? functions = null) =>
        Send($"/api/v2/models/{model}/infer", body, contentType, headerLength, request => (functions ?? _functions).V2Infer(request, model));

    private static async Task<RawResponse> Send(string path, byte[] body, string? contentType, string? headerLength, Func<HttpRequest, Task<IActionResult>> function)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Path = path;
        context.Request.Body = new MemoryStream(body);
        context.Request.ContentLength = body.Length;
        context.Request.ContentType = contentType;
        if (headerLength is not null)
        {
            context.Request.Headers[BinaryTensorData.HeaderLengthHeader] = headerLength;
        }

        var response = new MemoryStream();
        context.Response.Body = response;
        IActionResult result;
        try
        {
            result = await function(context.Request);
        }
        catch (Exception exception)
        {
            result = ProblemDetailsMiddleware.Map(exception, context.Request, NullLogger.Instance);
        }

        await result.ExecuteResultAsync(new ActionContext(context, new RouteData(), new ActionDescriptor()));
        var bytes = response.ToArray();
        if (context.Response.ContentLength is { } length)
        {
            Assert.Equal(bytes.Length, length);
        }

        return new RawResponse(context.Response.StatusCode, context.Response.ContentType, bytes, context.Response.Headers);
    }

    private static float[] Floats(byte[] bytes) =>
        [.. Enumerable.Range(0, bytes.Length / 4).Select(i => BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4)))];

    private static string[] Strings(byte[] bytes)
    {
        var strings = new List<string>();
        for (var offset = 0; offset < bytes.Length;)
        {
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset));
            strings.Add(Encoding.UTF8.GetString(bytes, offset + 4, length));
            offset += 4 + length;
        }

        return [.. strings];
    }

    [Fact]
    public async Task Server_metadata_lists_the_extension_as_Triton_names_it()
    {
        var context = HttpTestHost.Request("GET", "/api/v2");
        var response = await HttpTestHost.InvokeAsync(context, () => _functions.V2ServerMetadata(context.Request));
        Assert.Contains("binary_tensor_data", response.Json.GetProperty("extensions").EnumerateArray().Select(e => e.GetString()));
    }

    /// <summary>
    /// The request of extension_binary_data.md, byte for byte (its JSON as printed, then 16 bytes of
    /// UINT32 [2,2] and 3 bytes of BOOL [3]). The fixture model has one FP32 input, so the answer is a
    /// 400 about the inputs: the framing itself (19 bytes, both sizes) was read as the example means it.
    /// </summary>
    [Fact]
    public async Task Tritons_published_example_request_is_framed_as_it_documents()
    {
        const string json = """
            {
              "model_name" : "mymodel",
              "inputs" : [
                {
                  "name" : "input0",
                  "shape" : [ 2, 2 ],
                  "datatype" : "UINT32",
                  "parameters" : {
                    "binary_data_size" : 16
                  }
                },
                {
                  "name" : "input1",
                  "shape" : [ 3 ],
                  "datatype" : "BOOL",
                  "parameters" : {
                    "binary_data_size" : 3
                  }
                }
              ],
              "outputs" : [
                {
                  "name" : "output0",
                  "parameters" : {
                    "binary_data" : true
                  }
                }
              ]
            }
            """;
        byte[] input0 = [1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0];
        byte[] input1 = [1, 0, 1];
        var (body, headerLength) = Frame(json, input0, input1);
        Assert.Equal(headerLength + 19, body.Length);

        var response = await Infer(body, "application/octet-stream", headerLength.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(400, response.Status);
        Assert.Equal("Model 'channel-logits' takes exactly one input, 'pixels'; got 2.", response.Error);

        // One byte fewer than the sizes say: now the framing is what is wrong.
        var (shortBody, _) = Frame(json, input0, input1[..2]);
        var shortResponse = await Infer(shortBody, "application/octet-stream", headerLength.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(400, shortResponse.Status);
        Assert.Contains("'input1' has 'binary_data_size' 3, which runs past the end of the body", shortResponse.Error, StringComparison.Ordinal);
    }

    /// <summary>
    /// The example's answer, for the fixture: FP32 [2,3,4,4] in as binary, "probabilities" asked with
    /// binary_data, answered as application/octet-stream with the JSON's length in the header, its
    /// output carrying binary_data_size 24 (a [2,3] FP32 tensor, as the example's [3,2]) and no data, and
    /// Content-Length the JSON plus 24.
    /// </summary>
    [Fact]
    public async Task An_FP32_tensor_in_binary_is_answered_in_binary_like_the_documented_response()
    {
        var tensor = LittleEndian(RedThenBlue());
        var json = """
            {
              "id" : "42",
              "inputs" : [ { "name" : "pixels", "shape" : [ 2, 3, 4, 4 ], "datatype" : "FP32", "parameters" : { "binary_data_size" : 384 } } ],
              "outputs" : [ { "name" : "probabilities", "parameters" : { "binary_data" : true } } ]
            }
            """;
        var (body, headerLength) = Frame(json, tensor);
        var response = await Infer(body, "application/octet-stream", headerLength.ToString(CultureInfo.InvariantCulture));

        Assert.Equal(200, response.Status);
        Assert.Equal("application/octet-stream", response.ContentType);
        Assert.Equal(response.HeaderLength + 24, response.Body.Length);
        var output = Assert.Single(response.Header.GetProperty("outputs").EnumerateArray());
        Assert.Equal("probabilities", output.GetProperty("name").GetString());
        Assert.Equal("FP32", output.GetProperty("datatype").GetString());
        Assert.Equal([2L, 3], output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        Assert.Equal(24, output.GetProperty("parameters").GetProperty("binary_data_size").GetInt32());
        Assert.False(output.TryGetProperty("data", out _));
        Assert.Equal("42", response.Header.GetProperty("id").GetString());

        // The same tensor as JSON gives the same numbers.
        var viaJson = await Infer(
            Encoding.UTF8.GetBytes($$"""{"inputs":[{"name":"pixels","shape":[2,3,4,4],"datatype":"FP32","data":{{JsonSerializer.Serialize(RedThenBlue())}}}]}"""),
            "application/json",
            null);
        Assert.Equal("application/json; charset=utf-8", viaJson.ContentType);
        Assert.False(viaJson.Headers.ContainsKey(BinaryTensorData.HeaderLengthHeader));
        var expected = viaJson.Json.GetProperty("outputs")[0].GetProperty("data").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        Assert.Equal(expected, Floats(response.BinaryOutputs()["probabilities"]));
    }

    /// <summary>tritonclient.http: compact JSON, no Content-Type, no outputs named so binary_data_output true.</summary>
    [Fact]
    public async Task A_request_framed_as_the_Python_client_frames_it_gets_every_output_in_binary()
    {
        var tensor = LittleEndian(RedThenBlue()[..48]);
        var json = """{"inputs": [{"name": "pixels", "shape": [1, 3, 4, 4], "datatype": "FP32", "parameters": {"binary_data_size": 192}}], "parameters": {"binary_data_output": true}}""";
        var (body, headerLength) = Frame(json, tensor);
        var response = await Infer(body, null, headerLength.ToString(CultureInfo.InvariantCulture));

        Assert.Equal(200, response.Status);
        var values = Floats(response.BinaryOutputs()["probabilities"]);
        Assert.Equal(3, values.Length);
        Assert.Equal(TestSupport.RedProbability, values[0], 5);
    }

    [Fact]
    public async Task An_FP32_tensor_to_a_model_with_several_heads_answers_each_head_as_an_output()
    {
        await using var engine = TestSupport.BundledEngine();
        var functions = new OpenInferenceFunctions(new OpenInferenceHandler(engine, TestSupport.HttpOptions()));
        var signature = await engine.DescribeAsync(engine.Repository.Get("traffic-scene"));
        long[] shape = [1, .. signature.InputShape[1..]];
        var values = new float[shape.Aggregate(1L, (a, d) => a * d)];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = ((i % 97) / 48f) - 1f;
        }

        var pixels = LittleEndian(values);
        var json = $$$"""{"inputs":[{"name":"{{{signature.InputName}}}","shape":[{{{string.Join(",", shape)}}}],"datatype":"FP32","parameters":{"binary_data_size":{{{pixels.Length}}}}}],"outputs":[{"name":"congestion"},{"name":"vehicles"},{"name":"lighting"}]}""";
        var (body, headerLength) = Frame(json, pixels);
        var response = await Infer(body, "application/octet-stream", headerLength.ToString(CultureInfo.InvariantCulture), "traffic-scene", functions);

        Assert.Equal(200, response.Status);
        var outputs = response.Json.GetProperty("outputs").EnumerateArray().ToList();
        Assert.Equal(["congestion", "vehicles", "lighting"], outputs.Select(o => o.GetProperty("name").GetString()));
        var vehicles = Assert.Single(outputs[1].GetProperty("data").EnumerateArray()).GetSingle();
        Assert.InRange(vehicles, 0f, 1f);
        Assert.Equal(1f, outputs[0].GetProperty("data").EnumerateArray().Sum(v => v.GetSingle()), 4);
        Assert.Equal(1f, outputs[2].GetProperty("data").EnumerateArray().Sum(v => v.GetSingle()), 4);
        var primary = await engine.InferTensorAsync(engine.Repository.Get("traffic-scene"), values, shape);
        Assert.Equal(primary[0], outputs[0].GetProperty("data").EnumerateArray().Select(v => v.GetSingle()).ToArray());
    }

    [Fact]
    public async Task A_binary_data_false_on_an_output_overrides_binary_data_output()
    {
        var json = """{"inputs":[{"name":"pixels","shape":[1,3,4,4],"datatype":"FP32","parameters":{"binary_data_size":192}}],"outputs":[{"name":"probabilities","parameters":{"binary_data":false}}],"parameters":{"binary_data_output":true}}""";
        var (body, headerLength) = Frame(json, LittleEndian(RedThenBlue()[..48]));
        var response = await Infer(body, "application/octet-stream", headerLength.ToString(CultureInfo.InvariantCulture));

        Assert.Equal(200, response.Status);
        Assert.StartsWith("application/json", response.ContentType, StringComparison.Ordinal);
        Assert.Equal(TestSupport.RedProbability, response.Json.GetProperty("outputs")[0].GetProperty("data")[0].GetSingle(), 5);
    }

    /// <summary>
    /// The "Raw Binary Request" of extension_binary_data.md: Inference-Header-Content-Length 0 and the
    /// body only the input tensor's bytes; a batch of 1, and every output answered in binary.
    /// </summary>
    [Fact]
    public async Task A_raw_binary_request_is_one_item_of_the_input_and_gets_its_outputs_in_binary()
    {
        var response = await Infer(LittleEndian(RedThenBlue()[48..]), "application/octet-stream", "0");

        Assert.Equal(200, response.Status);
        Assert.Equal("application/octet-stream", response.ContentType);
        var output = Assert.Single(response.Header.GetProperty("outputs").EnumerateArray());
        Assert.Equal([1L, 3], output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        Assert.Equal(TestSupport.RedProbability, Floats(response.BinaryOutputs()["probabilities"])[2], 5);

        var wrongSize = await Infer(LittleEndian(RedThenBlue()), "application/octet-stream", "0");
        Assert.Equal(400, wrongSize.Status);
        Assert.Contains("shape [1,3,4,4], which needs 48 FP32 values (192 bytes); 'binary_data_size' is 384", wrongSize.Error, StringComparison.Ordinal);
    }

    /// <summary>Raw image files as BYTES elements, no base64: the same answer as the JSON path's base64 strings, and classification strings answered in binary too.</summary>
    [Fact]
    public async Task Images_sent_raw_as_binary_BYTES_elements_answer_like_base64_images()
    {
        var red = TestSupport.Solid(SKColors.Red);
        var blue = TestSupport.Solid(SKColors.Blue);
        var json = """{"inputs":[{"name":"pixels","shape":[2],"datatype":"BYTES","parameters":{"binary_data_size":__SIZE__}}],"outputs":[{"name":"probabilities","parameters":{"classification":2,"binary_data":true}}]}""";
        var tensor = LengthPrefixed(red, blue);
        var (body, headerLength) = Frame(json.Replace("__SIZE__", tensor.Length.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal), tensor);
        var response = await Infer(body, "application/octet-stream", headerLength.ToString(CultureInfo.InvariantCulture));

        Assert.Equal(200, response.Status);
        var output = response.Header.GetProperty("outputs")[0];
        Assert.Equal("BYTES", output.GetProperty("datatype").GetString());
        Assert.Equal([2L, 2], output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        var strings = Strings(response.BinaryOutputs()["probabilities"]);

        var viaJson = await Infer(
            Encoding.UTF8.GetBytes($$$"""{"inputs":[{"name":"pixels","shape":[2],"datatype":"BYTES","data":["{{{Convert.ToBase64String(red)}}}","{{{Convert.ToBase64String(blue)}}}"]}],"outputs":[{"name":"probabilities","parameters":{"classification":2}}]}"""),
            "application/json",
            null);
        Assert.Equal(viaJson.Json.GetProperty("outputs")[0].GetProperty("data").EnumerateArray().Select(s => s.GetString()), strings);
        Assert.EndsWith(":0:red", strings[0], StringComparison.Ordinal);
        Assert.EndsWith(":2:blue", strings[2], StringComparison.Ordinal);
    }

    /// <summary>The README's curl call sends the body scripts/binary-infer-body.sh builds: run it, and send what it wrote with the length it printed.</summary>
    [Fact]
    public async Task The_documented_script_builds_a_body_the_server_reads_as_the_images()
    {
        var folder = Directory.CreateTempSubdirectory("binary-infer-body-");
        try
        {
            var red = Path.Combine(folder.FullName, "red.png");
            var blue = Path.Combine(folder.FullName, "blue.png");
            await File.WriteAllBytesAsync(red, TestSupport.Solid(SKColors.Red));
            await File.WriteAllBytesAsync(blue, TestSupport.Solid(SKColors.Blue));
            var bodyFile = Path.Combine(folder.FullName, "body.bin");
            var start = new System.Diagnostics.ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[] { Path.Combine(TestPaths.RepositoryRoot, "scripts", "binary-infer-body.sh"), "pixels", bodyFile, red, blue })
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment["OUTPUTS"] = """[{"name":"probabilities","parameters":{"classification":1}}]""";
            using var process = System.Diagnostics.Process.Start(start)!;
            var printed = await process.StandardOutput.ReadToEndAsync();
            var stderr = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, stderr);

            var response = await Infer(await File.ReadAllBytesAsync(bodyFile), "application/octet-stream", printed.Trim());

            Assert.Equal(200, response.Status);
            var strings = response.Json.GetProperty("outputs")[0].GetProperty("data").EnumerateArray().Select(s => s.GetString()!).ToArray();
            Assert.Equal(2, strings.Length);
            Assert.EndsWith(":0:red", strings[0], StringComparison.Ordinal);
            Assert.EndsWith(":2:blue", strings[1], StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>A detector's four outputs, two asked in binary (FP32 boxes, INT64 classes) and two in JSON, equal to the all-JSON answer.</summary>
    [Fact]
    public async Task A_detector_answers_mixed_binary_and_JSON_outputs_equal_to_the_JSON_path()
    {
        var image = TestSupport.Solid(SKColors.White, size: 8);
        var tensor = LengthPrefixed(image);
        var json = $$$"""
            {"inputs":[{"name":"image_tensor","shape":[1],"datatype":"BYTES","parameters":{"binary_data_size":{{{tensor.Length}}}}}],
             "outputs":[{"name":"detected_boxes","parameters":{"binary_data":true}},{"name":"detected_scores"},{"name":"detected_classes","parameters":{"binary_data":true}},{"name":"detections"}]}
            """;
        var (body, headerLength) = Frame(json, tensor);
        var response = await Infer(body, "application/octet-stream", headerLength.ToString(CultureInfo.InvariantCulture), Detector);

        Assert.Equal(200, response.Status);
        var binary = response.BinaryOutputs();
        Assert.Equal(["detected_boxes", "detected_classes"], binary.Keys.Order(StringComparer.Ordinal));

        var viaJson = await Infer(
            Encoding.UTF8.GetBytes($$"""{"inputs":[{"name":"image_tensor","shape":[1],"datatype":"BYTES","data":["{{Convert.ToBase64String(image)}}"]}]}"""),
            "application/json",
            null,
            Detector);
        var expected = viaJson.Json.GetProperty("outputs").EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!);
        var outputs = response.Header.GetProperty("outputs").EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!);

        Assert.Equal(expected["detected_boxes"].GetProperty("data").EnumerateArray().Select(v => v.GetSingle()), Floats(binary["detected_boxes"]));
        Assert.Equal("INT64", outputs["detected_classes"].GetProperty("datatype").GetString());
        var classes = Enumerable.Range(0, binary["detected_classes"].Length / 8).Select(i => BinaryPrimitives.ReadInt64LittleEndian(binary["detected_classes"].AsSpan(i * 8)));
        Assert.Equal(expected["detected_classes"].GetProperty("data").EnumerateArray().Select(v => v.GetInt64()), classes);
        foreach (var name in new[] { "detected_scores", "detections" })
        {
            Assert.Equal(expected[name].GetProperty("data").GetRawText(), outputs[name].GetProperty("data").GetRawText());
            Assert.False(outputs[name].TryGetProperty("parameters", out _));
        }

        foreach (var name in new[] { "detected_boxes", "detected_classes" })
        {
            Assert.Equal(expected[name].GetProperty("shape").GetRawText(), outputs[name].GetProperty("shape").GetRawText());
            Assert.False(outputs[name].TryGetProperty("data", out _));
        }
    }

    [Fact]
    public async Task A_detector_takes_its_FP32_tensor_in_binary()
    {
        var values = new float[3 * 320 * 320];
        Array.Fill(values, 255f, 0, 320 * 320); // red plane: only the car scores
        var json = """{"inputs":[{"name":"image_tensor","shape":[1,3,320,320],"datatype":"FP32","parameters":{"binary_data_size":1228800}}],"outputs":[{"name":"detections"}]}""";
        var (body, headerLength) = Frame(json, LittleEndian(values));
        var response = await Infer(body, "application/octet-stream", headerLength.ToString(CultureInfo.InvariantCulture), Detector);

        Assert.Equal(200, response.Status);
        var output = Assert.Single(response.Json.GetProperty("outputs").EnumerateArray());
        Assert.Equal([1L, 7], output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
    }

    [Fact]
    public async Task Explain_takes_raw_images_in_binary_and_answers_its_maps_in_binary_when_asked()
    {
        var tensor = LengthPrefixed(TestSupport.Solid(SKColors.Red));
        var json = $$$"""{"inputs":[{"name":"pixels","shape":[1],"datatype":"BYTES","parameters":{"binary_data_size":{{{tensor.Length}}}}}],"parameters":{"binary_data_output":true}}""";
        var (body, headerLength) = Frame(json, tensor);
        var response = await Send("/api/v2/models/channel-logits/explain", body, "application/octet-stream", headerLength.ToString(CultureInfo.InvariantCulture), request => _functions.V2Explain(request, "channel-logits"));

        Assert.Equal(200, response.Status);
        var binary = response.BinaryOutputs();
        Assert.Equal(TestSupport.RedProbability, Floats(binary["probabilities"])[0], 5);
        var png = Convert.FromBase64String(Strings(binary.Single(b => b.Key.EndsWith("_saliency_png", StringComparison.Ordinal)).Value).Single());
        Assert.Equal((byte)0x89, png[0]);
    }

    public static TheoryData<string, byte[], string?, string> Malformed()
    {
        var pixels = LittleEndian(new float[48]);
        var png = TestSupport.Solid(SKColors.Red);
        string Input(string parameters, string extra = "", string shape = "[1,3,4,4]", string datatype = "FP32") =>
            $$$"""{"inputs":[{"name":"pixels","shape":{{{shape}}},"datatype":"{{{datatype}}}"{{{extra}}},"parameters":{{{{parameters}}}}}]}""";
        var fp32 = Input("\"binary_data_size\":192");
        var data = new TheoryData<string, byte[], string?, string>();
        void Add(string json, byte[] tensor, string? header, string error) => data.Add(json, tensor, header, error);

        // The header
        Add(fp32, pixels, "999999", "Header Inference-Header-Content-Length says the JSON is 999999 bytes, but the body has only");
        Add(fp32, pixels, "abc", "must be a whole number of bytes; got 'abc'");
        Add(fp32, pixels, "-5", "must be a whole number of bytes; got '-5'");
        Add(fp32, pixels, "0", "needs 48 FP32 values (192 bytes); 'binary_data_size' is");
        Add(fp32, [], null, "has no Inference-Header-Content-Length header");

        // Sizes that do not add up
        Add(Input("\"binary_data_size\":200"), pixels, "", "'binary_data_size' 200, which runs past the end of the body: 192 bytes follow the JSON");
        Add(Input("\"binary_data_size\":100"), pixels, "", "192 bytes follow the JSON, but the inputs' 'binary_data_size' add up to 100");
        Add("""{"inputs":[{"name":"pixels","shape":[1,3,4,4],"datatype":"FP32","data":[0]}]}""", pixels, "", "192 bytes follow the JSON, but the inputs' 'binary_data_size' add up to 0");
        Add(Input("\"binary_data_size\":-1"), pixels, "", "must be a whole number of bytes, at least 0");
        Add(Input("\"binary_data_size\":1.5"), pixels, "", "must be a whole number of bytes, at least 0");
        Add(Input("\"binary_data_size\":\"192\""), pixels, "", "must be a whole number of bytes, at least 0");

        // data and binary_data_size; neither
        Add(Input("\"binary_data_size\":192", ",\"data\":[0]"), pixels, "", "has both 'data' and parameter 'binary_data_size'");
        Add("""{"inputs":[{"name":"pixels","shape":[1,3,4,4],"datatype":"FP32"}]}""", [], "", "has neither 'data' nor parameter 'binary_data_size'");

        // Element counts against the shape
        Add(Input("\"binary_data_size\":192", shape: "[1,3,4,5]"), pixels, "", "needs 60 FP32 values (240 bytes); 'binary_data_size' is 192");
        Add(Input("\"binary_data_size\":190"), pixels[..190], "", "needs 48 FP32 values (192 bytes); 'binary_data_size' is 190");
        Add(Input("\"binary_data_size\":192"), LittleEndian([float.NaN, .. new float[47]]), "", "value 0 is not a finite 32-bit number");

        // BYTES length prefixes
        var tooLong = LengthPrefixed(png);
        tooLong[0]++;
        Add(Input($"\"binary_data_size\":{tooLong.Length}", shape: "[1]", datatype: "BYTES"), tooLong, "", $"element 0 says it has {png.Length + 1} bytes, which runs past the end");
        Add(Input("\"binary_data_size\":3", shape: "[1]", datatype: "BYTES"), [1, 0, 0], "", "element 0 has 3 bytes left, too few for its 4-byte length");
        var two = LengthPrefixed(png, png);
        Add(Input($"\"binary_data_size\":{two.Length}", shape: "[1]", datatype: "BYTES"), two, "", "has 1 BYTES elements by its shape, but");
        var one = LengthPrefixed(png);
        Add(Input($"\"binary_data_size\":{one.Length}", shape: "[2]", datatype: "BYTES"), one, "", "needs 2 BYTES elements by its shape; its binary data holds 1");

        // The output parameters
        Add("""{"inputs":[{"name":"pixels","shape":[1,3,4,4],"datatype":"FP32","parameters":{"binary_data_size":192}}],"outputs":[{"name":"probabilities","parameters":{"binary_data":"yes"}}]}""", pixels, "", "Output 'probabilities': parameter 'binary_data' must be true or false");
        Add("""{"inputs":[{"name":"pixels","shape":[1,3,4,4],"datatype":"FP32","parameters":{"binary_data_size":192}}],"parameters":{"binary_data_output":1}}""", pixels, "", "Request parameter 'binary_data_output' must be true or false");
        return data;
    }

    /// <summary><paramref name="header"/> "" means the JSON's real length.</summary>
    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task A_malformed_binary_request_is_a_400_error_object_saying_what_is_wrong(string json, byte[] tensor, string? header, string error)
    {
        var (body, headerLength) = Frame(json, tensor);
        var response = await Infer(body, "application/octet-stream", header == "" ? headerLength.ToString(CultureInfo.InvariantCulture) : header);

        Assert.Equal(400, response.Status);
        Assert.StartsWith("application/json", response.ContentType, StringComparison.Ordinal);
        Assert.Single(response.Json.EnumerateObject());
        Assert.Contains(error, response.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_binary_body_over_the_body_limit_is_a_413_and_another_content_type_a_415()
    {
        var json = """{"inputs":[{"name":"pixels","shape":[8,3,4,4],"datatype":"FP32","parameters":{"binary_data_size":1536}}]}""";
        var (body, headerLength) = Frame(json, LittleEndian(new float[8 * 48]));
        var small = new OpenInferenceFunctions(new OpenInferenceHandler(_engine, TestSupport.HttpOptions(maxBodyBytes: 1024)));
        var tooBig = await Infer(body, "application/octet-stream", headerLength.ToString(CultureInfo.InvariantCulture), functions: small);
        Assert.Equal(413, tooBig.Status);
        Assert.Contains("Http:MaxBodyBytes", tooBig.Error, StringComparison.Ordinal);

        var text = await Infer(body, "text/plain", headerLength.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(415, text.Status);
        Assert.Contains("application/octet-stream", text.Error, StringComparison.Ordinal);
    }
}
