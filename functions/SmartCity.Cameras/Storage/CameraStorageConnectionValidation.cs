using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace SmartCity.Cameras.Storage;

/// <summary>Checks at start that the <c>CameraStorage</c> connection is configured, naming the keys to set.</summary>
internal sealed class CameraStorageConnectionValidation(IConfiguration configuration) : IValidateOptions<CameraPipelineOptions>
{
    public ValidateOptionsResult Validate(string? name, CameraPipelineOptions options) =>
        CameraStorageConnection.Problem(configuration) is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}
