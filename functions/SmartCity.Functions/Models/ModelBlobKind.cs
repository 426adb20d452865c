namespace SmartCity.Functions.Models;

/// <summary>What a blob of the model repository container is (see <see cref="ModelBlobLayout"/>).</summary>
public enum ModelBlobKind
{
    Other,
    VersionFile,
    DefaultPointer,
    Unloaded,
    Retired,
    Claim,
    History,
}
