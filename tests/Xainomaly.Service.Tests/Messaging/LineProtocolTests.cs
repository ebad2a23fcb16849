using System.Text;

using Xainomaly.Service.Influx;
using Xainomaly.Service.Pipeline;

namespace Xainomaly.Service.Tests.Messaging;

/// <summary>Line-protocol escaping by the rules of InfluxDB 1.x.</summary>
public sealed class LineProtocolTests
{
    [Theory]
    [InlineData("AD", "AD")]
    [InlineData("my measurement", "my\\ measurement")]
    [InlineData("a,b=c", "a\\,b=c")]
    public void Measurement_escapes_commas_and_spaces_only(string name, string expected)
    {
        var sb = new StringBuilder();
        LineProtocol.AppendMeasurement(sb, name);
        Assert.Equal(expected, sb.ToString());
    }

    [Theory]
    [InlineData("Car-1", "Car-1")]
    [InlineData("Waiting passenger 1", "Waiting\\ passenger\\ 1")]
    [InlineData("c1/B13", "c1/B13")]
    [InlineData("a,b=c d", "a\\,b\\=c\\ d")]
    [InlineData("line\nbreak", "line\\ break")]
    [InlineData("say \"hi\"", "say\\ \"hi\"")]
    public void Keys_and_tag_values_escape_commas_equals_and_spaces(string key, string expected)
    {
        var sb = new StringBuilder();
        LineProtocol.AppendKey(sb, key);
        Assert.Equal(expected, sb.ToString());
    }

    [Theory]
    [InlineData("RSRP", "\"RSRP\"")]
    [InlineData("say \"hi\"", "\"say \\\"hi\\\"\"")]
    [InlineData("back\\slash", "\"back\\\\slash\"")]
    [InlineData("a, b=c", "\"a, b=c\"")]
    public void String_field_values_are_quoted_with_quotes_and_backslashes_escaped(string value, string expected)
    {
        var sb = new StringBuilder();
        LineProtocol.AppendStringValue(sb, value);
        Assert.Equal(expected, sb.ToString());
    }

    [Fact]
    public void A_record_is_one_line_with_sorted_tags_fields_and_a_millisecond_timestamp()
    {
        var sb = new StringBuilder();
        LineProtocol.AppendRecord(sb, InfluxTestRecords.Make("Waiting passenger 1", "c1/B13", 1000, anomalous: true));
        Assert.Equal(
            "AD,cell=c1/B13,du=1001,ue=Waiting\\ passenger\\ 1 rsrp=-90.5,prb_usage=67,score=0.75,threshold=0.5,anomalous=true,cs=0.125," +
            "degradation=\"RSRP \\\"serving\\\"\",top1_feature=\"rsrp\",top1_phi=0.25,top2_feature=\"prb usage, dl\",top2_phi=-0.0625,id=\"Waiting passenger 1|1624621353685\" 1624621353685\n",
            sb.ToString());
    }

    [Fact]
    public void Non_finite_numbers_and_empty_tags_are_left_out()
    {
        var record = InfluxTestRecords.Make("UE", null, 0, anomalous: false) with
        {
            Kpis = new Dictionary<string, double> { ["rsrp"] = double.NaN, ["rsrq"] = -10 },
            ConfidenceScore = double.PositiveInfinity,
            DuId = "",
            TopFeatures = [],
            Degradation = null,
        };
        var sb = new StringBuilder();
        LineProtocol.AppendRecord(sb, record);
        Assert.Equal("AD,ue=UE rsrq=-10,score=0.75,threshold=0.5,anomalous=false,id=\"UE|1624621352685\" 1624621352685\n", sb.ToString());
    }
}

/// <summary>Scored records for the InfluxDB tests.</summary>
internal static class InfluxTestRecords
{
    public static readonly DateTimeOffset Start = new(2021, 6, 25, 11, 42, 32, 685, TimeSpan.Zero);

    public static ScoredRecord Make(string ue, string? cell, int offsetMs, bool anomalous)
    {
        var ts = Start.AddMilliseconds(offsetMs);
        return new ScoredRecord
        {
            Id = ue + "|" + ts.ToUnixTimeMilliseconds(),
            UeId = ue,
            CellId = cell,
            DuId = "1001",
            Timestamp = ts,
            ReceivedAt = ts,
            Kpis = new Dictionary<string, double> { ["rsrp"] = -90.5, ["prb_usage"] = 67 },
            Score = 0.75,
            Threshold = 0.5,
            Anomalous = anomalous,
            ConfidenceScore = 0.125,
            Degradation = "RSRP \"serving\"",
            TopFeatures = [new FeatureContribution("rsrp", 0.25, -90.5), new FeatureContribution("prb usage, dl", -0.0625, 67)],
        };
    }
}
