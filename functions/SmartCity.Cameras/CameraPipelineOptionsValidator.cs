using Microsoft.Extensions.Options;

namespace SmartCity.Cameras;

/// <summary>Validates <see cref="CameraPipelineOptions"/> from its data annotations (generated at compile time); every message names the key to fix.</summary>
[OptionsValidator]
public sealed partial class CameraPipelineOptionsValidator : IValidateOptions<CameraPipelineOptions>;
