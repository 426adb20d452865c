using Azure;

namespace SmartCity.Cameras.Tests.Storage;

/// <summary>Collects a pageable into a list (tests only).</summary>
internal static class AsyncPageableExtensions
{
    public static async Task<List<T>> ToListAsync<T>(this AsyncPageable<T> source)
        where T : notnull
    {
        var list = new List<T>();
        await foreach (var item in source)
        {
            list.Add(item);
        }

        return list;
    }
}
