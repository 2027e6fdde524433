using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Rgsud.Strategy.Banks;

/// <summary>
/// Validates reward-bank ids and derives safe file names from them. An id is a relative, '/'-separated path
/// (the rainy image's path under the rainy root); it is never used as a file-system path itself: reward files are
/// named from a sanitised copy of the id plus a hash of it, so no id can reach outside the bank's folder.
/// </summary>
internal static class RewardIds
{
    /// <summary>The longest id accepted, in UTF-16 code units.</summary>
    internal const int MaxLength = 1024;

    /// <summary>The longest sanitised id prefix kept in a file name.</summary>
    private const int MaxStemLength = 64;

    /// <summary>The longest reward file name accepted from a manifest.</summary>
    private const int MaxFileNameLength = 200;

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="id"/> is a valid id.</summary>
    public static void Validate(string id, string paramName = "id")
    {
        ArgumentNullException.ThrowIfNull(id, paramName);
        var problem = Problem(id);
        if (problem is not null)
        {
            throw new ArgumentException($"Invalid reward bank id {Describe(id)}: {problem}.", paramName);
        }
    }

    /// <summary>Why <paramref name="id"/> is not a valid id, or null when it is.</summary>
    public static string? Problem(string id)
    {
        if (id.Length == 0) return "an id must not be empty";
        if (id.Length > MaxLength)
        {
            return string.Create(CultureInfo.InvariantCulture, $"an id must be at most {MaxLength} characters long (this one has {id.Length})");
        }

        for (int i = 0; i < id.Length; i++)
        {
            char c = id[i];
            if (char.IsControl(c))
            {
                return string.Create(CultureInfo.InvariantCulture, $"control character U+{(int)c:X4} at position {i} is not allowed");
            }

            if (c == '\\') return "backslashes are not allowed; ids use '/' as the separator";
            if (char.IsHighSurrogate(c) && i + 1 < id.Length && char.IsLowSurrogate(id[i + 1]))
            {
                i++;
                continue;
            }

            if (char.IsSurrogate(c))
            {
                return string.Create(CultureInfo.InvariantCulture, $"unpaired UTF-16 surrogate at position {i}");
            }
        }

        if (id[0] == '/') return "ids are relative paths; a rooted path (leading '/') is not allowed";
        if (id.Length >= 2 && id[1] == ':' && char.IsAsciiLetter(id[0])) return "a drive prefix such as 'C:' is not allowed";
        if (Path.IsPathRooted(id)) return "ids are relative paths; a rooted path is not allowed";
        foreach (var segment in id.Split('/'))
        {
            if (segment.Length == 0) return "empty path segment (leading, trailing or doubled '/')";
            if (segment is "." or "..") return $"'{segment}' path segments are not allowed";
        }

        return null;
    }

    /// <summary>The id quoted for messages, with control characters escaped and long ids shortened.</summary>
    public static string Describe(string id)
    {
        var sb = new StringBuilder(Math.Min(id.Length, 120) + 2);
        sb.Append('\'');
        for (int i = 0; i < id.Length && i < 120; i++)
        {
            char c = id[i];
            if (char.IsControl(c) || char.IsSurrogate(c))
            {
                sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            }
            else
            {
                sb.Append(c);
            }
        }

        if (id.Length > 120) sb.Append("...");
        sb.Append('\'');
        return sb.ToString();
    }

    /// <summary>
    /// The file name a saved bank uses for <paramref name="id"/>'s reward: the id with '/' replaced by "__", every
    /// character outside [A-Za-z0-9._-] replaced by '_', cut to 64 characters, then '.', the first 12 hex digits
    /// of the SHA-256 of the id (so distinct ids never share a name, whatever the case rules of the file system)
    /// and ".png".
    /// </summary>
    public static string CanonicalFileName(string id) => Stem(id) + ".png";

    /// <summary>A fresh file name for a new version of <paramref name="id"/>'s reward (canonical stem plus a random token).</summary>
    public static string VersionedFileName(string id) =>
        Stem(id) + "." + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)) + ".png";

    /// <summary>Why <paramref name="name"/> is not an acceptable reward file name (a plain name inside rewards/), or null.</summary>
    public static string? FileNameProblem(string name)
    {
        if (name.Length == 0) return "the file name is empty";
        if (name.Length > MaxFileNameLength) return "the file name is too long";
        if (name is "." or "..") return "the file name is not a plain file name";
        foreach (char c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
            {
                return "the file name must be a plain name inside rewards/ made of [A-Za-z0-9._-] (no separators or '..' paths)";
            }
        }

        if (!name.EndsWith(".png", StringComparison.Ordinal)) return "the file name must end with .png";
        return null;
    }

    private static string Stem(string id)
    {
        var sb = new StringBuilder(MaxStemLength + 16);
        foreach (char c in id.Replace("/", "__", StringComparison.Ordinal))
        {
            if (sb.Length >= MaxStemLength) break;
            sb.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_');
        }

        sb.Append('.');
        sb.Append(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)).AsSpan(0, 6)));
        return sb.ToString();
    }
}
