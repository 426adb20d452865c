using Microsoft.ML.OnnxRuntime;

namespace SmartCity.Inference.Onnx;

/// <summary>
/// Records the minimum and maximum of every calibrated tensor of an <see cref="OnnxQuantizer"/>
/// while its float model runs over real inputs (the calibration model: the float graph with those
/// tensors as extra outputs), for <see cref="OnnxQuantizer.Quantize"/>.
/// </summary>
public sealed class ActivationCalibrator : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string _inputName;
    private readonly IReadOnlyList<string> _tensors;
    private readonly float[] _min;
    private readonly float[] _max;

    public ActivationCalibrator(OnnxQuantizer quantizer)
    {
        ArgumentNullException.ThrowIfNull(quantizer);
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_BASIC };
        _session = new InferenceSession(quantizer.CalibrationModel(), options);
        _inputName = quantizer.InputName;
        _tensors = quantizer.CalibratedTensors;
        _min = [.. _tensors.Select(_ => float.PositiveInfinity)];
        _max = [.. _tensors.Select(_ => float.NegativeInfinity)];
    }

    /// <summary>Inputs seen so far.</summary>
    public int Observed { get; private set; }

    /// <summary>Runs the model on a batch (<paramref name="shape"/> with the batch first) and widens every tensor's range.</summary>
    public void Observe(float[] batch, long[] shape)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(shape);
        using var input = OrtValue.CreateTensorValueFromMemory(batch, shape);
        using var runOptions = new RunOptions();
        using var outputs = _session.Run(runOptions, [_inputName], [input], _tensors);
        for (var t = 0; t < _tensors.Count; t++)
        {
            var values = outputs[t].GetTensorDataAsSpan<float>();
            var (min, max) = (_min[t], _max[t]);
            foreach (var v in values)
            {
                if (v < min)
                {
                    min = v;
                }

                if (v > max)
                {
                    max = v;
                }
            }

            (_min[t], _max[t]) = (min, max);
        }

        Observed += (int)shape[0];
    }

    /// <summary>The ranges observed, by tensor name.</summary>
    /// <exception cref="InvalidOperationException">Nothing was observed yet.</exception>
    public IReadOnlyDictionary<string, TensorRange> Ranges()
    {
        if (Observed == 0)
        {
            throw new InvalidOperationException("No calibration input was observed.");
        }

        return _tensors.Select((t, i) => (t, i)).ToDictionary(p => p.t, p => new TensorRange(_min[p.i], _max[p.i]), StringComparer.Ordinal);
    }

    public void Dispose() => _session.Dispose();
}
