using System.Text.Json;
using System.Text.RegularExpressions;

namespace SmartCity.Functions.Tests;

/// <summary>
/// test.http promises one request per route, and the README shows a curl call for each: both
/// are checked against the routes and methods in the generated <c>functions.metadata</c>.
/// </summary>
public sealed partial class DocumentedRequestsTests
{
    private static List<(string Method, Regex Route, string Template)> Routes()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(TestPaths.FunctionsMetadata));
        return [.. document.RootElement.EnumerateArray()
            .SelectMany(f => f.GetProperty("bindings").EnumerateArray())
            .Where(b => b.GetProperty("type").GetString() == "httpTrigger")
            .Select(b =>
            {
                var template = b.GetProperty("route").GetString()!;
                var pattern = "^" + string.Join("/", template.Split('/').Select(segment => segment.StartsWith('{') ? "[^/?]+" : Regex.Escape(segment))) + "$";
                return (b.GetProperty("methods")[0].GetString()!.ToUpperInvariant(), new Regex(pattern), template);
            })];
    }

    /// <summary>Requests of a document as (method, path after /api/) pairs.</summary>
    private static List<(string Method, string Path)> Requests(string text, Regex request) =>
        [.. request.Matches(text).Select(m => (m.Groups["method"].Success && m.Groups["method"].Value.Length > 0 ? m.Groups["method"].Value : "GET", m.Groups["path"].Value.Split('?')[0].TrimEnd('/')))];

    [Fact]
    public void Test_http_has_a_request_for_every_route()
    {
        var requests = Requests(File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "test.http")), TestHttpRequest());
        var missing = Routes().Where(r => !requests.Any(q => q.Method == r.Method && r.Route.IsMatch(q.Path))).Select(r => $"{r.Method} {r.Template}").ToList();
        Assert.True(missing.Count == 0, $"test.http has no request for: {string.Join(", ", missing)}");
    }

    [Fact]
    public void The_README_shows_a_curl_call_for_every_route()
    {
        var requests = Requests(ReadmeText(), CurlRequest());
        var missing = Routes().Where(r => !requests.Any(q => q.Method == r.Method && r.Route.IsMatch(q.Path))).Select(r => $"{r.Method} {r.Template}").ToList();
        Assert.True(missing.Count == 0, $"README.md has no curl call for: {string.Join(", ", missing)}");
    }

    /// <summary>README.md, and docs-detection.md (the Custom Vision chapter) while the README has no such chapter yet.</summary>
    private static string ReadmeText()
    {
        var readme = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "README.md"));
        var pending = Path.Combine(TestPaths.RepositoryRoot, "docs-detection.md");
        return readme.Contains("\n## Custom Vision\n", StringComparison.Ordinal) || !File.Exists(pending)
            ? readme
            : readme + "\n" + File.ReadAllText(pending);
    }

    [GeneratedRegex(@"^(?<method>GET|POST|PUT|DELETE) \{\{baseUrl\}\}/(?<path>\S*)", RegexOptions.Multiline)]
    private static partial Regex TestHttpRequest();

    /// <summary>A curl line: <c>-X POST</c> (else GET, unless it sends data) and a localhost URL.</summary>
    [GeneratedRegex(@"curl (?:[^\n]*?-X (?<method>[A-Z]+) )?[^\n]*?""?http://localhost:7071/api/(?<path>[^""\s]*)")]
    private static partial Regex CurlRequest();
}
