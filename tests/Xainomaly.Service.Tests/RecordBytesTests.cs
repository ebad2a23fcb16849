using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

using Xainomaly.Service.Messaging;
using Xainomaly.Service.Pipeline;
using Xainomaly.Service.Tests.Messaging;

namespace Xainomaly.Service.Tests;

/// <summary>
/// The once-encoded JSON of a scored record (<see cref="RecordBytes"/>) against the JSON writers it replaces: numbers
/// and strings byte for byte as <see cref="Utf8JsonWriter"/> writes them, the store's columns as
/// <see cref="RecordJson"/> writes them, and the anomaly payload as the previous payload writer did.
/// </summary>
public sealed class RecordBytesTests
{
    private static readonly Lazy<List<ScoredRecord>> UeRecords = new(LoadUeRecords);

    [Fact]
    public void Numbers_are_written_as_utf8_json_writer_writes_them()
    {
        var random = new Random(20261128);
        var values = new List<double>
        {
            0, -0.0, 1, -1, 0.1, 0.2, 0.1 + 0.2, 1e-4, -1e-4, 1e-5, 9.99e-5, 0.00010000000000000002, 1e15, 999999999999999,
            999999999999999.9, 1e15 - 0.5, 1e16, 123456789012345.6, 12345678901234.56, double.MaxValue, double.MinValue,
            double.Epsilon, 2.2250738585072014e-308, 5e-324, 1e-300, 1.7976931348623157e308, -87.31999969482422, 0.0625,
            4503599627370496, 9007199254740992, 9007199254740993, 0.3, 2.675, 1.005, 100, 1000, 1e14, 1e-3, 0.5e-4,
        };
        for (int e = -30; e <= 30; e++)
        {
            double p = Math.Pow(10, e);
            values.AddRange([p, Math.BitDecrement(p), Math.BitIncrement(p), -p]);
        }
        // Short decimals (the KPIs' case), float-derived values (the scores' case) and arbitrary bit patterns.
        for (int i = 0; i < 200_000; i++)
        {
            long mantissa = random.NextInt64(1, (long)Math.Pow(10, random.Next(1, 16)));
            double v = mantissa / Math.Pow(10, random.Next(0, 20));
            values.Add(random.Next(2) == 0 ? v : -v);
            values.Add(double.Parse(random.Next(-200, 200).ToString(CultureInfo.InvariantCulture) + "." + random.Next(0, 1000).ToString("D3", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
            values.Add((float)(random.NextDouble() * Math.Pow(10, random.Next(-6, 8))));
            double bits = BitConverter.Int64BitsToDouble(random.NextInt64());
            if (double.IsFinite(bits)) values.Add(bits);
        }
        foreach (var r in UeRecords.Value) foreach (var (_, v) in r.Kpis) values.Add(v);

        int kpiValues = 0;
        foreach (var r in UeRecords.Value) foreach (var (_, v) in r.Kpis) kpiValues++;
        Assert.True(Check(values[^kpiValues..]) == kpiValues, "every KPI value of ue.json.gz takes the fast path");
        Assert.True(Check(values) > values.Count * 0.6, "most values take the fast path");
    }

    // Checks every value's text against Utf8JsonWriter's; returns how many the fast path wrote (the others go to the runtime).
    private static int Check(List<double> values)
    {
        var expected = new ArrayBufferWriter<byte>();
        using var writer = new Utf8JsonWriter(expected);
        Span<byte> text = stackalloc byte[JsonNumber.MaxLength];
        int fast = 0;
        foreach (double v in values)
        {
            expected.ResetWrittenCount();
            writer.Reset(expected);
            writer.WriteNumberValue(v);
            writer.Flush();
            int n = JsonNumber.TryWriteShortest(v, text);
            if (n > 0) fast++;
            else n = JsonNumber.Write(v, text);
            if (!text[..n].SequenceEqual(expected.WrittenSpan))
                Assert.Fail($"{v:R}: wrote {Encoding.UTF8.GetString(text[..n])}, expected {Encoding.UTF8.GetString(expected.WrittenSpan)}");
        }
        return fast;
    }

    [Fact]
    public void Strings_are_escaped_as_utf8_json_writer_escapes_them()
    {
        var random = new Random(7);
        var strings = new List<string> { "", "Car-1", "c2/B13", "a\"b", "a\\b", "<&>'+`", "ünï", "tab\there", "\u007f", "😀", "\ud800" };
        for (int c = 0; c < 0x3000; c++) strings.Add("x" + (char)c + "y");
        for (int i = 0; i < 2_000; i++)
        {
            var chars = new char[random.Next(0, 40)];
            for (int k = 0; k < chars.Length; k++) chars[k] = random.Next(4) == 0 ? (char)random.Next(0, 0x300) : (char)random.Next(0x20, 0x7f);
            strings.Add(new string(chars));
        }
        var expected = new ArrayBufferWriter<byte>();
        using var writer = new Utf8JsonWriter(expected);
        var ours = new JsonBytesWriter();
        foreach (var s in strings)
        {
            expected.ResetWrittenCount();
            writer.Reset(expected);
            writer.WriteStringValue(s);
            writer.Flush();
            ours.Clear();
            ours.String(s);
            Assert.True(ours.Written.SequenceEqual(expected.WrittenSpan), $"string {JsonSerializer.Serialize(s)}");
        }
    }

    [Fact]
    public void The_ue_records_store_columns_and_payloads_are_those_of_the_previous_writers()
    {
        var records = UeRecords.Value;
        RecordBytes.Prepare(records);
        for (int i = 0; i < records.Count; i++)
        {
            var r = records[i];
            var bytes = r.Bytes;
            Assert.NotNull(bytes);
            Assert.True(bytes.Storable);
            Assert.Equal(r.Anomalous, bytes.HasPayload);
            Assert.Equal(RecordJson.KpisToJson(r.Kpis), Encoding.UTF8.GetString(bytes.Kpis));
            Assert.Equal(RecordJson.ExplanationToJson(r), bytes.HasExplanation ? Encoding.UTF8.GetString(bytes.Explanation) : null);
            // Every 7th record is checked against the reference payload writer (all of them take a few seconds).
            if (i % 7 == 0) Assert.Equal(AnomalyPayloadTests.Reference(r), AnomalyPayload.Write(r));
        }
    }

    [Fact]
    public void A_copy_made_with_with_gets_its_own_bytes_and_preparing_leaves_equality_alone()
    {
        var r = UeRecords.Value[3] with { Anomalous = true, Score = 0.75, Degradation = "Throughput" };
        var copy = r with { };
        var before = AnomalyPayload.Write(r);
        Assert.NotNull(r.Bytes);
        Assert.Null(copy.Bytes);
        Assert.Equal(r, copy);
        Assert.Equal(r.GetHashCode(), copy.GetHashCode());

        var changed = r with { Score = 0.5, Degradation = "RSRP" };
        Assert.Null(changed.Bytes);
        var payload = JsonDocument.Parse(AnomalyPayload.Write(changed)).RootElement;
        Assert.Equal(0.5, payload.GetProperty("score").GetDouble());
        Assert.Equal("RSRP", payload.GetProperty("Degradation").GetString());
        Assert.Equal(before, AnomalyPayload.Write(r));
        Assert.Equal(AnomalyPayloadTests.Reference(changed), AnomalyPayload.Write(changed));
    }

    [Fact]
    public void Non_finite_numbers_are_null_in_the_payload_and_not_storable()
    {
        var kpis = new Dictionary<string, double> { ["throughput"] = double.NaN, ["rsrp_nb0"] = double.NegativeInfinity, ["rsrq_nb0"] = -11.5 };
        var r = UeRecords.Value[0] with
        {
            Kpis = kpis,
            NeighbourCells = ["c1/B13"],
            Anomalous = true,
            TopFeatures = [new FeatureContribution("rsrq_nb0", double.NaN, -11.5)],
            ConfidenceScore = 0.1,
        };
        var bytes = RecordBytes.Of(r, payload: true);
        Assert.False(bytes.Storable);
        Assert.Equal(AnomalyPayloadTests.Reference(r), AnomalyPayload.Write(r));
        var finiteKpis = r with { Kpis = new Dictionary<string, double> { ["rsrq_nb0"] = -11.5 } };
        Assert.False(RecordBytes.Of(finiteKpis, payload: false).Storable);
        var finite = finiteKpis with { TopFeatures = [new FeatureContribution("rsrq_nb0", 0.25, double.PositiveInfinity)] };
        Assert.False(RecordBytes.Of(finite, payload: false).Storable);
        Assert.True(RecordBytes.Of(finite with { TopFeatures = [new FeatureContribution("rsrq_nb0", 0.25, null)] }, payload: false).Storable);
    }

    [Fact]
    public void The_feed_keeps_what_it_shows_and_drops_the_rest_of_the_record()
    {
        var anomalies = UeRecords.Value.Where(r => r.Anomalous).Take(50).ToList();
        RecordBytes.Prepare(anomalies);
        var feed = new AnomalyFeed(40);
        feed.Add(anomalies);
        var held = feed.Since(0, 1000);
        Assert.Equal(40, held.Count);
        Assert.Equal(Enumerable.Range(11, 40).Select(i => (long)i), held.Select(h => h.Seq));
        foreach (var (seq, kept) in held)
        {
            var original = anomalies[(int)seq - 1];
            // What /v1/feed writes is unchanged...
            Assert.Equal(FeedJson(original), FeedJson(kept));
            Assert.Equal(original.TopFeatures, kept.TopFeatures);
            // ...and neither the KPI values, the neighbour cells nor the encoded bytes stay alive with the entry.
            Assert.Empty(kept.Kpis);
            Assert.Empty(kept.NeighbourCells);
            Assert.Null(kept.Bytes);
            Assert.NotNull(original.Bytes);
        }

        static string FeedJson(ScoredRecord r)
        {
            var buffer = new ArrayBufferWriter<byte>();
            using (var w = new Utf8JsonWriter(buffer)) RecordJson.Write(w, r, withKpis: false);
            return Encoding.UTF8.GetString(buffer.WrittenSpan);
        }
    }

    // The first 4,000 reports of ue.json.gz parsed as the pipeline parses them (KPIs as KpiView), with explanations
    // shaped like the service's (five top features, CS, EM) on every third record.
    private static List<ScoredRecord> LoadUeRecords()
    {
        var messages = ReplaySource.Load(SharedData("ue.json.gz"), 4_000);
        var list = new List<ScoredRecord>();
        var random = new Random(11);
        foreach (var m in messages)
        {
            foreach (var p in RecordParser.Parse(m.Json.Span, 0, out var reason, out _) ?? throw new InvalidDataException(reason))
            {
                bool anomalous = list.Count % 3 == 0;
                var top = new List<FeatureContribution>();
                if (anomalous)
                {
                    foreach (var (name, value) in p.Kpis)
                    {
                        if (top.Count == 5) break;
                        top.Add(new FeatureContribution(name, (float)(random.NextDouble() - 0.5), top.Count == 2 ? null : value));
                    }
                }
                list.Add(new ScoredRecord
                {
                    Id = p.Id,
                    UeId = p.UeId,
                    CellId = p.CellId,
                    DuId = p.DuId,
                    NeighbourCells = p.NeighbourCells,
                    Timestamp = p.Timestamp,
                    ReceivedAt = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000),
                    Kpis = p.Kpis,
                    Score = (float)random.NextDouble(),
                    Threshold = 0.0834f,
                    Anomalous = anomalous,
                    TopFeatures = top,
                    BaseValue = anomalous ? (float)random.NextDouble() : null,
                    ConfidenceScore = anomalous ? random.NextDouble() / 10 : null,
                    ErrorMetric = anomalous ? random.NextDouble() / 100 : null,
                    EfficiencyGap = anomalous ? 1e-7 * random.NextDouble() : null,
                    Degradation = anomalous && list.Count % 2 == 0 ? "Throughput RSRP" : null,
                });
            }
        }
        return list;
    }

    private static string SharedData(string file)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Xainomaly.slnx"))) dir = dir.Parent;
        var path = Path.GetFullPath(Path.Combine(dir?.FullName ?? ".", "..", "shared", "data", file));
        return File.Exists(path) ? path : Path.Combine("/work/shared/data", file);
    }
}
