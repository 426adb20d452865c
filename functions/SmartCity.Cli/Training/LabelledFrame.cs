using System.Globalization;

namespace SmartCity.Cli.Training;

/// <summary>A camera frame of <c>labels.csv</c> with its congestion and lighting classes.</summary>
/// <param name="Sure">Whether the congestion label is marked sure (a still frame cannot always tell).</param>
internal sealed record LabelledFrame(string File, string Camera, int Congestion, int Lighting, bool Sure, DateTime Time)
{
    public static readonly string[] CongestionLabels = ["free", "moderate", "heavy"];

    public static readonly string[] LightingLabels = ["day", "twilight", "night"];

    /// <summary>
    /// The usable frames of <c>&lt;data&gt;/labels.csv</c> (<c>file,camera,congestion,lighting,sure|unsure</c>;
    /// frames labelled <c>unusable</c> are left out), and how many rows it has.
    /// </summary>
    public static (List<LabelledFrame> Frames, int Rows) ReadLabels(string data)
    {
        var labelsPath = Path.Combine(data, "labels.csv");
        if (!System.IO.File.Exists(labelsPath))
        {
            throw new UsageException($"'{labelsPath}' does not exist.");
        }

        var rows = System.IO.File.ReadAllLines(labelsPath).Skip(1).Select(l => l.Split(',')).ToList();
        var frames = rows.Where(r => r[2] != "unusable")
            .Select(r => new LabelledFrame(Path.Combine(data, r[0]), r[1], Array.IndexOf(CongestionLabels, r[2]), Array.IndexOf(LightingLabels, r[3]), r[4] == "sure", TimeOf(r[0])))
            .ToList();
        if (frames.Any(f => f.Congestion < 0 || f.Lighting < 0))
        {
            throw new UsageException("labels.csv has a congestion or lighting value this trainer does not know.");
        }

        return (frames, rows.Count);
    }

    private static DateTime TimeOf(string file)
    {
        // camera_<id>_<yyyy-MM-dd>_<HH-mm-ss>.jpg
        var parts = Path.GetFileNameWithoutExtension(file).Split('_');
        return DateTime.ParseExact($"{parts[2]} {parts[3]}", "yyyy-MM-dd HH-mm-ss", CultureInfo.InvariantCulture);
    }
}
