using Microsoft.Extensions.Options;

namespace SmartCity.Functions.Http;

/// <summary>Validates <see cref="HttpApiOptions"/> from its data annotations (generated at compile time).</summary>
[OptionsValidator]
public sealed partial class HttpApiOptionsValidator : IValidateOptions<HttpApiOptions>;
