using System.Globalization;
using System.Text;

namespace Rgsud.Rewards.Niqe;

/// <summary>
/// Parses the Python dict literal of a <c>.npy</c> header, e.g.
/// <c>{'descr': '&lt;f8', 'fortran_order': False, 'shape': (1, 36), }</c>: string keys; string, boolean and
/// integer-tuple values. Anything else throws a <see cref="FormatException"/>.
/// </summary>
internal sealed class HeaderParser(string text)
{
    private int pos;

    /// <summary>Parses the whole text as a dict; string values are strings, booleans bools, tuples <see cref="List{T}"/> of long.</summary>
    public Dictionary<string, object> ParseDict()
    {
        var result = new Dictionary<string, object>(StringComparer.Ordinal);
        SkipSpace();
        Expect('{');
        while (true)
        {
            SkipSpace();
            if (Peek() == '}') { pos++; break; }
            var key = ParseString();
            SkipSpace();
            Expect(':');
            SkipSpace();
            result[key] = ParseValue();
            SkipSpace();
            if (Peek() == ',') { pos++; continue; }
            SkipSpace();
            Expect('}');
            break;
        }
        SkipSpace();
        if (pos != text.Length) throw new FormatException($"unexpected text after the dict at offset {pos}");
        return result;
    }

    private object ParseValue()
    {
        char c = Peek();
        if (c is '\'' or '"') return ParseString();
        if (c == '(') return ParseTuple();
        if (Match("True")) return true;
        if (Match("False")) return false;
        throw new FormatException($"unsupported value at offset {pos}");
    }

    private List<long> ParseTuple()
    {
        Expect('(');
        var items = new List<long>();
        while (true)
        {
            SkipSpace();
            if (Peek() == ')') { pos++; return items; }
            int start = pos;
            while (pos < text.Length && (char.IsAsciiDigit(text[pos]) || text[pos] == '-')) pos++;
            if (start == pos || !long.TryParse(text.AsSpan(start, pos - start), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v))
                throw new FormatException($"expected an integer at offset {start}");
            // Python 2 era headers may write 36L.
            if (pos < text.Length && text[pos] == 'L') pos++;
            items.Add(v);
            SkipSpace();
            if (Peek() == ',') { pos++; continue; }
            SkipSpace();
            Expect(')');
            return items;
        }
    }

    private string ParseString()
    {
        char quote = Peek();
        if (quote is not ('\'' or '"')) throw new FormatException($"expected a string at offset {pos}");
        pos++;
        var sb = new StringBuilder();
        while (pos < text.Length && text[pos] != quote)
        {
            if (text[pos] == '\\' && pos + 1 < text.Length) pos++;
            sb.Append(text[pos++]);
        }
        Expect(quote);
        return sb.ToString();
    }

    private bool Match(string word)
    {
        if (string.CompareOrdinal(text, pos, word, 0, word.Length) != 0) return false;
        pos += word.Length;
        return true;
    }

    private char Peek() => pos < text.Length ? text[pos] : '\0';

    private void Expect(char c)
    {
        if (Peek() != c) throw new FormatException($"expected '{c}' at offset {pos}");
        pos++;
    }

    private void SkipSpace()
    {
        while (pos < text.Length && char.IsWhiteSpace(text[pos])) pos++;
    }
}
