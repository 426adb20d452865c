using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace SmartCity.Cli;

/// <summary>A progress column showing <c>done/total</c>.</summary>
internal sealed class ItemCountColumn : ProgressColumn
{
    public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime)
    {
        ArgumentNullException.ThrowIfNull(task);
        return new Text(string.Create(CultureInfo.InvariantCulture, $"{task.Value:0}/{task.MaxValue:0}"));
    }
}
