using System.Text;

namespace SmartCity.Training.Scenes;

/// <summary>One training frame of a traffic-scene version, as its heads saw it.</summary>
/// <param name="Camera">The camera it came from.</param>
/// <param name="Features">The pooled features the congestion and lighting heads read (<see cref="TrafficSceneHeads.Pool"/>).</param>
/// <param name="Congestion">Index into <see cref="TrafficSceneHeads.CongestionLabels"/>.</param>
/// <param name="Lighting">Index into <see cref="TrafficSceneHeads.LightingLabels"/>.</param>
/// <param name="Weight">Its weight in training (an unsure congestion label weighs less).</param>
/// <param name="Centered">
/// The same frame's features less its camera's background (<see cref="TrafficSceneHeads.PoolCentered"/>
/// with the mean tiles of all that camera's training frames), which a background calibration's
/// congestion head is trained on; null in format-1 data, which then calibrates without a background.
/// </param>
public sealed record CalibrationExample(string Camera, float[] Features, int Congestion, int Lighting, float Weight, float[]? Centered = null);

/// <summary>
/// <c>calibration.bin</c> of a traffic-scene version: the head-input features and labels of the
/// frames its heads were trained on, and its per-tile vehicle presence weights, so a camera
/// calibration can retrain the heads without the original frames. Little-endian: <c>SCCB</c>,
/// format (1 or 2), feature count, example count, presence weight count, the presence weights and
/// bias, (format 2) whether examples carry centred features (a byte, 0 or 1), then per example its
/// camera (length-prefixed UTF-8), congestion, lighting, weight, features and (when carried) its
/// centred features. Format 1 is read still; it has no centred features.
/// </summary>
public sealed class CalibrationData
{
    public const string FileName = "calibration.bin";

    private const int Format = 2;

    private static readonly byte[] Magic = "SCCB"u8.ToArray();

    public CalibrationData(IReadOnlyList<CalibrationExample> examples, float[] vehicleWeights, float vehicleBias)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(vehicleWeights);
        if (examples.Count == 0 || examples.Any(e => e.Features.Length != examples[0].Features.Length))
        {
            throw new ArgumentException("Calibration data needs examples that all have the same number of features.", nameof(examples));
        }

        if (examples.Any(e => (e.Centered is null) != (examples[0].Centered is null) || (e.Centered is { } c && c.Length != e.Features.Length)))
        {
            throw new ArgumentException("Either every calibration example has centred features, as many as its features, or none has.", nameof(examples));
        }

        Examples = examples;
        VehicleWeights = vehicleWeights;
        VehicleBias = vehicleBias;
    }

    public IReadOnlyList<CalibrationExample> Examples { get; }

    public float[] VehicleWeights { get; }

    public float VehicleBias { get; }

    /// <summary>Whether the examples carry centred features, so a calibration can subtract the camera's background.</summary>
    public bool HasCentered => Examples[0].Centered is not null;

    public byte[] ToBytes()
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(Format);
            writer.Write(Examples[0].Features.Length);
            writer.Write(Examples.Count);
            writer.Write(VehicleWeights.Length);
            foreach (var w in VehicleWeights)
            {
                writer.Write(w);
            }

            writer.Write(VehicleBias);
            writer.Write(HasCentered);
            foreach (var example in Examples)
            {
                writer.Write(example.Camera);
                writer.Write(example.Congestion);
                writer.Write(example.Lighting);
                writer.Write(example.Weight);
                foreach (var v in example.Features)
                {
                    writer.Write(v);
                }

                foreach (var v in example.Centered ?? [])
                {
                    writer.Write(v);
                }
            }
        }

        return stream.ToArray();
    }

    /// <summary>Reads <see cref="ToBytes"/>'s output; a <see cref="FormatException"/> says what is wrong.</summary>
    public static CalibrationData Read(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
            if (!reader.ReadBytes(4).AsSpan().SequenceEqual(Magic))
            {
                throw new FormatException("does not start with SCCB.");
            }

            var format = reader.ReadInt32();
            if (format is < 1 or > Format)
            {
                throw new FormatException($"has format {format}; this build reads 1 to {Format}.");
            }

            var features = reader.ReadInt32();
            var count = reader.ReadInt32();
            var presence = reader.ReadInt32();
            if (features is < 1 or > 65536 || count is < 1 or > 1_000_000 || presence is < 1 or > 65536)
            {
                throw new FormatException($"declares {features} features, {count} examples and {presence} presence weights.");
            }

            var weights = new float[presence];
            for (var j = 0; j < presence; j++)
            {
                weights[j] = reader.ReadSingle();
            }

            var bias = reader.ReadSingle();
            var centered = format >= 2 && reader.ReadBoolean();
            var examples = new List<CalibrationExample>(count);
            for (var i = 0; i < count; i++)
            {
                var camera = reader.ReadString();
                var congestion = reader.ReadInt32();
                var lighting = reader.ReadInt32();
                var weight = reader.ReadSingle();
                var values = ReadFloats(reader, features);
                var centeredValues = centered ? ReadFloats(reader, features) : null;

                if (congestion < 0 || congestion >= TrafficSceneHeads.CongestionLabels.Length || lighting < 0 || lighting >= TrafficSceneHeads.LightingLabels.Length)
                {
                    throw new FormatException($"has example {i} with congestion {congestion} and lighting {lighting}, outside the labels.");
                }

                examples.Add(new CalibrationExample(camera, values, congestion, lighting, weight, centeredValues));
            }

            return new CalibrationData(examples, weights, bias);
        }
        catch (EndOfStreamException)
        {
            throw new FormatException("ends early.");
        }
    }

    private static float[] ReadFloats(BinaryReader reader, int count)
    {
        var values = new float[count];
        for (var j = 0; j < count; j++)
        {
            values[j] = reader.ReadSingle();
        }

        return values;
    }
}
