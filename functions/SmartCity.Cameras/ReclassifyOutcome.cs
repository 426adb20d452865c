namespace SmartCity.Cameras;

/// <summary>What a reclassification did with one upload.</summary>
public enum ReclassifyOutcome
{
    /// <summary>The model ran at the target version; its result replaced the stored one (rows, document).</summary>
    Reclassified,

    /// <summary>The stored result already came from the target version: nothing written.</summary>
    AlreadyAtVersion,

    /// <summary>Not done; <see cref="CameraReclassification.Reason"/> says why (the blob is gone, its result is not a classification, the image cannot be read by that version...).</summary>
    Failed,
}
