using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace SmartCity.Cameras;

/// <summary>A camera's upload as the pipeline read it: where it is and which version (no pixels).</summary>
/// <param name="CameraId">The camera, <c>{cameraId}</c> of the path.</param>
/// <param name="BlobName">The name under the camera, <c>{name}</c> of the path.</param>
/// <param name="SourceUri">The blob's URI without query (no SAS) or fragment.</param>
/// <param name="SourceETag">The version read; a new ETag is a new upload.</param>
/// <param name="ContentLength">Bytes of the blob.</param>
/// <param name="LastModified">When it was uploaded.</param>
/// <param name="Metadata">The blob's metadata (e.g. <c>capturedAt</c>).</param>
public sealed record CameraUpload(string CameraId, string BlobName, string SourceUri, string SourceETag, long ContentLength, DateTimeOffset LastModified, IDictionary<string, string> Metadata)
{
    /// <summary>The upload that a download of <paramref name="blob"/> describes.</summary>
    public static CameraUpload From(BlobClient blob, string cameraId, string name, BlobDownloadDetails details)
    {
        ArgumentNullException.ThrowIfNull(blob);
        ArgumentNullException.ThrowIfNull(details);
        var uri = new UriBuilder(blob.Uri) { Query = string.Empty, Fragment = string.Empty }.Uri.AbsoluteUri;
        return new CameraUpload(cameraId, name, uri, details.ETag.ToString(), details.ContentLength, details.LastModified, details.Metadata);
    }
}
