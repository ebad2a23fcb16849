using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

using Xainomaly.Service.Messaging;

namespace Xainomaly.Service.Tests.Messaging;

/// <summary>Reading a JetStream acknowledgement subject: delivery count, stream sequence and the stored time in nanoseconds.</summary>
public sealed class JetStreamDeliveryTests
{
    [Fact]
    public void The_older_nine_token_form_is_read_to_the_nanosecond()
    {
        Assert.True(JetStreamDelivery.TryParse("$JS.ACK.ORAN.xainomaly.3.42.40.1764300000123456789.7", out var d));
        Assert.Equal(3, d.Delivered);
        Assert.Equal(42UL, d.StreamSequence);
        Assert.Equal(1764300000123456789L, d.TimestampNanoseconds);
        // 100 ns ticks: the last two digits go, the microseconds stay (the library's metadata keeps milliseconds only).
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1764300000123).AddTicks(4567), d.Timestamp);
    }

    [Fact]
    public void The_newer_form_with_domain_account_hash_and_trailing_tokens_is_read()
    {
        Assert.True(JetStreamDelivery.TryParse("$JS.ACK._.ACCHASH.ORAN.xainomaly.1.7.5.1764300000999999999.0.r4nd0m", out var d));
        Assert.Equal(1, d.Delivered);
        Assert.Equal(7UL, d.StreamSequence);
        Assert.Equal(1764300000999999999L, d.TimestampNanoseconds);
        Assert.True(JetStreamDelivery.TryParse("$JS.ACK.hub.ACC.S.C.2.8.6.1764300001000000000.3", out d)); // eleven tokens
        Assert.Equal(8UL, d.StreamSequence);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("_INBOX.abc.def")]
    [InlineData("$JS.ACK.S.C.1.2.3.4")] // eight tokens
    [InlineData("$JS.ACK.S.C.1.2.3.4.5.6")] // ten tokens: neither form
    [InlineData("$JS.NAK.S.C.1.2.3.1764300000123456789.7")]
    [InlineData("$JS.ACK.S.C.x.2.3.1764300000123456789.7")] // delivery count not a number
    [InlineData("$JS.ACK.S.C.0.2.3.1764300000123456789.7")] // delivered at least once
    [InlineData("$JS.ACK.S.C.1.-2.3.1764300000123456789.7")]
    [InlineData("$JS.ACK.S.C.1.2.3.17643000001234567890123.7")] // time overflows
    [InlineData("$JS.ACK.S.C.1.2.3.+1764300000123456789.7")]
    public void Anything_else_is_not_read(string? reply)
    {
        Assert.False(JetStreamDelivery.TryParse(reply, out var d));
        Assert.Equal(default, d);
    }

    [Fact]
    public async Task A_real_delivery_agrees_with_the_library_metadata_and_is_finer()
    {
        string token = MessagingTestEnv.Unique();
        await using var nats = await MessagingTestEnv.ConnectAsync();
        var js = new NatsJSContext(nats);
        string stream = "T_" + token, subject = $"t.{token}.delivery";
        await js.CreateStreamAsync(new StreamConfig(stream, [subject]) { Storage = StreamConfigStorage.Memory });
        try
        {
            for (int i = 0; i < 5; i++) (await js.PublishAsync(subject, new byte[] { (byte)i })).EnsureSuccess();
            var consumer = await js.CreateOrUpdateConsumerAsync(stream, new ConsumerConfig("c_" + token) { AckPolicy = ConsumerConfigAckPolicy.Explicit });
            int seen = 0;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await foreach (var msg in consumer.FetchAsync<byte[]>(new NatsJSFetchOpts { MaxMsgs = 5 }, cancellationToken: timeout.Token))
            {
                Assert.True(JetStreamDelivery.TryParse(msg.ReplyTo, out var d), msg.ReplyTo);
                var meta = msg.Metadata!.Value;
                Assert.Equal((long)meta.NumDelivered, d.Delivered);
                Assert.Equal(meta.Sequence.Stream, d.StreamSequence);
                // The library rounds down to the millisecond: the same instant, at most 1 ms later.
                var finer = d.Timestamp - meta.Timestamp;
                Assert.InRange(finer, TimeSpan.Zero, TimeSpan.FromMilliseconds(1) - TimeSpan.FromTicks(1));
                Assert.InRange(d.Timestamp, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddSeconds(1));
                await msg.AckAsync();
                seen++;
            }
            Assert.Equal(5, seen);
        }
        finally
        {
            await js.DeleteStreamAsync(stream);
        }
    }
}
