using System.Text.Json.Nodes;

namespace SmartCity.Infra.Tests;

/// <summary>The operations workbook and alert rules (README "Metrics") over the Application Insights component the app reports to.</summary>
[Collection(CompiledTemplatesDefinition.Name)]
public class OperationsTemplateTests(CompiledTemplates compiled)
{
    private ArmTemplate Operations => Assert.Single(compiled.Main.SelfAndModules(), t => t.Name == "operations");

    [Fact]
    public void The_workbook_is_shared_and_reads_the_apps_component()
    {
        var workbook = compiled.Main.Single("Microsoft.Insights/workbooks");
        Assert.Equal("shared", (string?)workbook.Json["kind"]);
        Assert.Equal("workbook", workbook.StringAt("properties", "category"));
        Assert.Equal("[variables('applicationInsightsId')]", (string?)workbook.Json["properties"]!["sourceId"]);
        Assert.Contains("resourceId('Microsoft.Insights/components', parameters('applicationInsightsName'))", (string?)Operations.Variables["applicationInsightsId"], StringComparison.Ordinal);
        // The component it reads is the one main creates and the app's connection string points at.
        Assert.Equal(compiled.Main.ResolveVariable("applicationInsightsName")?.ToString(), Operations.ResolveParameter("applicationInsightsName")?.ToString());

        var items = Assert.IsType<JsonArray>(Operations.ResolveVariable("workbookItems"));
        var queries = items.Select(i => (string?)i!["content"]?["query"]).OfType<string>().ToList();
        foreach (var metric in new[] { "smartcity.inference.requests", "smartcity.inference.request.duration", "smartcity.inference.queue.duration", "smartcity.inference.compute.duration", "smartcity.inference.batch.size", "smartcity.camera.uploads", "smartcity.training.jobs" })
        {
            Assert.Contains(queries, q => q.Contains(metric, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Three_alert_rules_watch_the_error_rate_full_queues_and_poison_messages_every_five_minutes()
    {
        var rules = compiled.Main.Single("Microsoft.Insights/scheduledQueryRules");
        var alerts = Assert.IsType<JsonArray>(Operations.ResolveVariable("alerts"));
        Assert.Equal(["error-rate", "queue-full", "poison-messages"], alerts.Select(a => (string?)a!["name"]));
        Assert.Equal("PT5M", rules.StringAt("properties", "evaluationFrequency"));
        Assert.Equal("PT5M", rules.StringAt("properties", "windowSize"));
        Assert.True((bool?)rules.Json["properties"]!["enabled"]);

        var queries = alerts.Select(a => (string)a!["query"]!).ToList();
        Assert.Contains("smartcity.inference.requests", queries[0], StringComparison.Ordinal);
        Assert.Contains("\"queue-full\"", queries[1], StringComparison.Ordinal);
        // What the Functions host logs when a message goes to its poison queue (WebJobs' queue processor).
        Assert.Contains("Message has reached MaxDequeueCount", queries[2], StringComparison.Ordinal);
    }

    [Fact]
    public void Without_an_alert_email_no_action_group_is_made()
    {
        Assert.Equal("", (string?)compiled.Main.Parameters["alertEmail"]?["defaultValue"]);
        var group = compiled.Main.Single("Microsoft.Insights/actionGroups");
        Assert.Equal("[not(empty(parameters('alertEmail')))]", (string?)group.Json["condition"]);
    }
}
