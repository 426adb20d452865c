using System.Runtime.InteropServices;
using SmartCity.Inference.Onnx;

namespace SmartCity.Training;

/// <summary>
/// Writes small ONNX models: the trained classification heads and the test fixture models.
/// Only what those need is supported (float and int64 tensors, a few attribute kinds, and
/// the <c>sequence&lt;map&lt;string,float&gt;&gt;</c> output of ZipMap).
/// </summary>
public sealed class OnnxGraphBuilder(string graphName)
{
    private const int ElementFloat = 1;
    private const int ElementInt64 = 7;
    private const int ElementString = 8;

    private readonly List<Action<Stream>> _nodes = [];
    private readonly List<Action<Stream>> _initializers = [];
    private readonly List<Action<Stream>> _inputs = [];
    private readonly List<Action<Stream>> _outputs = [];
    private readonly HashSet<string> _domains = [];
    private readonly List<(string Key, string Value)> _metadata = [];

    /// <summary>A dimension: a fixed size or a symbolic name such as <c>"batch"</c>.</summary>
    public readonly record struct Dimension(long Value, string? Name)
    {
        public static implicit operator Dimension(long value) => new(value, null);

        public static implicit operator Dimension(string name) => new(0, name);
    }

    public OnnxGraphBuilder AddFloatInput(string name, params Dimension[] shape)
    {
        _inputs.Add(s => WriteTensorValueInfo(s, name, ElementFloat, shape));
        return this;
    }

    public OnnxGraphBuilder AddFloatOutput(string name, params Dimension[] shape)
    {
        _outputs.Add(s => WriteTensorValueInfo(s, name, ElementFloat, shape));
        return this;
    }

    public OnnxGraphBuilder AddInt64Output(string name, params Dimension[] shape)
    {
        _outputs.Add(s => WriteTensorValueInfo(s, name, ElementInt64, shape));
        return this;
    }

    /// <summary>A <c>metadata_props</c> entry of the model, e.g. <c>Image.BitmapPixelFormat</c> as Custom Vision exports carry.</summary>
    public OnnxGraphBuilder AddMetadata(string key, string value)
    {
        _metadata.Add((key, value));
        return this;
    }

    public OnnxGraphBuilder AddStringOutput(string name, params Dimension[] shape)
    {
        _outputs.Add(s => WriteTensorValueInfo(s, name, ElementString, shape));
        return this;
    }

    /// <summary>An output of type <c>sequence&lt;map&lt;string,float&gt;&gt;</c>, as ZipMap produces.</summary>
    public OnnxGraphBuilder AddZipMapOutput(string name)
    {
        _outputs.Add(s =>
        {
            ProtoWire.WriteString(s, 1, name);
            ProtoWire.WriteMessage(s, 2, type =>
                ProtoWire.WriteMessage(type, 4, sequence =>
                    ProtoWire.WriteMessage(sequence, 1, element =>
                        ProtoWire.WriteMessage(element, 5, map =>
                        {
                            ProtoWire.WriteInt(map, 1, ElementString);
                            ProtoWire.WriteMessage(map, 2, value =>
                                ProtoWire.WriteMessage(value, 1, tensor => ProtoWire.WriteInt(tensor, 1, ElementFloat)));
                        }))));
        });
        return this;
    }

    public OnnxGraphBuilder AddInitializer(string name, ReadOnlySpan<float> values, params long[] dims)
    {
        var bytes = MemoryMarshal.AsBytes(values).ToArray();
        _initializers.Add(s => WriteTensor(s, name, ElementFloat, dims, bytes));
        return this;
    }

    public OnnxGraphBuilder AddInitializer(string name, ReadOnlySpan<long> values, params long[] dims)
    {
        var bytes = MemoryMarshal.AsBytes(values).ToArray();
        _initializers.Add(s => WriteTensor(s, name, ElementInt64, dims, bytes));
        return this;
    }

    public OnnxGraphBuilder AddNode(string opType, string[] inputs, string[] outputs, IReadOnlyDictionary<string, object>? attributes = null, string domain = "")
    {
        if (domain.Length > 0)
        {
            _domains.Add(domain);
        }

        var name = $"{opType}_{_nodes.Count}";
        _nodes.Add(s =>
        {
            foreach (var input in inputs)
            {
                ProtoWire.WriteString(s, 1, input);
            }

            foreach (var output in outputs)
            {
                ProtoWire.WriteString(s, 2, output);
            }

            ProtoWire.WriteString(s, 3, name);
            ProtoWire.WriteString(s, 4, opType);
            foreach (var (key, value) in attributes ?? new Dictionary<string, object>())
            {
                ProtoWire.WriteMessage(s, 5, a => WriteAttribute(a, key, value));
            }

            if (domain.Length > 0)
            {
                ProtoWire.WriteString(s, 7, domain);
            }
        });
        return this;
    }

    /// <summary>Serialises the model (IR version 8, default opset 13, ai.onnx.ml opset 1 where used).</summary>
    public byte[] Build(string producer = "SmartCity.Serverless")
    {
        using var model = new MemoryStream();
        ProtoWire.WriteInt(model, 1, 8);
        ProtoWire.WriteString(model, 2, producer);
        ProtoWire.WriteMessage(model, 7, graph =>
        {
            foreach (var node in _nodes)
            {
                ProtoWire.WriteMessage(graph, 1, node);
            }

            ProtoWire.WriteString(graph, 2, graphName);
            foreach (var initializer in _initializers)
            {
                ProtoWire.WriteMessage(graph, 5, initializer);
            }

            foreach (var input in _inputs)
            {
                ProtoWire.WriteMessage(graph, 11, input);
            }

            foreach (var output in _outputs)
            {
                ProtoWire.WriteMessage(graph, 12, output);
            }
        });
        ProtoWire.WriteMessage(model, 8, opset => ProtoWire.WriteInt(opset, 2, 13));
        foreach (var domain in _domains)
        {
            ProtoWire.WriteMessage(model, 8, opset =>
            {
                ProtoWire.WriteString(opset, 1, domain);
                ProtoWire.WriteInt(opset, 2, 1);
            });
        }

        foreach (var (key, value) in _metadata)
        {
            ProtoWire.WriteMessage(model, 14, entry =>
            {
                ProtoWire.WriteString(entry, 1, key);
                ProtoWire.WriteString(entry, 2, value);
            });
        }

        return model.ToArray();
    }

    private static void WriteTensorValueInfo(Stream s, string name, int elementType, Dimension[] shape)
    {
        ProtoWire.WriteString(s, 1, name);
        ProtoWire.WriteMessage(s, 2, type =>
            ProtoWire.WriteMessage(type, 1, tensor =>
            {
                ProtoWire.WriteInt(tensor, 1, elementType);
                ProtoWire.WriteMessage(tensor, 2, shapeProto =>
                {
                    foreach (var dim in shape)
                    {
                        ProtoWire.WriteMessage(shapeProto, 1, d =>
                        {
                            if (dim.Name is { } symbolic)
                            {
                                ProtoWire.WriteString(d, 2, symbolic);
                            }
                            else
                            {
                                ProtoWire.WriteInt(d, 1, dim.Value);
                            }
                        });
                    }
                });
            }));
    }

    private static void WriteTensor(Stream s, string name, int elementType, long[] dims, byte[] raw)
    {
        foreach (var dim in dims)
        {
            ProtoWire.WriteInt(s, 1, dim);
        }

        ProtoWire.WriteInt(s, 2, elementType);
        ProtoWire.WriteString(s, 8, name);
        ProtoWire.WriteBytes(s, 9, raw);
    }

    // AttributeProto: name=1, f=2, i=3, s=4, floats=7, ints=8, strings=9, type=20.
    private static void WriteAttribute(Stream s, string name, object value)
    {
        ProtoWire.WriteString(s, 1, name);
        switch (value)
        {
            case float f:
                ProtoWire.WriteFloat(s, 2, f);
                ProtoWire.WriteInt(s, 20, 1);
                break;
            case int or long:
                ProtoWire.WriteInt(s, 3, Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
                ProtoWire.WriteInt(s, 20, 2);
                break;
            case string text:
                ProtoWire.WriteString(s, 4, text);
                ProtoWire.WriteInt(s, 20, 3);
                break;
            case long[] ints:
                foreach (var i in ints)
                {
                    ProtoWire.WriteInt(s, 8, i);
                }

                ProtoWire.WriteInt(s, 20, 7);
                break;
            case string[] strings:
                foreach (var text in strings)
                {
                    ProtoWire.WriteString(s, 9, text);
                }

                ProtoWire.WriteInt(s, 20, 8);
                break;
            default:
                throw new ArgumentException($"Unsupported attribute type {value.GetType().Name} for '{name}'.", nameof(value));
        }
    }
}
