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

    /// <summary>The blob no longer exists: nothing written.</summary>
    BlobMissing,
}
