namespace SmartCity.Cameras.Storage;

/// <summary>A frame kept in a camera's frame-state row: which upload (<c>{blob}|{etag}</c>) it was, and its fingerprint.</summary>
internal sealed record RecordedFrame(string Upload, FrameFingerprint Fingerprint);
