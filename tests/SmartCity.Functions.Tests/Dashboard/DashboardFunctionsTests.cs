using System.Text.RegularExpressions;
using SmartCity.Functions.Dashboard;
using static SmartCity.Functions.Tests.HttpTestHost;

namespace SmartCity.Functions.Tests.Dashboard;

/// <summary>The dashboard's static files through <see cref="DashboardFunctions"/>, with real requests.</summary>
public sealed partial class DashboardFunctionsTests
{
    private readonly DashboardFunctions _functions = new();

    private Task<Response> GetAsync(string? path, string? ifNoneMatch = null)
    {
        var context = Request("GET", "/api/dashboard/" + path);
        if (ifNoneMatch is not null)
        {
            context.Request.Headers.IfNoneMatch = ifNoneMatch;
        }

        return InvokeAsync(context, () => _functions.GetDashboard(context.Request, path));
    }

    [Theory]
    [InlineData("", "text/html; charset=utf-8", "<title>SmartCity dashboard</title>")]
    [InlineData("index.html", "text/html; charset=utf-8", "<title>SmartCity dashboard</title>")]
    [InlineData("dashboard.js", "text/javascript; charset=utf-8", "x-functions-key")]
    [InlineData("dashboard.css", "text/css; charset=utf-8", ".timeline")]
    public async Task Each_file_is_served_with_its_type_a_strict_policy_and_no_sniffing(string path, string contentType, string contains)
    {
        var response = await GetAsync(path);

        Assert.Equal(200, response.Status);
        Assert.Equal(contentType, response.ContentType);
        Assert.Contains(contains, response.Body, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.XContentTypeOptions);
        var policy = response.Headers.ContentSecurityPolicy.ToString();
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("script-src 'self';", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", policy, StringComparison.Ordinal);
        Assert.Equal("no-cache", response.Headers.CacheControl);
        Assert.Matches("^\"[0-9a-f]{32}\"$", response.Headers.ETag.ToString());
    }

    [Fact]
    public async Task A_known_ETag_is_answered_304_without_a_body()
    {
        var first = await GetAsync("dashboard.js");
        var again = await GetAsync("dashboard.js", ifNoneMatch: first.Headers.ETag);

        Assert.Equal(304, again.Status);
        Assert.Empty(again.Body);
        Assert.Equal(first.Headers.ETag.ToString(), again.Headers.ETag.ToString());
        Assert.Equal(200, (await GetAsync("dashboard.js", ifNoneMatch: "\"0000\"")).Status);
    }

    [Theory]
    [InlineData("nothing.html")]
    [InlineData("../openapi.json")]
    [InlineData("..%2Fopenapi.json")]
    [InlineData("/etc/passwd")]
    [InlineData("..\\SmartCity.Functions.dll")]
    [InlineData("INDEX.HTML")]
    [InlineData("index.html/")]
    public async Task Unknown_paths_and_traversal_attempts_are_a_404_problem(string path)
    {
        var response = await GetAsync(path);

        Assert.Equal(404, response.Status);
        Assert.StartsWith("application/problem+json", response.ContentType, StringComparison.Ordinal);
        Assert.Equal("urn:smartcity:problem:dashboard-file-not-found", response.Json.GetProperty("type").GetString());
        Assert.Equal("nosniff", response.Headers.XContentTypeOptions);
    }

    [Fact]
    public async Task The_bare_route_redirects_to_the_folder_so_relative_links_resolve()
    {
        var context = Request("GET", "/api/dashboard");
        var response = await InvokeAsync(context, () => _functions.GetDashboard(context.Request, null));

        Assert.Equal(302, response.Status);
        Assert.Equal("/api/dashboard/", response.Headers.Location);
    }

    [Fact]
    public void The_page_has_no_inline_script_or_style_and_loads_nothing_from_elsewhere()
    {
        var html = System.Text.Encoding.UTF8.GetString(DashboardFiles.Find(null)!.Content);

        Assert.DoesNotMatch("<script(?![^>]*\\bsrc=)", html);
        Assert.DoesNotContain("<style", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(" style=", html);
        Assert.DoesNotMatch(" on[a-z]+=", html);
        Assert.DoesNotMatch("(src|href)=\"(https?:)?//", html);
        var script = System.Text.Encoding.UTF8.GetString(DashboardFiles.Find("dashboard.js")!.Content);
        Assert.DoesNotContain("innerHTML", script, StringComparison.Ordinal);
        Assert.DoesNotContain("eval(", script, StringComparison.Ordinal);
        Assert.DoesNotMatch(KeyInUrl(), script);
    }

    [GeneratedRegex("[?&]code=")]
    private static partial Regex KeyInUrl();
}
