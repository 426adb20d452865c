namespace SmartCity.Cli.Training;

/// <summary>Images labelled by the folder they are in: <c>&lt;data&gt;/&lt;label&gt;/*.jpg</c>, labels and files sorted.</summary>
/// <param name="Classes">The label index of each file.</param>
internal sealed record LabelledImages(IReadOnlyList<string> Labels, IReadOnlyList<string> Files, IReadOnlyList<int> Classes)
{
    public static LabelledImages FromFolders(string data)
    {
        if (!Directory.Exists(data))
        {
            throw new UsageException($"The data folder '{data}' does not exist.");
        }

        var labels = Directory.EnumerateDirectories(data).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();
        var files = new List<string>();
        var classes = new List<int>();
        for (var c = 0; c < labels.Count; c++)
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(data, labels[c]), "*.jpg").Order(StringComparer.Ordinal))
            {
                files.Add(file);
                classes.Add(c);
            }
        }

        return new LabelledImages(labels, files, classes);
    }
}
