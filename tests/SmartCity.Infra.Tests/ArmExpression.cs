using System.Text.Json.Nodes;

namespace SmartCity.Infra.Tests;

/// <summary>
/// Evaluates the part of the ARM expression language Bicep emits for values known before a
/// deployment: string, number and boolean literals, parameters('x'), variables('x'), property
/// access (.name, ['name']) and indexing ([0]) on their values, string(...), format(...), the
/// logic Bicep emits for conditions and ternaries (if, not, and, or, empty, equals, length,
/// add, null) and for object and array expressions (createObject, createArray, concat, range,
/// and map over a lambda). Anything else (reference(), resourceId(), uniqueString()...) is
/// unknown until Azure evaluates it, and makes the whole expression unresolved (null), except
/// inside createObject and createArray, whose unknown members stay the expression text they
/// were (as in a template's own literal objects).
/// </summary>
internal sealed class ArmExpression
{
    private readonly string text;
    private readonly ArmTemplate template;
    private readonly IReadOnlyDictionary<string, JsonNode?> lambdaVariables;
    private int position;

    private ArmExpression(string text, ArmTemplate template, IReadOnlyDictionary<string, JsonNode?>? lambdaVariables = null)
    {
        this.text = text;
        this.template = template;
        this.lambdaVariables = lambdaVariables ?? new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
    }

    /// <summary>The literal an expression (without its brackets) evaluates to in a template, or null when it cannot be known.</summary>
    public static JsonNode? Evaluate(string expression, ArmTemplate template) =>
        TryEvaluate(expression, template, out var node) ? node : null;

    /// <summary>
    /// False when the expression is not one this reader can parse. Otherwise true, with the
    /// literal it evaluates to (JSON null included), or the expression text of the part that
    /// only a deployment knows.
    /// </summary>
    public static bool TryEvaluate(string expression, ArmTemplate template, out JsonNode? node)
    {
        var parser = new ArmExpression(expression, template);
        node = null;
        try
        {
            var value = parser.Expression();
            parser.SkipSpace();
            if (parser.position != expression.Length || (!value.IsKnown && value.Node is null))
            {
                return false;
            }

            node = value.Node;
            return true;
        }
        catch (FormatException)
        {
            return false; // not an expression this reader knows: leave it as written
        }
    }

    private Value Expression()
    {
        SkipSpace();
        var start = position;
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
                // Unknown: keep its text, so that an object or a chosen branch holding it says what it is.
                return value.IsKnown || value.Node is not null ? value : new Value(JsonValue.Create($"[{text[start..position].Trim()}]"), false);
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
        if (string.Equals(name, "lambda", StringComparison.OrdinalIgnoreCase))
        {
            return Lambda();
        }

        var arguments = new List<Value>();
        var texts = new List<string>();
        SkipSpace();
        if (!TryTake(')'))
        {
            do
            {
                SkipSpace();
                var start = position;
                arguments.Add(Expression());
                texts.Add(text[start..position].Trim());
                SkipSpace();
            }
            while (TryTake(','));
            Take(')');
        }

        return Call(name, arguments, texts);
    }

    /// <summary>lambda('name', body): the body is kept as text and evaluated for each element by map.</summary>
    private Value Lambda()
    {
        SkipSpace();
        var variable = StringLiteral();
        Take(',');
        SkipSpace();
        var start = position;
        _ = Expression(); // only to find where the body ends
        var body = text[start..position].Trim();
        Take(')');
        return Value.OfLambda(variable, body);
    }

    private Value Call(string function, List<Value> arguments, List<string> texts)
    {
        switch (function.ToUpperInvariant())
        {
            case "IF" when arguments.Count == 3:
                return arguments[0].Node is JsonValue condition && arguments[0].IsKnown && condition.TryGetValue<bool>(out var chosen)
                    ? arguments[chosen ? 1 : 2]
                    : Value.Unknown;
            case "CREATEOBJECT" when arguments.Count % 2 == 0 && Enumerable.Range(0, arguments.Count / 2).All(i => arguments[2 * i].Text is not null):
                return Value.Known(new JsonObject(Enumerable.Range(0, arguments.Count / 2)
                    .Select(i => KeyValuePair.Create(arguments[2 * i].Text!, AsMember(arguments[(2 * i) + 1], texts[(2 * i) + 1])))));
            case "CREATEARRAY":
                return Value.Known(new JsonArray([.. arguments.Select((a, i) => AsMember(a, texts[i]))]));
            case "LAMBDAVARIABLES" when arguments.Count == 1 && arguments[0].Text is { } variable:
                return lambdaVariables.TryGetValue(variable, out var bound) ? Value.Known(bound?.DeepClone()) : Value.Unknown;
            case "MAP" when arguments.Count == 2 && arguments[1].Lambda is { } lambda:
                return arguments[0].IsKnown && arguments[0].Node is JsonArray items ? Map(items, lambda) : Value.Unknown;
            default:
                break;
        }

        if (arguments.Any(a => !a.IsKnown))
        {
            return Value.Unknown;
        }

        switch (function.ToUpperInvariant())
        {
            case "NULL" when arguments.Count == 0:
                return Value.Known(null);
            case "NOT" when arguments.Count == 1 && arguments[0].Node is JsonValue b && b.TryGetValue<bool>(out var negated):
                return Value.Known(JsonValue.Create(!negated));
            case "AND" or "OR" when arguments.All(a => a.Node is JsonValue v && v.TryGetValue<bool>(out _)):
                var flags = arguments.Select(a => a.Node!.GetValue<bool>()).ToList();
                return Value.Known(JsonValue.Create(function.Equals("and", StringComparison.OrdinalIgnoreCase) ? flags.All(f => f) : flags.Any(f => f)));
            case "EMPTY" when arguments.Count == 1:
                return Value.Known(JsonValue.Create(arguments[0].Node switch
                {
                    null => true,
                    JsonArray array => array.Count == 0,
                    JsonObject obj => obj.Count == 0,
                    JsonValue v when v.TryGetValue<string>(out var s) => s.Length == 0,
                    _ => false,
                }));
            case "EQUALS" when arguments.Count == 2:
                return Value.Known(JsonValue.Create(JsonNode.DeepEquals(arguments[0].Node, arguments[1].Node)));
            case "LENGTH" when arguments.Count == 1:
                return arguments[0].Node switch
                {
                    JsonArray array => Value.Known(JsonValue.Create((long)array.Count)),
                    JsonObject obj => Value.Known(JsonValue.Create((long)obj.Count)),
                    JsonValue v when v.TryGetValue<string>(out var s) => Value.Known(JsonValue.Create((long)s.Length)),
                    _ => Value.Unknown,
                };
            case "ADD" when arguments.Count == 2 && arguments.All(a => a.Node is JsonValue v && v.TryGetValue<long>(out _)):
                return Value.Known(JsonValue.Create(arguments[0].Node!.GetValue<long>() + arguments[1].Node!.GetValue<long>()));
            case "RANGE" when arguments.Count == 2 && arguments.All(a => a.Node is JsonValue v && v.TryGetValue<long>(out _)):
                var first = arguments[0].Node!.GetValue<long>();
                return Value.Known(new JsonArray([.. Enumerable.Range(0, (int)arguments[1].Node!.GetValue<long>()).Select(i => (JsonNode?)JsonValue.Create(first + i))]));
            case "CONCAT" when arguments.Count > 0 && arguments.All(a => a.Node is JsonArray):
                return Value.Known(new JsonArray([.. arguments.SelectMany(a => a.Node!.AsArray()).Select(n => n?.DeepClone())]));
            case "CONCAT" when arguments.All(a => a.Node is JsonValue):
                return Value.Known(JsonValue.Create(string.Concat(arguments.Select(a => a.Text ?? a.Node!.ToJsonString()))));
            default:
                break;
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
            case "BOOL" when arguments.Count == 1 && bool.TryParse(arguments[0].Text ?? arguments[0].Node?.ToJsonString(), out var parsed):
                return Value.Known(JsonValue.Create(parsed));
            case "TRUE" when arguments.Count == 0:
                return Value.Known(JsonValue.Create(true));
            case "FALSE" when arguments.Count == 0:
                return Value.Known(JsonValue.Create(false));
            default:
                return Value.Unknown;
        }
    }

    /// <summary>A member of createObject/createArray: its value, or the expression text while it is unknown.</summary>
    private static JsonNode? AsMember(Value value, string expressionText) =>
        value.IsKnown ? value.Node?.DeepClone() : value.Node?.DeepClone() ?? JsonValue.Create($"[{expressionText}]");

    private Value Map(JsonArray items, (string Variable, string Body) lambda)
    {
        var mapped = new JsonArray();
        foreach (var item in items)
        {
            var variables = new Dictionary<string, JsonNode?>(lambdaVariables, StringComparer.Ordinal) { [lambda.Variable] = item };
            var result = new ArmExpression(lambda.Body, template, variables).Expression();
            if (!result.IsKnown)
            {
                return Value.Unknown;
            }

            mapped.Add(result.Node?.DeepClone());
        }

        return Value.Known(mapped);
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
    private readonly record struct Value(JsonNode? Node, bool IsKnown, (string Variable, string Body)? Lambda = null)
    {
        public static Value Unknown => new(null, false);

        /// <summary>A lambda: known as a function, not as a value.</summary>
        public static Value OfLambda(string variable, string body) => new(null, true, (variable, body));

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
