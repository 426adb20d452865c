using System.Globalization;
using System.Text.Json.Nodes;
using SmartCity.Inference.Models;
using SmartCity.Training.Cards;

namespace SmartCity.Functions.Http.OpenInference;

/// <summary>
/// The key figures of a version's model card as Open Inference <c>parameters</c> (strings and
/// numbers, snake_case): the version served, what it is for, the primary head's held-out accuracy
/// and macro-F1 and how many images they rest on, the training images and date, the backbone and
/// the licence. Null when the version has no card.
/// </summary>
public static class ModelCardParameters
{
    public static JsonObject? Of(ModelVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        if (ModelCard.TryRead(version.Directory) is not { } card)
        {
            return null;
        }

        var parameters = new JsonObject { ["version"] = version.Version };
        Add(parameters, "intended_use", card.IntendedUse);
        if (card.Primary is { } head)
        {
            Add(parameters, "output", head.Output);
            parameters["labels"] = string.Join(",", head.Labels);
            if (head.HeldOut is { } heldOut)
            {
                parameters["held_out_accuracy"] = heldOut.Accuracy;
                parameters["held_out_macro_f1"] = heldOut.MacroF1;
                parameters["held_out_images"] = heldOut.Images;
            }
        }

        if (card.TrainingData is { } data)
        {
            parameters["training_images"] = data.Images;
            Add(parameters, "trained_at", data.Date?.ToString("O", CultureInfo.InvariantCulture));
            Add(parameters, "training_data", data.Source);
        }

        if (card.Backbone is { Model: { } model } backbone)
        {
            parameters["backbone"] = backbone.Version is null ? model : $"{model}/{backbone.Version}";
        }

        Add(parameters, "license", card.License);
        return parameters;
    }

    private static void Add(JsonObject parameters, string key, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            parameters[key] = value;
        }
    }
}
