using System.Drawing;

namespace SmartCity.Cli.Training;

/// <summary>What <c>evaluate-dense-scenes</c> was asked: the labelled frames, the report to write, the dense input sizes to measure, the engine and the backbone version (null: its default).</summary>
internal sealed record DenseSceneSettings(string Data, string Output, IReadOnlyList<Size> Sizes, EngineSettings Engine, string? BackboneVersion);
