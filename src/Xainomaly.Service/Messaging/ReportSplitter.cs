using System.Text.Json;

using Xainomaly.Service.Pipeline;

namespace Xainomaly.Service.Messaging;

/// <summary>Splits one message body into the records it holds: a single JSON object, or a JSON array of objects.</summary>
internal static class ReportSplitter
{
    /// <summary>
    /// Appends the message's records to <paramref name="into"/>; returns false with the reason when the body is not a
    /// JSON object or array of objects (then nothing is appended). Records are slices of <paramref name="body"/>,
    /// marked <see cref="IncomingReport.DryRun"/> when <paramref name="dryRun"/> (warm-up messages).
    /// </summary>
    public static bool TrySplit(ReadOnlyMemory<byte> body, string source, List<IncomingReport> into, out string? reason, bool dryRun = false)
    {
        var span = body.Span;
        int start = 0;
        while (start < span.Length && IsSpace(span[start])) start++;
        if (start == span.Length)
        {
            reason = "empty message (expected a UE report object or a JSON array of them)";
            return false;
        }
        if (span[start] == (byte)'{')
        {
            // The pipeline parses objects itself, so that every source gets the same per-field rejections.
            into.Add(new IncomingReport(body, source) { DryRun = dryRun });
            reason = null;
            return true;
        }
        if (span[start] != (byte)'[')
        {
            reason = $"byte {start}: expected '{{' or '[' (a UE report object or a JSON array of them)";
            return false;
        }
        int first = into.Count;
        try
        {
            var reader = new Utf8JsonReader(span, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
            reader.Read();
            int element = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    into.RemoveRange(first, into.Count - first);
                    reason = $"element {element}: expected a JSON object, found {reader.TokenType}";
                    return false;
                }
                int from = (int)reader.TokenStartIndex;
                reader.Skip();
                into.Add(new IncomingReport(body[from..(int)reader.BytesConsumed], source) { DryRun = dryRun });
                element++;
            }
            while (reader.Read())
            {
                // Utf8JsonReader accepts trailing content only after it has read it; reading it here makes
                // "[...] junk" an error instead of silently ignoring the junk.
            }
        }
        catch (JsonException e)
        {
            into.RemoveRange(first, into.Count - first);
            reason = $"malformed JSON array: {e.Message}";
            return false;
        }
        reason = null;
        return true;
    }

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';
}
