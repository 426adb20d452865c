using SmartCity.Training.Scenes;

namespace SmartCity.Training.Tests;

public sealed class CalibrationDataTests
{
    private static CalibrationData Sample() => new(
        [new CalibrationExample("2701", [0.5f, -1f, 2f, 0f], 2, 0, 1f), new CalibrationExample("4703", [1f, 1f, 1f, 1f], 0, 2, 0.5f)],
        [0.25f, -0.75f],
        1.5f);

    [Fact]
    public void Calibration_data_round_trips()
    {
        var read = CalibrationData.Read(Sample().ToBytes());
        Assert.Equal([0.25f, -0.75f], read.VehicleWeights);
        Assert.Equal(1.5f, read.VehicleBias);
        Assert.Equal(2, read.Examples.Count);
        Assert.Equal(("4703", 0, 2, 0.5f), (read.Examples[1].Camera, read.Examples[1].Congestion, read.Examples[1].Lighting, read.Examples[1].Weight));
        Assert.Equal([0.5f, -1f, 2f, 0f], read.Examples[0].Features);
    }

    [Fact]
    public void Centred_features_round_trip_and_format_1_data_reads_without_them()
    {
        var sample = Sample();
        var withCentered = new CalibrationData([.. sample.Examples.Select((e, i) => e with { Centered = [i, -i, 0.5f, 1f] })], sample.VehicleWeights, sample.VehicleBias);
        var read = CalibrationData.Read(withCentered.ToBytes());
        Assert.True(read.HasCentered);
        Assert.Equal([1f, -1f, 0.5f, 1f], read.Examples[1].Centered!);

        // Format 1: no flag byte after the bias (offset 32 here: magic, format, three counts, two weights, bias).
        var bytes = sample.ToBytes();
        Assert.Equal(0, bytes[32]);
        byte[] format1 = [.. bytes[..4], .. BitConverter.GetBytes(1), .. bytes[8..32], .. bytes[33..]];
        var old = CalibrationData.Read(format1);
        Assert.False(old.HasCentered);
        Assert.Equal([0.5f, -1f, 2f, 0f], old.Examples[0].Features);
        Assert.Contains("reads 1 to 2", Assert.Throws<FormatException>(() => CalibrationData.Read([.. bytes[..4], .. BitConverter.GetBytes(3), .. bytes[8..]])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Examples_must_all_have_centred_features_or_none()
    {
        Assert.Throws<ArgumentException>(() => new CalibrationData([new CalibrationExample("a", [1f, 2f], 0, 0, 1f, [0f, 1f]), new CalibrationExample("b", [1f, 2f], 0, 0, 1f)], [1f], 0f));
        Assert.Throws<ArgumentException>(() => new CalibrationData([new CalibrationExample("a", [1f, 2f], 0, 0, 1f, [0f])], [1f], 0f));
    }

    [Fact]
    public void Truncated_or_foreign_bytes_are_a_format_error_saying_what_is_wrong()
    {
        var bytes = Sample().ToBytes();
        Assert.Contains("ends early", Assert.Throws<FormatException>(() => CalibrationData.Read(bytes[..^3])).Message, StringComparison.Ordinal);
        Assert.Contains("SCCB", Assert.Throws<FormatException>(() => CalibrationData.Read([1, 2, 3, 4, 5, 6, 7, 8])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pooling_is_the_normalised_mean_then_the_normalised_maximum()
    {
        var pooled = TrafficSceneHeads.Pool([[3f, 4f], [0f, 2f]]);
        // Normalised tiles (0.6, 0.8) and (0, 1): mean (0.3, 0.9) normalised, max (0.6, 1) normalised.
        var meanNorm = MathF.Sqrt((0.3f * 0.3f) + (0.9f * 0.9f));
        var maxNorm = MathF.Sqrt((0.6f * 0.6f) + 1f);
        Assert.Equal([0.3f / meanNorm, 0.9f / meanNorm, 0.6f / maxNorm, 1f / maxNorm], pooled, new FloatTolerance(1e-5f));
    }

    private sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(float obj) => 0;
    }
}
