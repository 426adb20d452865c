using Microsoft.Extensions.Options;

namespace SmartCity.Inference;

/// <summary>Validates <see cref="InferenceOptions"/> from its data annotations (generated at compile time).</summary>
[OptionsValidator]
public sealed partial class InferenceOptionsValidator : IValidateOptions<InferenceOptions>;
