using Microsoft.Extensions.Options;

namespace SmartCity.Functions.Models;

/// <summary>Validates <see cref="ModelRepositoryOptions"/> from its data annotations (generated at compile time).</summary>
[OptionsValidator]
public sealed partial class ModelRepositoryOptionsValidator : IValidateOptions<ModelRepositoryOptions>;
