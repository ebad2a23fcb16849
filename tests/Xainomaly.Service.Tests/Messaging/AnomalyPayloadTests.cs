using System.Buffers;
using System.Globalization;
using System.Text.Json;

using Xainomaly.Service.Messaging;
using Xainomaly.Service.Pipeline;

namespace Xainomaly.Service.Tests.Messaging;

public sealed class AnomalyPayloadTests
{
    [Fact]
    public void The_buffer_serializer_writes_exactly_the_bytes_of_the_previous_payload_writer()
    {
        var records = Records();
        var buffer = new ArrayBufferWriter<byte>();
        foreach (var r in records)
        {
            var expected = Reference(r);
            Assert.Equal(expected, AnomalyPayload.Write(r));
            // Twice into one buffer, as the connection's writer does: the per-thread writer and name cache are reused.
            buffer.ResetWrittenCount();
            AnomalyPayloadSerializer.Instance.Serialize(buffer, r);
            AnomalyPayloadSerializer.Instance.Serialize(buffer, r);
            Assert.Equal([.. expected, .. expected], buffer.WrittenSpan.ToArray());
        }
    }

    private static List<ScoredRecord> Records()
    {
        var list = new List<ScoredRecord>();
        var kpis = new Dictionary<string, double> { ["throughput"] = 12.5, ["rsrp"] = -87.31999969482422, ["rsrq"] = -11, ["x"] = double.NaN, ["ünï"] = 0.1 + 0.2 };
        for (int nb = 0; nb < 18; nb++)
        {
            kpis["rsrp_nb" + nb.ToString(CultureInfo.InvariantCulture)] = -100 - nb;
            if (nb % 2 == 0) kpis["rsrq_nb" + nb.ToString(CultureInfo.InvariantCulture)] = -12.25 - nb;
            if (nb % 3 == 0) kpis["rssinr_nb" + nb.ToString(CultureInfo.InvariantCulture)] = double.PositiveInfinity;
        }
        string?[] dus = [null, "1002", "du-7", "-3", ""];
        for (int i = 0; i < 20; i++)
        {
            var neighbours = new string[i % 19];
            for (int k = 0; k < neighbours.Length; k++) neighbours[k] = "c" + k.ToString(CultureInfo.InvariantCulture) + "/B13";
            list.Add(new ScoredRecord
            {
                Id = "id-" + i.ToString(CultureInfo.InvariantCulture),
                UeId = i % 4 == 0 ? "Car-\"1\"" : "Pedestrian-" + i.ToString(CultureInfo.InvariantCulture),
                DuId = dus[i % dus.Length],
                CellId = i % 3 == 0 ? null : "c2/B13",
                NeighbourCells = neighbours,
                Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(1_624_621_353_685 + i * 7919L).ToOffset(TimeSpan.FromHours(i % 3)),
                ReceivedAt = DateTimeOffset.UnixEpoch,
                Kpis = i % 5 == 4 ? new Dictionary<string, double>() : kpis,
                Score = i * 0.37,
                Threshold = 0.08,
                Anomalous = true,
                TopFeatures = i % 2 == 0 ? [] : [new FeatureContribution("rsrp", -0.125, -87.32), new FeatureContribution("cell=c1", double.NaN, null)],
                ConfidenceScore = i % 3 == 1 ? null : 0.012 * i,
                ErrorMetric = i % 4 == 1 ? double.NaN : 3e-4,
                Degradation = i % 2 == 0 ? null : "Throughput RSRP",
            });
        }
        return list;
    }

    // The payload writer as it was before the buffer serializer (one array per message), kept as the reference.
    internal static byte[] Reference(ScoredRecord record)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("ue-id", record.UeId);
            if (record.DuId is null) w.WriteNull("du-id");
            else if (long.TryParse(record.DuId, NumberStyles.Integer, CultureInfo.InvariantCulture, out long du)) w.WriteNumber("du-id", du);
            else w.WriteString("du-id", record.DuId);
            w.WriteString("measTimeStampRf", record.Timestamp.UtcDateTime.ToString(AnomalyPayload.TimeFormat, CultureInfo.InvariantCulture));
            w.WriteString("Degradation", record.Degradation ?? "");
            Number(w, "score", record.Score);
            Number(w, "threshold", record.Threshold);
            Number(w, "cs", record.ConfidenceScore);
            Number(w, "em", record.ErrorMetric);
            w.WriteStartArray("top_features");
            foreach (var f in record.TopFeatures)
            {
                w.WriteStartObject();
                w.WriteString("feature", f.Feature);
                Number(w, "phi", f.Phi);
                Number(w, "value", f.Value);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteString("id", record.Id);
            if (record.CellId is null) w.WriteNull("cell");
            else w.WriteString("cell", record.CellId);
            w.WriteStartObject("kpis");
            foreach (var (name, value) in record.Kpis) Number(w, name, value);
            w.WriteEndObject();
            w.WriteStartArray("neighbours");
            for (int i = 0; i < record.NeighbourCells.Count; i++)
            {
                w.WriteStartObject();
                w.WriteString("cell", record.NeighbourCells[i]);
                foreach (var kpi in new[] { "rsrp", "rsrq", "rssinr" })
                {
                    if (record.Kpis.TryGetValue(kpi + "_nb" + i.ToString(CultureInfo.InvariantCulture), out double v)) Number(w, kpi, v);
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void Number(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v)) w.WriteNumber(name, v);
        else w.WriteNull(name);
    }
}
