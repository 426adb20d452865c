using SmartCity.Cli.Replay;

namespace SmartCity.Cli.Tests.Replay;

public class CaptureTimeSourceTests
{
    private static readonly DateTimeOffset FrameTime = new(2026, 1, 22, 0, 24, 52, TimeSpan.Zero);

    [Theory]
    [InlineData("camera_2701_2026-01-22_00-24-52.jpg")]
    [InlineData("some/folder/camera_2701_2026-01-22_00-24-52.jpg")]
    [InlineData("frame 2026-01-22T00:24:52.png")]
    public void Name_reads_the_time_in_the_file_name_as_UTC(string file)
    {
        var source = CaptureTimeSource.Parse("name");

        Assert.Equal(FrameTime, source!.For(file));
    }

    [Theory]
    [InlineData("car106.jpg")]
    [InlineData("camera_2701_2026-13-40_00-24-52.jpg")]
    public void Name_gives_no_time_for_a_file_name_without_a_valid_one(string file) =>
        Assert.Null(CaptureTimeSource.Parse("name")!.For(file));

    [Fact]
    public void None_gives_no_time() =>
        Assert.Null(CaptureTimeSource.Parse("none")!.For("camera_2701_2026-01-22_00-24-52.jpg"));

    [Theory]
    [InlineData("2026-01-22T08:00:00Z", "2026-01-22T08:00:00Z")]
    [InlineData("2026-01-22T08:00:00+08:00", "2026-01-22T00:00:00Z")]
    [InlineData("2026-01-22T08:00:00", "2026-01-22T08:00:00Z")]
    public void An_ISO_8601_time_is_every_file_time_UTC_unless_it_names_an_offset(string option, string utc)
    {
        var source = CaptureTimeSource.Parse(option);

        Assert.Equal(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture), source!.For("camera_2701_2026-01-22_00-24-52.jpg"));
        Assert.Equal(source.For("car106.jpg"), source.For("camera_2701_2026-01-22_00-24-52.jpg"));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("yesterday")]
    [InlineData("")]
    public void Anything_else_is_not_a_capture_time_source(string option) =>
        Assert.Null(CaptureTimeSource.Parse(option));
}
