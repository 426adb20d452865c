using Microsoft.Extensions.Options;

namespace SmartCity.Functions.Reclassify;

/// <summary>Validates <see cref="ReclassifyOptions"/> from its data annotations (generated at compile time).</summary>
[OptionsValidator]
public sealed partial class ReclassifyOptionsValidator : IValidateOptions<ReclassifyOptions>;
