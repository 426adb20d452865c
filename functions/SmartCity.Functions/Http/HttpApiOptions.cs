using SmartCity.Inference;

namespace SmartCity.Functions.Http;

/// <summary>Settings of the HTTP API, bound from the <c>Http</c> section.</summary>
public sealed class HttpApiOptions
{
    public const string Section = "Http";

    /// <summary>
    /// Largest request body read, in bytes (default 10 MB). Reading stops at the limit with a
    /// 413. Keep it under the host's own limit (about 30 MB), which answers with a 500 instead.
    /// </summary>
    [SettingRange(1024d, 26_214_400d, ErrorMessage = "Http:MaxBodyBytes must be between {1} and {2}.")]
    public long MaxBodyBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>
    /// Most images (or tensor items) one request may carry (default 32); more are refused with a
    /// 413 before any is decoded. Each one takes a place in the model's queue, which every caller
    /// shares: a request larger than the queue could never be answered, and a large one crowds out others.
    /// </summary>
    [SettingRange(1, 1024, ErrorMessage = "Http:MaxImagesPerRequest must be between {1} and {2}.")]
    public int MaxImagesPerRequest { get; set; } = 32;

    /// <summary>
    /// Most images one explain request (or <c>predict?explain=true</c>) may carry (default 2, at
    /// most 4): each costs <c>Inference:ExplainGrid</c>² + 1 model items. More answer 413 <c>too-many-images</c>.
    /// </summary>
    [SettingRange(1, MaxExplainImagesLimit, ErrorMessage = "Http:MaxExplainImages must be between {1} and {2}.")]
    public int MaxExplainImages { get; set; } = 2;

    /// <summary>The highest <see cref="MaxExplainImages"/> may be set to.</summary>
    public const int MaxExplainImagesLimit = 4;
}
