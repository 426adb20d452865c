namespace SmartCity.Functions.Http.Repository;

/// <summary>Triton's <c>$repository_index_request</c>: <c>ready: true</c> lists only the versions that can be served.</summary>
public sealed class RepositoryIndexRequest
{
    public bool? Ready { get; set; }
}
