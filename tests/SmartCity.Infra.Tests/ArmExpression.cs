using System.Text.Json.Nodes;

namespace SmartCity.Infra.Tests;

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
