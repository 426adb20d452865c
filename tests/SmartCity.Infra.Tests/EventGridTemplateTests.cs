using System.Text.Json.Nodes;

namespace SmartCity.Infra.Tests;

[Collection(CompiledTemplatesDefinition.Name)]
public class EventGridTemplateTests(CompiledTemplates compiled)
{
    private ArmResource Subscription => compiled.EventGrid.Single("Microsoft.EventGrid/systemTopics/eventSubscriptions");

    private JsonNode Filter => Subscription.Json["properties"]!["filter"]!;

    [Fact]
    public void System_topic_publishes_the_storage_account_events()
    {
        var topic = compiled.Main.Single("Microsoft.EventGrid/systemTopics");

        Assert.Equal("Microsoft.Storage.StorageAccounts", topic.StringAt("properties", "topicType"));
        Assert.Contains("Microsoft.Storage/storageAccounts", (string?)topic.Json["properties"]!["source"], StringComparison.Ordinal);
    }

    [Fact]
    public void Subscription_delivers_only_blob_created_events()
    {
        var types = Assert.IsType<JsonArray>(Filter["includedEventTypes"]);
        Assert.Equal(["Microsoft.Storage.BlobCreated"], types.Select(t => (string?)t));
    }

    [Fact]
    public void Subscription_is_limited_to_the_camera_images_container()
    {
        Assert.Equal(
            "/blobServices/default/containers/camera-images/",
            Subscription.Template.ResolveString(Filter["subjectBeginsWith"]));
    }

    [Fact]
    public void Subscription_container_is_the_container_main_creates_for_camera_images()
    {
        var container = compiled.EventGrid.ResolveParameter("containerName")?.ToString();

        // The postdeploy hook passes main's CAMERA_IMAGES_CONTAINER_NAME output as containerName.
        Assert.Equal(compiled.Main.ResolveString(compiled.Main.Outputs["CAMERA_IMAGES_CONTAINER_NAME"]?["value"]), container);
        Assert.Contains(container!, StorageTemplateTests.CreatedContainerNames(compiled.Main));
    }

    [Fact]
    public void Subscription_delivers_only_completed_blob_writes()
    {
        var filter = Assert.Single(Assert.IsType<JsonArray>(Filter["advancedFilters"]))!;

        Assert.Equal("StringIn", (string?)filter["operatorType"]);
        Assert.Equal("data.api", (string?)filter["key"]);
        Assert.Equal(
            ["CopyBlob", "FlushWithClose", "PutBlob", "PutBlockList"],
            filter["values"]!.AsArray().Select(v => (string?)v).Order());
    }

    [Fact]
    public void Subscription_calls_the_blob_webhook_of_ClassifyCameraImage_with_the_secure_system_key()
    {
        var destination = Subscription.Json["properties"]!["destination"]!;
        var url = (string?)destination["properties"]!["endpointUrl"];

        Assert.Equal("WebHook", (string?)destination["endpointType"]);
        Assert.Contains("/runtime/webhooks/blobs?functionName=Host.Functions.ClassifyCameraImage&code=", url, StringComparison.Ordinal);
        Assert.Contains("parameters('blobsExtensionKey')", url, StringComparison.Ordinal);
        Assert.Equal("securestring", (string?)compiled.EventGrid.Parameters["blobsExtensionKey"]!["type"]);
        Assert.Null(compiled.EventGrid.Parameters["blobsExtensionKey"]!["defaultValue"]);
    }

    [Fact]
    public void Undeliverable_events_are_dead_lettered_to_blob_storage_with_the_system_topics_identity()
    {
        var properties = Subscription.Json["properties"]!;
        var deadLetter = properties["deadLetterWithResourceIdentity"]!;
        var destination = deadLetter["deadLetterDestination"]!;

        Assert.Equal("SystemAssigned", (string?)deadLetter["identity"]!["type"]);
        Assert.Equal("StorageBlob", (string?)destination["endpointType"]);
        Assert.Contains("Microsoft.EventGrid/systemTopics", (string?)destination["properties"]!["resourceId"], StringComparison.Ordinal);
        Assert.EndsWith(".source]", (string?)destination["properties"]!["resourceId"], StringComparison.Ordinal);
        Assert.Null(properties["deadLetterDestination"]); // the keyed form, which storage without shared keys refuses
    }

    [Fact]
    public void Dead_letter_container_is_the_one_main_creates_and_grants_the_topic()
    {
        var container = Subscription.Template.ResolveString(
            Subscription.Json["properties"]!["deadLetterWithResourceIdentity"]!["deadLetterDestination"]!["properties"]!["blobContainerName"]);

        Assert.Equal("dead-letter", container);
        Assert.Equal(compiled.Main.ResolveString(compiled.Main.Outputs["EVENTGRID_DEAD_LETTER_CONTAINER_NAME"]?["value"]), container);
        Assert.Contains(container!, StorageTemplateTests.CreatedContainerNames(compiled.Main));
    }

    [Fact]
    public void Subscription_name_is_fixed_so_redeploying_updates_it()
    {
        Assert.Equal("classify-camera-images", compiled.EventGrid.ResolveParameter("subscriptionName")?.ToString());
    }
}
