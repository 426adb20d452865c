using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace SmartCity.Functions.Models;

/// <summary>Checks at start that the <c>ModelStorage</c> connection is configured, naming the keys to set.</summary>
internal sealed class ModelStorageConnectionValidation(IConfiguration configuration) : IValidateOptions<ModelRepositoryOptions>
{
    public ValidateOptionsResult Validate(string? name, ModelRepositoryOptions options) =>
        ModelStorageConnection.Problem(configuration) is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}
