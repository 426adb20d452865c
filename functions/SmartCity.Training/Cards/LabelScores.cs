namespace SmartCity.Training.Cards;

/// <summary>Recall, precision and F1 of one label on the held-out images.</summary>
public sealed record LabelScores(string Label, double Recall, double Precision, double F1);
