namespace SmartCity.Functions.Http;

/// <summary>The top labels of one more classification head of a multi-head model (traffic-scene's <c>lighting</c>).</summary>
public sealed record HeadAnswerBody(string Head, IReadOnlyList<LabelProbabilityBody> Predictions);
