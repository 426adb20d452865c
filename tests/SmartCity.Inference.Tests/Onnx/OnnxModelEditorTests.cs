using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using SmartCity.Inference.Onnx;

namespace SmartCity.Inference.Tests.Onnx;

public class OnnxModelEditorTests
{
    /// <summary>y = x + b, with x and y fixed at batch 1 and b an initializer also listed as an input (older exporters do).</summary>
    private static byte[] FixedBatchModel()
    {
        static ValueInfoProto Tensor(string name, params long[] dims)
        {
            var shape = new TensorShapeProto();
            shape.Dim.AddRange(dims.Select(d => new TensorShapeProto.Types.Dimension { DimValue = d }));
            return new ValueInfoProto
            {
                Name = name,
                Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
            };
        }

        var bias = new TensorProto { Name = "b", DataType = (int)TensorProto.Types.DataType.Float };
        bias.Dims.AddRange([1, 3]);
        bias.FloatData.AddRange([1f, 2f, 3f]);
        var node = new NodeProto { OpType = "Add", Name = "add" };
        node.Input.AddRange(["x", "b"]);
        node.Output.Add("y");
        var graph = new GraphProto { Name = "fixed" };
        graph.Node.Add(node);
        graph.Initializer.Add(bias);
        graph.Input.AddRange([Tensor("x", 1, 3), Tensor("b", 1, 3)]);
        graph.Output.Add(Tensor("y", 1, 3));
        graph.ValueInfo.Add(Tensor("y", 1, 3));
        var model = new ModelProto { IrVersion = 8, Graph = graph, ProducerName = "tests" };
        model.OpsetImport.Add(new OperatorSetIdProto { Version = 13 });
        return model.ToByteArray();
    }

    [Fact]
    public void A_fixed_batch_dimension_becomes_symbolic_and_batches_run()
    {
        var edited = OnnxModelEditor.MakeBatchDimensionDynamic(FixedBatchModel());

        var model = ModelProto.Parser.ParseFrom(edited);
        Assert.Equal("batch", model.Graph.Input.Single(i => i.Name == "x").Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Equal("batch", model.Graph.Output.Single().Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Equal(1, model.Graph.Input.Single(i => i.Name == "b").Type.TensorType.Shape.Dim[0].DimValue);
        Assert.Empty(model.Graph.ValueInfo);

        using var session = new InferenceSession(edited);
        Assert.Equal([-1, 3], session.InputMetadata["x"].Dimensions);
        using var input = OrtValue.CreateTensorValueFromMemory(new float[] { 0, 0, 0, 10, 20, 30 }, [2, 3]);
        using var outputs = session.Run(new RunOptions(), ["x"], [input], ["y"]);
        Assert.Equal([1f, 2f, 3f, 11f, 22f, 33f], outputs[0].GetTensorDataAsSpan<float>().ToArray());
    }

    [Fact]
    public void Everything_but_the_batch_dimension_and_value_info_is_kept()
    {
        var original = ModelProto.Parser.ParseFrom(FixedBatchModel());

        var edited = ModelProto.Parser.ParseFrom(OnnxModelEditor.MakeBatchDimensionDynamic(FixedBatchModel()));

        Assert.Equal(original.Graph.Node, edited.Graph.Node);
        Assert.Equal(original.Graph.Initializer, edited.Graph.Initializer);
        Assert.Equal(original.OpsetImport, edited.OpsetImport);
        Assert.Equal(original.ProducerName, edited.ProducerName);
        Assert.Equal(original.Graph.Input.Select(i => i.Name), edited.Graph.Input.Select(i => i.Name));
        Assert.Equal(3, edited.Graph.Input.Single(i => i.Name == "x").Type.TensorType.Shape.Dim[1].DimValue);
    }

    [Fact]
    public void The_stream_edit_writes_what_the_bytes_edit_returns()
    {
        using var input = new MemoryStream(FixedBatchModel());
        using var output = new MemoryStream();

        OnnxModelEditor.MakeBatchDimensionDynamic(input, output);

        Assert.Equal(OnnxModelEditor.MakeBatchDimensionDynamic(FixedBatchModel()), output.ToArray());
    }

    [Fact]
    public void Bytes_that_are_not_an_ONNX_model_are_invalid_data()
    {
        Assert.Throws<InvalidDataException>(() => OnnxModelEditor.MakeBatchDimensionDynamic([0xFF, 0xFF, 0xFF, 0xFF]));
        Assert.Throws<InvalidDataException>(() => OnnxModelEditor.MakeBatchDimensionDynamic(new ModelProto { IrVersion = 8 }.ToByteArray()));
    }
}
