using SmartCity.Inference.Explaining;

namespace SmartCity.Cameras.Storage;

/// <summary>One model's explanation of a camera upload: the occlusion grid and a map per classification head.</summary>
public sealed record ModelExplanation(string Model, string Version, string Method, string Fill, int Rows, int Columns, string Reason, IReadOnlyList<ExplainedHead> Maps)
{
    public static ModelExplanation From(Explanation explanation, string reason)
    {
        ArgumentNullException.ThrowIfNull(explanation);
        var model = explanation.Prediction.Model;
        return new ModelExplanation(
            model.Name,
            model.Version,
            explanation.Method,
            explanation.Fill,
            explanation.Rows,
            explanation.Columns,
            reason,
            [.. explanation.Maps.Select(m => new ExplainedHead(m.Head, m.Label, m.Probability, m.Scores, Convert.ToBase64String(m.Png), m.PngWidth, m.PngHeight))]);
    }
}
