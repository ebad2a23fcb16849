using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

using Xainomaly.Service.Messaging;

namespace Xainomaly.Service.Tests.Messaging;

/// <summary>Reading a JetStream acknowledgement subject: delivery count, stream sequence and the stored time in nanoseconds.</summary>
public sealed class JetStreamDeliveryTests
{
    [Theory]
    [InlineData("$JS.ACK.ORAN.xainomaly.3.42.40.1764300000123456789.7", 3, 42, 1764300000123456789)] // the older form, nine tokens
    [InlineData("$JS.ACK._.ACCHASH.ORAN.xainomaly.1.7.5.1764300000999999999.0.r4nd0m", 1, 7, 1764300000999999999)] // domain, account hash, a trailing token
    [InlineData("$JS.ACK.hub.ACC.S.C.2.8.6.1764300001000000000.3", 2, 8, 1764300001000000000)] // eleven tokens
    public void Both_subject_forms_are_read_to_the_nanosecond(string reply, long delivered, ulong sequence, long nanoseconds)
    {
        Assert.True(JetStreamDelivery.TryParse(reply, out var d));
        Assert.Equal(new JetStreamDelivery(delivered, sequence, nanoseconds), d);
        // 100 ns ticks: the last two digits go, the microseconds stay (the library's metadata keeps milliseconds only).
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(nanoseconds / 1_000_000).AddTicks(nanoseconds % 1_000_000 / 100), d.Timestamp);
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
