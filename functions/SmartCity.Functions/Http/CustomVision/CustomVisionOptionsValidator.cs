using Microsoft.Extensions.Options;

namespace SmartCity.Functions.Http.CustomVision;

/// <summary>Validates <see cref="CustomVisionOptions"/> from its data annotations (generated at compile time); every message names the key to fix.</summary>
[OptionsValidator]
public sealed partial class CustomVisionOptionsValidator : IValidateOptions<CustomVisionOptions>;
