namespace SmartCity.Cameras.Storage;

/// <summary>Intervals of the summary.</summary>
public enum SummaryInterval
{
    Hour,
    Day,
}
