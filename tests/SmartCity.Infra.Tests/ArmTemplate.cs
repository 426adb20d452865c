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
                return ArmExpression.Evaluate(text[1..^1], this) ?? value;
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

    /// <summary>"[...]" is an ARM expression; "[[..." is a literal string that starts with "[".</summary>
    internal static bool IsExpression(string text) =>
        text.Length >= 2 && text[0] == '[' && text[1] != '[' && text[^1] == ']';
}

/// <summary>
/// Evaluates the part of the ARM expression language Bicep emits for values known before a
/// deployment: string, number and boolean literals, parameters('x'), variables('x'), property
/// access (.name, ['name']) and indexing ([0]) on their values, string(...) and format(...).
/// Anything else (reference(), resourceId(), uniqueString()...) is unknown until Azure evaluates
/// it, and makes the whole expression unresolved (null).
/// </summary>
internal sealed class ArmExpression
{
    private readonly string text;
    private readonly ArmTemplate template;
    private int position;

    private ArmExpression(string text, ArmTemplate template)
    {
        this.text = text;
        this.template = template;
    }

    /// <summary>The literal an expression (without its brackets) evaluates to in a template, or null when it cannot be known.</summary>
    public static JsonNode? Evaluate(string expression, ArmTemplate template)
    {
        var parser = new ArmExpression(expression, template);
        try
        {
            var value = parser.Expression();
            parser.SkipSpace();
            return parser.position == expression.Length ? value.Node : null;
        }
        catch (FormatException)
        {
            return null; // not an expression this reader knows: leave it as written
        }
    }

    private Value Expression()
    {
        var value = Primary();
        while (true)
        {
            SkipSpace();
            if (TryTake('.'))
            {
                value = value.Member(Identifier());
            }
            else if (TryTake('['))
            {
                var index = Expression();
                Take(']');
                value = value.Index(index);
            }
            else
            {
                return value;
            }
        }
    }

    private Value Primary()
    {
        SkipSpace();
        if (position >= text.Length)
        {
            throw Malformed();
        }

        var c = text[position];
        if (c == '\'')
        {
            return Value.Known(JsonValue.Create(StringLiteral()));
        }

        if (c == '-' || char.IsAsciiDigit(c))
        {
            var start = position++;
            while (position < text.Length && char.IsAsciiDigit(text[position]))
            {
                position++;
            }

            return Value.Known(JsonValue.Create(long.Parse(text.AsSpan(start, position - start), System.Globalization.CultureInfo.InvariantCulture)));
        }

        var name = Identifier();
        Take('(');
        var arguments = new List<Value>();
        SkipSpace();
        if (!TryTake(')'))
        {
            do
            {
                arguments.Add(Expression());
                SkipSpace();
            }
            while (TryTake(','));
            Take(')');
        }

        return Call(name, arguments);
    }

    private Value Call(string function, List<Value> arguments)
    {
        if (arguments.Any(a => !a.IsKnown))
        {
            return Value.Unknown;
        }

        switch (function.ToUpperInvariant())
        {
            case "PARAMETERS" when arguments.Count == 1 && arguments[0].Text is { } name:
                return Value.Of(template.ResolveParameter(name));
            case "VARIABLES" when arguments.Count == 1 && arguments[0].Text is { } name:
                return Value.Of(template.ResolveVariable(name));
            case "STRING" when arguments.Count == 1:
                return Value.Known(JsonValue.Create(arguments[0].Text ?? arguments[0].Node!.ToJsonString()));
            case "FORMAT" when arguments.Count >= 1 && arguments[0].Text is { } format:
                return arguments.Skip(1).All(a => a.Node is JsonValue)
                    ? Value.Known(JsonValue.Create(string.Format(
                        System.Globalization.CultureInfo.InvariantCulture,
                        format,
                        [.. arguments.Skip(1).Select(a => a.Text ?? a.Node!.ToJsonString())])))
                    : Value.Unknown;
            case "TRUE" when arguments.Count == 0:
                return Value.Known(JsonValue.Create(true));
            case "FALSE" when arguments.Count == 0:
                return Value.Known(JsonValue.Create(false));
            default:
                return Value.Unknown;
        }
    }

    private string StringLiteral()
    {
        Take('\'');
        var builder = new System.Text.StringBuilder();
        while (true)
        {
            if (position >= text.Length)
            {
                throw Malformed();
            }

            var c = text[position++];
            if (c != '\'')
            {
                builder.Append(c);
            }
            else if (position < text.Length && text[position] == '\'')
            {
                builder.Append('\''); // '' is an escaped quote
                position++;
            }
            else
            {
                return builder.ToString();
            }
        }
    }

    private string Identifier()
    {
        SkipSpace();
        var start = position;
        while (position < text.Length && (char.IsAsciiLetterOrDigit(text[position]) || text[position] is '_' or '$'))
        {
            position++;
        }

        return position > start ? text[start..position] : throw Malformed();
    }

    private void SkipSpace()
    {
        while (position < text.Length && char.IsWhiteSpace(text[position]))
        {
            position++;
        }
    }

    private bool TryTake(char c)
    {
        SkipSpace();
        if (position < text.Length && text[position] == c)
        {
            position++;
            return true;
        }

        return false;
    }

    private void Take(char c)
    {
        if (!TryTake(c))
        {
            throw Malformed();
        }
    }

    private FormatException Malformed() => new($"Cannot read the ARM expression [{text}] at position {position}.");

    /// <summary>
    /// An evaluated value. Known: a literal. Otherwise it depends on something only a deployment
    /// knows; Node is then the expression it came to (e.g. a parent's reference(...)), or null.
    /// </summary>
    private readonly record struct Value(JsonNode? Node, bool IsKnown)
    {
        public static Value Unknown => new(null, false);

        /// <summary>The string, if the value is a known one.</summary>
        public string? Text => IsKnown && Node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

        public static Value Known(JsonNode? node) => new(node, true);

        /// <summary>A value a template resolved: known unless it is still an expression, or absent.</summary>
        public static Value Of(JsonNode? node) =>
            node is null ? Unknown
            : node is JsonValue v && v.TryGetValue<string>(out var s) && ArmTemplate.IsExpression(s) ? new(node.DeepClone(), false)
            : Known(node.DeepClone());

        public Value Member(string name) =>
            IsKnown && Node is JsonObject obj && obj.TryGetPropertyValue(name, out var member) ? Of(member) : Unknown;

        public Value Index(Value index)
        {
            if (!IsKnown || !index.IsKnown)
            {
                return Unknown;
            }

            if (index.Text is { } name)
            {
                return Member(name);
            }

            return Node is JsonArray array && index.Node is JsonValue n && n.TryGetValue<long>(out var i) && i >= 0 && i < array.Count
                ? Of(array[(int)i])
                : Unknown;
        }
    }
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
