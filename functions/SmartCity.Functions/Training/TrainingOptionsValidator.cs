using Microsoft.Extensions.Options;

namespace SmartCity.Functions.Training;

/// <summary>Validates <see cref="TrainingOptions"/> from its data annotations (generated at compile time).</summary>
[OptionsValidator]
public sealed partial class TrainingOptionsValidator : IValidateOptions<TrainingOptions>;
