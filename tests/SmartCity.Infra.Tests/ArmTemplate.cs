using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SmartCity.Infra.Tests;

/// <summary>
/// One template in a compiled ARM JSON tree: the root, or a module's nested template with the
/// parameter values its parent passes. Resolves the simple expressions Bicep emits
/// (parameters('x'), variables('x'), string(...), format('...', ...)) back to literals, so tests
/// can assert on the values a deployment with default parameters would get.
/// </summary>
internal sealed partial class ArmTemplate
{
    private ArmTemplate(JsonObject template, JsonObject? suppliedParameters, ArmTemplate? parent, string name)
    {
        Template = template;
        SuppliedParameters = suppliedParameters;
        Parent = parent;
        Name = name;
    }

    public JsonObject Template { get; }

    public JsonObject? SuppliedParameters { get; }

    public ArmTemplate? Parent { get; }

    /// <summary>File name for the root, deployment (module) name for nested templates.</summary>
    public string Name { get; }

    public static ArmTemplate Parse(string json, string name) =>
        new(JsonNode.Parse(json)!.AsObject(), null, null, name);

    public JsonObject Parameters => Template["parameters"] as JsonObject ?? [];

    public JsonObject Outputs => Template["outputs"] as JsonObject ?? [];

    public JsonObject Variables => Template["variables"] as JsonObject ?? [];

    /// <summary>This template and every nested module template below it.</summary>
    public IEnumerable<ArmTemplate> SelfAndModules()
    {
        yield return this;
        foreach (var resource in OwnResources())
        {
            if ((string?)resource["type"] == "Microsoft.Resources/deployments"
                && resource["properties"]?["template"] is JsonObject nested)
            {
                var child = new ArmTemplate(
                    nested,
                    resource["properties"]?["parameters"] as JsonObject,
                    this,
                    (string?)resource["name"] ?? "?");
                foreach (var descendant in child.SelfAndModules())
                {
                    yield return descendant;
                }
            }
        }
    }

    /// <summary>Resources declared (not merely referenced as existing) in this template or any module.</summary>
    public IEnumerable<ArmResource> AllResources() =>
        SelfAndModules().SelectMany(t => t.OwnResources()
            .Where(r => r["existing"]?.GetValue<bool>() != true)
            .Select(r => new ArmResource(r, t)));

    public IEnumerable<ArmResource> ResourcesOfType(string type) =>
        AllResources().Where(r => string.Equals(r.Type, type, StringComparison.OrdinalIgnoreCase));

    public ArmResource Single(string type)
    {
        var matches = ResourcesOfType(type).ToList();
        Assert.True(matches.Count == 1, $"Expected one {type} in {Name}, found {matches.Count}.");
        return matches[0];
    }

    /// <summary>Resolves a value to a literal where the expression is one this class understands; otherwise returns it unchanged.</summary>
    public JsonNode? Resolve(JsonNode? value)
    {
        switch (value)
        {
            case JsonArray array:
                return new JsonArray(array.Select(Resolve).Select(n => n?.DeepClone()).ToArray());
            case JsonValue scalar when scalar.TryGetValue<string>(out var text) && text.StartsWith('['):
                return ResolveExpression(text) ?? value;
            default:
                return value;
        }
    }

    /// <summary>Resolve, then require a string literal.</summary>
    public string? ResolveString(JsonNode? value) =>
        Resolve(value) is JsonValue v && v.TryGetValue<string>(out var s) ? s : Resolve(value)?.ToJsonString();

    /// <summary>The value a parameter has in this template: what the parent passes, or the default.</summary>
    public JsonNode? ResolveParameter(string name)
    {
        if (SuppliedParameters?[name] is JsonObject supplied && Parent is not null)
        {
            return Parent.Resolve(supplied["value"]);
        }

        return Resolve(Parameters[name]?["defaultValue"]);
    }

    public JsonNode? ResolveVariable(string name) => Resolve(Variables[name]);

    private IEnumerable<JsonObject> OwnResources() =>
        Template["resources"] switch
        {
            JsonArray array => array.OfType<JsonObject>(),
            JsonObject symbolic => symbolic.Select(p => p.Value).OfType<JsonObject>(), // languageVersion 2.0
            _ => [],
        };

    private JsonNode? ResolveExpression(string text)
    {
        var expression = text[1..^1];

        var reference = Reference().Match(expression);
        if (reference.Success && reference.Length == expression.Length)
        {
            return ResolveReference(reference);
        }

        var toString = StringCall().Match(expression);
        if (toString.Success)
        {
            var inner = ResolveExpression($"[{toString.Groups["arg"].Value}]");
            return inner is JsonValue v
                ? JsonValue.Create(v.TryGetValue<string>(out var s) ? s : v.ToJsonString())
                : null;
        }

        var format = FormatCall().Match(expression);
        if (format.Success)
        {
            var arguments = new List<object?>();
            foreach (Match argument in Reference().Matches(format.Groups["args"].Value))
            {
                if (ResolveReference(argument) is not JsonValue v || !v.TryGetValue<string>(out var s) || s.StartsWith('['))
                {
                    return null;
                }

                arguments.Add(s);
            }

            return JsonValue.Create(string.Format(
                System.Globalization.CultureInfo.InvariantCulture,
                format.Groups["format"].Value,
                [.. arguments]));
        }

        return null;
    }

    private JsonNode? ResolveReference(Match reference)
    {
        var name = reference.Groups["name"].Value;
        var resolved = reference.Groups["kind"].Value == "parameters" ? ResolveParameter(name) : ResolveVariable(name);
        return resolved?.DeepClone();
    }

    [GeneratedRegex(@"(?<kind>parameters|variables)\('(?<name>[^']+)'\)", RegexOptions.CultureInvariant)]
    private static partial Regex Reference();

    [GeneratedRegex(@"^string\((?<arg>(parameters|variables)\('[^']+'\))\)$", RegexOptions.CultureInvariant)]
    private static partial Regex StringCall();

    [GeneratedRegex(@"^format\('(?<format>[^']*)'(?<args>(,\s*(parameters|variables)\('[^']+'\))*)\)$", RegexOptions.CultureInvariant)]
    private static partial Regex FormatCall();
}

/// <summary>A resource and the template it is declared in.</summary>
internal sealed record ArmResource(JsonObject Json, ArmTemplate Template)
{
    public string Type => (string?)Json["type"] ?? "";

    /// <summary>The resource's name as written: a literal or an ARM expression.</summary>
    public string RawName => (string?)Json["name"] ?? "";

    public JsonNode? Properties => Json["properties"];

    /// <summary>Resolved value at a path of property names under the resource, e.g. "properties", "sku", "name".</summary>
    public JsonNode? At(params string[] path)
    {
        JsonNode? node = Json;
        foreach (var step in path)
        {
            node = node?[step];
        }

        return Template.Resolve(node);
    }

    public string? StringAt(params string[] path) => At(path) is JsonValue v && v.TryGetValue<string>(out var s) ? s : At(path)?.ToJsonString();
}
