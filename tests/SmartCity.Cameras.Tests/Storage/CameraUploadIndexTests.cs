using SmartCity.Cameras.Storage;

namespace SmartCity.Cameras.Tests.Storage;

public class CameraUploadIndexTests
{
    [Fact]
    public void Only_a_complete_index_of_the_same_ETag_makes_a_delivery_a_duplicate()
    {
        var index = new CameraUploadIndex("\"0x1\"", "classified", ["a"], [], Complete: true);

        Assert.True(index.IsCompleteFor("\"0x1\""));
        Assert.False(index.IsCompleteFor("\"0x2\""));
        Assert.False((index with { Complete = false }).IsCompleteFor("\"0x1\""));
    }

    [Fact]
    public void Rows_of_earlier_versions_not_overwritten_are_to_delete_once_each()
    {
        var index = new CameraUploadIndex("\"0x1\"", "classified", ["old-1", "same"], ["older", "old-1"], Complete: false);

        Assert.Equal(["old-1", "older"], index.RowsReplacedBy(["same", "new"]));
    }

    [Theory]
    [InlineData("classified", true, "classified", false)]
    [InlineData("classified", true, "rejected", true)]
    [InlineData("classified", false, "classified", true)]
    public void The_other_document_may_exist_after_a_status_change_or_an_unfinished_write(string stored, bool complete, string status, bool expected)
    {
        var index = new CameraUploadIndex("\"0x1\"", stored, [], [], complete);

        Assert.Equal(expected, index.MayHaveDocumentOtherThan(status));
    }

    [Fact]
    public void Only_a_later_Last_Modified_of_another_ETag_supersedes_an_upload()
    {
        var uploaded = new DateTimeOffset(2026, 1, 22, 8, 0, 0, TimeSpan.Zero);
        var upload = new CameraUpload("cam-1", "latest.jpg", "https://st.example/images/cam-1/latest.jpg", "\"0x2\"", 10, uploaded, new Dictionary<string, string>());
        var index = new CameraUploadIndex("\"0x1\"", "classified", ["a"], [], Complete: true) { SourceLastModified = uploaded.AddSeconds(1) };

        Assert.True(index.Supersedes(upload));
        Assert.False((index with { SourceLastModified = uploaded }).Supersedes(upload)); // same second: the blob decides
        Assert.False((index with { SourceLastModified = uploaded.AddSeconds(-1) }).Supersedes(upload));
        Assert.False((index with { SourceLastModified = default }).Supersedes(upload)); // written before Last-Modified was kept
        Assert.False((index with { SourceETag = upload.SourceETag }).Supersedes(upload));
    }
}
