namespace SmartCity.Cameras;

/// <summary>How an upload was handled.</summary>
public enum CameraUploadOutcome
{
    /// <summary>Every model ran; document and entities written.</summary>
    Classified,

    /// <summary>Not a readable image; rejection record and entity written.</summary>
    Rejected,

    /// <summary>This ETag was already processed completely: nothing written.</summary>
    Duplicate,

    /// <summary>A newer version of the blob was stored (or is being stored): nothing written for this one.</summary>
    Superseded,

    /// <summary>The blob no longer exists: nothing written.</summary>
    BlobMissing,
}
