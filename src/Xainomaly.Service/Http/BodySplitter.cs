namespace Xainomaly.Service.Http;

/// <summary>
/// Splits a request body into records without parsing them: one object, or the elements of a top-level array. The
/// scan only tracks strings and bracket depth, so one malformed element (NaN, a missing quote inside an object) is
/// rejected on its own while its neighbours are scored.
/// </summary>
internal static class BodySplitter
{
    /// <summary>The records' byte ranges, or null (with <paramref name="error"/>) when the body is not JSON records at all.</summary>
    public static List<ReadOnlyMemory<byte>>? Split(ReadOnlyMemory<byte> body, out string? error)
    {
        error = null;
        var span = body.Span;
        int start = 0;
        if (span.StartsWith("\uFEFF"u8)) start = 3;
        while (start < span.Length && IsSpace(span[start])) start++;
        int end = span.Length;
        while (end > start && IsSpace(span[end - 1])) end--;
        if (start >= end)
        {
            error = "the body is empty (expected a UE report, a flat UE row, or a JSON array of them)";
            return null;
        }
        if (span[start] == (byte)'{')
        {
            if (!Balanced(span[start..end], out error)) return null;
            return [body[start..end]];
        }
        if (span[start] != (byte)'[')
        {
            error = "the body is not JSON (expected an object or an array)";
            return null;
        }
        if (span[end - 1] != (byte)']' || !Balanced(span[start..end], out error))
        {
            error ??= "the JSON array is not closed";
            return null;
        }
        var items = new List<ReadOnlyMemory<byte>>();
        int depth = 0, itemStart = start + 1;
        bool inString = false, escaped = false;
        for (int i = start + 1; i < end - 1; i++)
        {
            byte b = span[i];
            if (inString)
            {
                if (escaped) escaped = false;
                else if (b == (byte)'\\') escaped = true;
                else if (b == (byte)'"') inString = false;
                continue;
            }
            switch (b)
            {
                case (byte)'"':
                    inString = true;
                    break;
                case (byte)'{' or (byte)'[':
                    depth++;
                    break;
                case (byte)'}' or (byte)']':
                    depth--;
                    break;
                case (byte)',' when depth == 0:
                    items.Add(Trim(body, itemStart, i));
                    itemStart = i + 1;
                    break;
            }
        }
        var last = Trim(body, itemStart, end - 1);
        if (last.Length > 0 || items.Count > 0) items.Add(last);
        return items;
    }

    private static ReadOnlyMemory<byte> Trim(ReadOnlyMemory<byte> body, int from, int to)
    {
        var s = body.Span;
        while (from < to && IsSpace(s[from])) from++;
        while (to > from && IsSpace(s[to - 1])) to--;
        return body[from..to];
    }

    // Brackets must nest and strings close; this is the line between "not JSON at all" (400) and per-record rejections.
    private static bool Balanced(ReadOnlySpan<byte> s, out string? error)
    {
        error = null;
        Span<byte> stack = stackalloc byte[256];
        int depth = 0;
        bool inString = false, escaped = false;
        foreach (byte b in s)
        {
            if (inString)
            {
                if (escaped) escaped = false;
                else if (b == (byte)'\\') escaped = true;
                else if (b == (byte)'"') inString = false;
                continue;
            }
            if (b == (byte)'"') inString = true;
            else if (b is (byte)'{' or (byte)'[')
            {
                if (depth == stack.Length)
                {
                    error = "the JSON nests deeper than 256 levels";
                    return false;
                }
                stack[depth++] = b;
            }
            else if (b is (byte)'}' or (byte)']')
            {
                byte open = b == (byte)'}' ? (byte)'{' : (byte)'[';
                if (depth == 0 || stack[depth - 1] != open)
                {
                    error = "the body is not JSON: brackets do not match";
                    return false;
                }
                depth--;
            }
        }
        if (inString || depth != 0)
        {
            error = "the body is not JSON: it ends inside a string, object or array";
            return false;
        }
        return true;
    }

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';
}
