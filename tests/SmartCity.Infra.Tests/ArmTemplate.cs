using System.Text.Json.Nodes;

namespace SmartCity.Infra.Tests;

/// <summary>
/// One template in a compiled ARM JSON tree: the root, or a module's nested template with the
/// parameter values its parent passes. Resolves the simple expressions Bicep emits
/// (parameters('x'), variables('x'), their properties such as parameters('settings').name,
/// string(...), format('...', ...)) back to literals across module boundaries, so tests can
/// assert on the values a deployment with default parameters would get.
/// </summary>
internal sealed class ArmTemplate
{
    private readonly IReadOnlyDictionary<string, JsonNode?> parameterValues;

    private ArmTemplate(JsonObject template, JsonObject? suppliedParameters, ArmTemplate? parent, string name, IReadOnlyDictionary<string, JsonNode?>? parameterValues = null)
    {
        Template = template;
        SuppliedParameters = suppliedParameters;
        Parent = parent;
        Name = name;
        this.parameterValues = parameterValues ?? new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
    }

    public JsonObject Template { get; }

    public JsonObject? SuppliedParameters { get; }

    public ArmTemplate? Parent { get; }

    /// <summary>File name for the root, deployment (module) name for nested templates.</summary>
    public string Name { get; }

    public static ArmTemplate Parse(string json, string name) =>
        new(JsonNode.Parse(json)!.AsObject(), null, null, name);

    /// <summary>
    /// The same root template deployed with some parameters given (the rest keep their
    /// defaults), so tests can resolve what a deployment with a feature turned on would get.
    /// </summary>
    public ArmTemplate WithParameters(IReadOnlyDictionary<string, JsonNode?> values)
    {
        if (Parent is not null)
        {
            throw new InvalidOperationException("Only a root template takes parameter values; modules get theirs from the parent.");
        }

        foreach (var name in values.Keys)
        {
            Assert.True(Parameters.ContainsKey(name), $"{Name} has no parameter {name}.");
        }

        return new ArmTemplate(Template, null, null, Name, values);
    }

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

    /// <summary>
    /// Resolves a value to a literal where the expression is one this class understands; otherwise
    /// returns it unchanged. Arrays and objects are resolved element by element.
    /// </summary>
    public JsonNode? Resolve(JsonNode? value)
    {
        switch (value)
        {
            case JsonArray array:
                return new JsonArray(array.Select(Resolve).Select(n => n?.DeepClone()).ToArray());
            case JsonObject obj:
                return new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key, Resolve(p.Value)?.DeepClone())));
            case JsonValue scalar when scalar.TryGetValue<string>(out var text) && IsExpression(text):
                return ArmExpression.TryEvaluate(text[1..^1], this, out var resolved) ? resolved : value;
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

        if (parameterValues.TryGetValue(name, out var given))
        {
            return given?.DeepClone();
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

    /// <summary>"[...]" is an ARM expression; "[[..." is a literal string that starts with "[".</summary>
    internal static bool IsExpression(string text) =>
        text.Length >= 2 && text[0] == '[' && text[1] != '[' && text[^1] == ']';
}
