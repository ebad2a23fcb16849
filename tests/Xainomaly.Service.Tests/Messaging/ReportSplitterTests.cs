using System.Text;

using Xainomaly.Service.Messaging;
using Xainomaly.Service.Pipeline;

namespace Xainomaly.Service.Tests.Messaging;

/// <summary>A message holds one report or a JSON array of them; anything else is refused with the reason.</summary>
public sealed class ReportSplitterTests
{
    private static (bool Ok, List<string> Parts, string? Reason) Split(string body)
    {
        var into = new List<IncomingReport>();
        bool ok = ReportSplitter.TrySplit(Encoding.UTF8.GetBytes(body), "nats", into, out var reason);
        return (ok, into.Select(r => Encoding.UTF8.GetString(r.Json.Span)).ToList(), reason);
    }

    [Fact]
    public void An_object_is_one_record_and_an_array_is_split_into_its_elements()
    {
        Assert.Equal(["{\"a\":1}"], Split("{\"a\":1}").Parts);
        Assert.Equal(["{\"a\":[1,{\"b\":2}]}", "{ }", "{\"c\":\"]\"}"], Split(" [ {\"a\":[1,{\"b\":2}]}, { } ,{\"c\":\"]\"}]\n").Parts);
        var empty = Split("[]");
        Assert.True(empty.Ok);
        Assert.Empty(empty.Parts);
    }

    [Theory]
    [InlineData("", "empty message")]
    [InlineData("  \n", "empty message")]
    [InlineData("nope", "byte 0: expected '{' or '['")]
    [InlineData("[{\"a\":1}, 2]", "element 1: expected a JSON object")]
    [InlineData("[{\"a\":1}", "malformed JSON array")]
    [InlineData("[{\"a\":1}] junk", "malformed JSON array")]
    public void Anything_else_is_refused_with_the_reason(string body, string reason)
    {
        var (ok, parts, why) = Split(body);
        Assert.False(ok);
        Assert.Empty(parts);
        Assert.StartsWith(reason, why, StringComparison.Ordinal);
    }
}
