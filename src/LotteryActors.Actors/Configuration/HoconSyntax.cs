using System.Globalization;
using System.Text;

namespace LotteryActors.Actors.Configuration;

/// <summary>
/// A strict syntax check of the HOCON this project reads, run before Akka's parser because Akka's parser accepts
/// broken input (an unclosed string, a stray brace) or loops on it (<c>[1, }</c>). It knows objects, arrays,
/// dotted and quoted keys, <c>=</c>/<c>:</c>/<c>{</c> separators, quoted, triple-quoted and unquoted strings
/// (numbers, booleans and null are unquoted strings to it), <c>#</c> and <c>//</c> comments, and
/// <c>include "file"</c>; everything else (substitutions, <c>+=</c>, trailing commas) is refused with the line
/// and column and what was expected there.
/// </summary>
public sealed class HoconSyntax
{
    /// <summary>Deep enough for any real config; shallow enough that <c>[[[[...</c> cannot exhaust the stack.</summary>
    public const int MaxDepth = 64;

    /// <summary>Characters HOCON does not allow in an unquoted string.</summary>
    private const string Forbidden = "$\"{}[]:=,+#`^?!@*&\\";

    private readonly string text;
    private readonly string origin;
    private readonly List<HoconInclude> includes = [];
    private readonly List<HoconField> fields = [];
    private int position;
    private int line = 1;
    private int lineStart;

    private HoconSyntax(string text, string origin)
    {
        this.text = text;
        this.origin = origin;
    }

    /// <summary>The <c>include</c> directives and the fields (outside arrays) of a syntactically valid text.</summary>
    public sealed record Outline(IReadOnlyList<HoconInclude> Includes, IReadOnlyList<HoconField> Fields);

    /// <summary>Checks <paramref name="text"/>; the first problem is a <see cref="ConfigFileException"/>.</summary>
    public static Outline Check(string text, string origin)
    {
        var syntax = new HoconSyntax(text, origin);
        syntax.RejectOddWhitespace();
        syntax.Root();
        return new Outline(syntax.includes, syntax.fields);
    }

    /// <summary>
    /// Akka reads a lone carriage return and some Unicode spaces as line breaks inside keys, so anything but
    /// spaces, tabs and (CR)LF line ends is refused up front.
    /// </summary>
    private void RejectOddWhitespace()
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var lone = c == '\r' && (i + 1 == text.Length || text[i + 1] != '\n');
            if (!lone && (c is ' ' or '\t' or '\n' or '\r' || !char.IsWhiteSpace(c) || (c == '\uFEFF' && i == 0)))
                continue;
            line = 1 + text.AsSpan(0, i).Count('\n');
            lineStart = text.LastIndexOf('\n', Math.Max(0, i - 1)) + 1;
            position = i;
            throw Error(lone
                ? "a carriage return without a line feed; save the file with \\n or \\r\\n line ends"
                : $"the whitespace character U+{(int)c:X4}; use spaces");
        }
    }

    private void Root()
    {
        SkipBlank(newlines: true);
        if (Peek() == '[')
            throw Error("a config file is an object of settings, not an array");
        if (Peek() == '{')
        {
            var open = Here();
            position++;
            Body("", 1, closer: '}', open);
            SkipBlank(newlines: true);
            if (!AtEnd)
                throw Error($"expected the end of the file after the '}}' that closes the '{{' at {open}, " +
                            $"found {Describe()}");
            return;
        }
        Body("", 0, closer: null, open: null);
    }

    /// <summary>The fields of an object up to <paramref name="closer"/> (the end of the file for the root).</summary>
    private void Body(string prefix, int depth, char? closer, string? open)
    {
        if (depth > MaxDepth)
            throw Error($"objects and arrays are nested more than {MaxDepth} deep");
        while (true)
        {
            SkipBlank(newlines: true);
            if (AtEnd)
            {
                if (closer is null)
                    return;
                throw Error($"expected '}}' to close the '{{' at {open}, found the end of the file");
            }
            if (Peek() == closer)
            {
                position++;
                return;
            }
            if (Peek() is '}' or ']')
                throw Error(closer is null
                    ? $"unexpected '{Peek()}': no '{{' or '[' is open here"
                    : $"expected a key or '}}' to close the '{{' at {open}, found '{Peek()}'");
            var objectValue = Field(prefix, depth);
            SkipBlank(newlines: false);
            if (AtEnd || Peek() == closer)
                continue;
            if (Peek() == '\n')
                continue;
            if (Peek() is '}' or ']')
                throw Error(closer is null
                    ? $"unexpected '{Peek()}': no '{{' or '[' is open here"
                    : $"expected ',', a new line or '}}' to close the '{{' at {open}, found '{Peek()}'");
            if (Peek() != ',')
                throw Error($"expected ',', a new line or {(closer is null ? "the end of the file" : "'}'")} " +
                            $"after a value, found {Describe()}");
            if (objectValue)
                throw Error("Akka's HOCON does not take ',' after an object's '}'; start the next key on a new line");
            position++;
            SkipBlank(newlines: true);
            if (AtEnd || Peek() == closer || Peek() == ',')
                throw Error($"expected a key after ',', found {Describe()}");
        }
    }

    /// <summary>Checks one field; true when its value is an object.</summary>
    private bool Field(string prefix, int depth)
    {
        var start = Here();
        var startLine = line;
        var startColumn = Column;
        if (TryInclude(prefix, startLine, startColumn))
            return false;
        var key = Key();
        var path = prefix.Length == 0 ? key : $"{prefix}.{key}";
        fields.Add(new HoconField(path, origin, startLine, startColumn));
        SkipBlank(newlines: false);
        if (Peek() == '{')
        {
            var open = Here();
            position++;
            Body(path, depth + 1, '}', open);
            return true;
        }
        if (Peek() is '=' or ':')
        {
            position++;
            SkipBlank(newlines: true);
            return Value(path, depth, start);
        }
        if (Peek() == '+' && Next() == '=')
            throw Error("'+=' is not supported; write the whole list");
        throw Error($"expected '=', ':' or '{{' after the key '{key}', found {Describe()}");
    }

    private bool TryInclude(string prefix, int startLine, int startColumn)
    {
        const string keyword = "include";
        if (string.CompareOrdinal(text, position, keyword, 0, keyword.Length) != 0)
            return false;
        var after = position + keyword.Length;
        if (after < text.Length && !IsBlank(text[after]))
            return false;
        position = after;
        SkipBlank(newlines: false);
        if (Peek() != '"')
            throw Error("expected a quoted file name after 'include' (only include \"file\" is supported), " +
                        $"found {Describe()}");
        var name = QuotedString();
        if (name.Length == 0)
            throw Error("'include' needs a file name, found \"\"");
        includes.Add(new HoconInclude(name, prefix, origin, startLine, startColumn));
        return true;
    }

    /// <summary>A dotted path of unquoted and quoted elements, written without spaces.</summary>
    private string Key()
    {
        var segments = new List<string>();
        var current = new StringBuilder();
        var hasContent = false;
        var start = position;
        while (!AtEnd)
        {
            var c = Peek();
            if (c == '"')
            {
                if (string.CompareOrdinal(text, position, "\"\"\"", 0, 3) == 0)
                    throw Error("a key cannot be a triple-quoted string");
                current.Append(QuotedString());
                hasContent = true;
            }
            else if (c == '.')
            {
                if (!hasContent)
                    throw Error("a key has an empty element (two dots, or a dot at its start)");
                segments.Add(current.ToString());
                current.Clear();
                hasContent = false;
                position++;
            }
            else if (IsUnquoted(c) && !StartsComment())
            {
                current.Append(c);
                hasContent = true;
                position++;
            }
            else
                break;
        }
        if (position == start)
            throw Error($"expected a key, found {Describe()}");
        if (!hasContent)
            throw Error("a key ends with a dot");
        segments.Add(current.ToString());
        return string.Join('.', segments);
    }

    private bool Value(string path, int depth, string fieldStart)
    {
        if (AtEnd)
            throw Error($"expected a value for '{path}', found the end of the file");
        switch (Peek())
        {
            case '{':
            {
                var open = Here();
                position++;
                Body(path, depth + 1, '}', open);
                return true;
            }
            case '[':
                Array(depth + 1);
                return false;
            default:
                SimpleValues(path, fieldStart);
                return false;
        }
    }

    private void Array(int depth)
    {
        if (depth > MaxDepth)
            throw Error($"objects and arrays are nested more than {MaxDepth} deep");
        var open = Here();
        position++;
        SkipBlank(newlines: true);
        if (Peek() == ']')
        {
            position++;
            return;
        }
        while (true)
        {
            SkipBlank(newlines: true);
            if (AtEnd)
                throw Error($"expected ']' to close the '[' at {open}, found the end of the file");
            if (Peek() is ']' or ',' or '}')
                throw Error($"expected a value in the list opened at {open}, found '{Peek()}'");
            Element(depth);
            SkipBlank(newlines: false);
            var sawNewline = Peek() == '\n';
            SkipBlank(newlines: true);
            if (AtEnd)
                throw Error($"expected ']' to close the '[' at {open}, found the end of the file");
            if (Peek() == ']')
            {
                position++;
                return;
            }
            if (Peek() == ',')
            {
                position++;
                SkipBlank(newlines: true);
                if (Peek() is ']' or ',')
                    throw Error($"expected a value after ',' in the list opened at {open}, found '{Peek()}'");
                continue;
            }
            if (!sawNewline)
                throw Error($"expected ',' or ']' in the list opened at {open}, found {Describe()}");
        }
    }

    private void Element(int depth)
    {
        switch (Peek())
        {
            case '{':
            {
                var open = Here();
                position++;
                // Fields inside lists have no fixed path, so they are checked but not outlined.
                var outlined = fields.Count;
                Body("[]", depth + 1, '}', open);
                fields.RemoveRange(outlined, fields.Count - outlined);
                break;
            }
            case '[':
                Array(depth + 1);
                break;
            default:
                SimpleValues("list element", Here());
                break;
        }
    }

    /// <summary>One or more strings, numbers or words on one line, which HOCON joins into one string.</summary>
    private void SimpleValues(string path, string fieldStart)
    {
        var any = false;
        while (!AtEnd)
        {
            var c = Peek();
            if (c == '"')
            {
                if (string.CompareOrdinal(text, position, "\"\"\"", 0, 3) == 0)
                    TripleQuotedString();
                else
                    QuotedString();
            }
            else if (c == '$')
                throw Error("substitutions (${...}) are not supported; write the value itself");
            else if (IsUnquoted(c) && !StartsComment())
            {
                while (!AtEnd && IsUnquoted(Peek()) && !StartsComment())
                    position++;
            }
            else if (c != '\n' && IsBlank(c) && any)
            {
                var save = (position, line, lineStart);
                SkipBlank(newlines: false);
                if (AtEnd || Peek() is '\n' or ',' or '}' or ']' || StartsComment() || Peek() == '#')
                    return;
                if (Peek() is '{' or '[')
                    throw Error($"a value of '{path}' cannot join a string with an object or list");
                (position, line, lineStart) = save;
                position++;
                continue;
            }
            else
                break;
            any = true;
        }
        if (!any)
            throw Error(AtEnd
                ? $"expected a value for '{path}' (the field starts at {fieldStart}), found the end of the file"
                : $"expected a value for '{path}', found {Describe()}{Hint(Peek())}");
        if (!AtEnd && Peek() is '{' or '[')
            throw Error($"a value of '{path}' cannot join a string with an object or list");
        if (!AtEnd && Peek() is not ('\n' or ',' or '}' or ']' or ' ' or '\t' or '#') && !StartsComment()
            && !IsBlank(Peek()))
            throw Error($"unexpected {Describe()} in the value of '{path}'{Hint(Peek())}");
    }

    private static string Hint(char c) =>
        Forbidden.Contains(c) && c is not ('{' or '}' or '[' or ']' or ',') ? "; quote strings that contain it" : "";

    /// <summary>A "..." string with JSON escapes, on one line; returns its content.</summary>
    private string QuotedString()
    {
        var open = Here();
        position++;
        var content = new StringBuilder();
        while (true)
        {
            if (AtEnd || Peek() == '\n')
                throw Error($"the string that starts at {open} is not closed on its line (a '\"' is missing)");
            var c = text[position++];
            if (c == '"')
                return content.ToString();
            if (c == '\\')
            {
                if (AtEnd)
                    throw Error($"the string that starts at {open} is not closed before the end of the file");
                var e = text[position++];
                switch (e)
                {
                    case '"' or '\\' or '/': content.Append(e); break;
                    case 'b': content.Append('\b'); break;
                    case 'f': content.Append('\f'); break;
                    case 'n': content.Append('\n'); break;
                    case 'r': content.Append('\r'); break;
                    case 't': content.Append('\t'); break;
                    case 'u' when position + 4 <= text.Length && int.TryParse(text.AsSpan(position, 4),
                        NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code):
                        content.Append((char)code);
                        position += 4;
                        break;
                    case '\n':
                        position--;
                        throw Error($"the string that starts at {open} is not closed on its line (a '\"' is missing)");
                    default:
                        position--;
                        throw Error($"unknown escape '\\{e}' in a string; " +
                                    "allowed: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX");
                }
                continue;
            }
            if (char.IsControl(c) && c != '\t')
            {
                position--;
                throw Error($"control character U+{(int)c:X4} in a string");
            }
            content.Append(c);
        }
    }

    private void TripleQuotedString()
    {
        var open = Here();
        var close = text.IndexOf("\"\"\"", position + 3, StringComparison.Ordinal);
        if (close < 0)
            throw Error($"the \"\"\" string that starts at {open} is never closed");
        position += 3;
        // Quotes right before the closing three belong to the string.
        while (close + 3 < text.Length && text[close + 3] == '"')
            close++;
        while (position < close + 3)
            Advance();
    }

    private void SkipBlank(bool newlines)
    {
        while (!AtEnd)
        {
            var c = Peek();
            if (c == '#' || StartsComment())
            {
                while (!AtEnd && Peek() != '\n')
                    position++;
            }
            else if (c == '\n' && newlines)
                Advance();
            else if (c != '\n' && IsBlank(c))
                position++;
            else if (char.IsControl(c) && c != '\n')
                throw Error($"unexpected control character U+{(int)c:X4}");
            else
                return;
        }
    }

    private void Advance()
    {
        if (text[position] == '\n')
        {
            line++;
            lineStart = position + 1;
        }
        position++;
    }

    private static bool IsBlank(char c) => c is ' ' or '\t' or '\r' or '\uFEFF';

    private static bool IsUnquoted(char c) =>
        !IsBlank(c) && !char.IsWhiteSpace(c) && !char.IsControl(c) && !Forbidden.Contains(c);

    private bool StartsComment() => Peek() == '/' && Next() == '/';

    private bool AtEnd => position >= text.Length;

    private char Peek() => AtEnd ? '\0' : text[position];

    private char Next() => position + 1 < text.Length ? text[position + 1] : '\0';

    private int Column => position - lineStart + 1;

    private string Here() => $"{line}:{Column}";

    private string Describe()
    {
        if (AtEnd)
            return "the end of the file";
        var c = Peek();
        if (c == '\n')
            return "the end of the line";
        if (char.IsControl(c) || c == '\uFFFD')
            return $"the character U+{(int)c:X4}";
        var word = position;
        while (word < text.Length && IsUnquoted(text[word]) && word - position < 20)
            word++;
        return word > position + 1 ? $"'{text[position..word]}'" : $"'{c}'";
    }

    private ConfigFileException Error(string problem) => new($"{origin}:{line}:{Column}", problem);
}

/// <summary>An <c>include "Name"</c> directive inside the object at <see cref="Prefix"/> ("" for the root).</summary>
public sealed record HoconInclude(string Name, string Prefix, string File, int Line, int Column)
{
    public string Location => $"{File}:{Line}:{Column}";
}

/// <summary>Where a key path is set: a key set in several places keeps each place.</summary>
public sealed record HoconField(string Path, string File, int Line, int Column)
{
    public string Location => $"{File}:{Line}:{Column}";
}
