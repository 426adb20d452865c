namespace SmartCity.Cli;

/// <summary>The image files a command was given: files named directly, and the images inside named folders.</summary>
internal static class ImageInputs
{
    public static readonly string[] ImageExtensions = [".jpg", ".jpeg", ".png", ".webp", ".bmp", ".gif"];

    /// <summary>Files in the order named; a folder's images (recursively) sorted by path.</summary>
    /// <param name="sawFolder">Whether any input was a folder.</param>
    public static List<string> Expand(IEnumerable<string> inputs, out bool sawFolder)
    {
        sawFolder = false;
        var files = new List<string>();
        foreach (var input in inputs)
        {
            if (Directory.Exists(input))
            {
                sawFolder = true;
                files.AddRange(Directory.EnumerateFiles(input, "*", SearchOption.AllDirectories)
                    .Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                    .Order(StringComparer.Ordinal));
            }
            else if (File.Exists(input))
            {
                files.Add(input);
            }
            else
            {
                throw new UsageException($"'{input}' is neither a file nor a folder.");
            }
        }

        return files;
    }
}
