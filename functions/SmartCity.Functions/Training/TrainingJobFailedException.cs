namespace SmartCity.Functions.Training;

/// <summary>The job cannot succeed with this data or this backbone: it fails with these reasons (no retry can help).</summary>
public sealed class TrainingJobFailedException(IReadOnlyList<string> reasons) : Exception(string.Join(" ", reasons))
{
    public IReadOnlyList<string> Reasons { get; } = reasons;
}
