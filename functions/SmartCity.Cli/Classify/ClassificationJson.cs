using System.Buffers;
using System.Text;
using System.Text.Json;
using SmartCity.Inference.Models;
using SmartCity.Inference.Runtime;

namespace SmartCity.Cli.Classify;

/// <summary>
/// <c>classify --json</c>: <c>{ model, images: [{ file, width, height, predictions: [{ label,
/// probability }], &lt;other head&gt;: [...], ms } | { file, error, ms }], imagesPerSecond,
/// peakWorkingSetMb }</c>. Further heads are named by their output; an embedding has no labels. An
/// object detector's predictions each have a <c>box</c> (<c>left, top, width, height</c> as fractions of the image).
/// </summary>
internal static class ClassificationJson
{
    public static void Write(ClassificationRun run, TextWriter output)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("model", run.ModelId);
            json.WriteStartArray("images");
            foreach (var image in run.Images)
            {
                WriteImage(json, image);
            }

            json.WriteEndArray();
            json.WriteNumber("imagesPerSecond", Math.Round(run.ImagesPerSecond, 2));
            json.WriteNumber("peakWorkingSetMb", Math.Round(run.PeakWorkingSetMb, 1));
            json.WriteEndObject();
        }

        output.Write(Encoding.UTF8.GetString(buffer.WrittenSpan));
        output.Write('\n');
        output.Flush();
    }

    private static void WriteImage(Utf8JsonWriter json, ClassifiedImage image)
    {
        json.WriteStartObject();
        json.WriteString("file", image.File);
        if (image.Prediction is { } prediction)
        {
            json.WriteNumber("width", prediction.Width);
            json.WriteNumber("height", prediction.Height);
            if (prediction.Model.Task == ModelTask.ObjectDetection)
            {
                WriteDetections(json, prediction.Detections);
            }

            foreach (var head in prediction.Heads.Where(h => h.Predictions.Count > 0 && h.Kind != OutputKind.Detections))
            {
                WriteHead(json, head == prediction.Heads[0] ? "predictions" : head.Name, head);
            }

            // An estimate head (traffic-scene's vehicles) is one value: written as a number under its name.
            foreach (var head in prediction.Heads.Where(h => h.Kind == OutputKind.Estimate && h.Scores.Length == 1))
            {
                json.WriteNumber(head.Name, Math.Round(head.Scores[0], 6));
            }
        }
        else
        {
            json.WriteString("error", image.Error);
        }

        json.WriteNumber("ms", Math.Round(image.Milliseconds, 2));
        json.WriteEndObject();
    }

    private static void WriteDetections(Utf8JsonWriter json, IReadOnlyList<Detection> detections)
    {
        json.WriteStartArray("predictions");
        foreach (var detection in detections)
        {
            json.WriteStartObject();
            json.WriteString("label", detection.Label);
            json.WriteNumber("probability", Math.Round(detection.Probability, 6));
            json.WriteStartObject("box");
            json.WriteNumber("left", Math.Round(detection.Box.Left, 6));
            json.WriteNumber("top", Math.Round(detection.Box.Top, 6));
            json.WriteNumber("width", Math.Round(detection.Box.Width, 6));
            json.WriteNumber("height", Math.Round(detection.Box.Height, 6));
            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteHead(Utf8JsonWriter json, string name, HeadPrediction head)
    {
        json.WriteStartArray(name);
        foreach (var label in head.Predictions)
        {
            json.WriteStartObject();
            json.WriteString("label", label.Label);
            json.WriteNumber("probability", Math.Round(label.Probability, 6));
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }
}
