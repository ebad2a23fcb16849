using System.Globalization;
using System.IO.Compression;
using System.Text;

using Xainomaly.Data;

namespace Xainomaly.Tests.Data;

public sealed class UeReportJsonReaderTests
{
    internal static string Ue(string ueId = "Car-1", double rsrp = -90.5, int neighbours = 5, string extra = "", string rsrpJson = "")
    {
        var nb = new StringBuilder();
        for (int i = 0; i < neighbours; i++)
        {
            if (i > 0) nb.Append(',');
            nb.Append(CultureInfo.InvariantCulture, $"{{\"nbCellIdentity\":\"c{i}/B13\",\"nbCellRfReport\":{{\"rsrp\":{-100 - i},\"rsrq\":-10.{i},\"rssinr\":{20 + i}}}}}");
        }
        var r = rsrpJson.Length > 0 ? rsrpJson : rsrp.ToString("R", CultureInfo.InvariantCulture);
        return $"{{\"ue-id\":\"{ueId}\",\"nrCellIdentity\":\"c1/B13\",\"targetTput\":0.75,"
            + $"\"servingCellRfReport\":{{\"rsrp\":{r},\"rsrq\":-10.79,\"rssinr\":35.5}},"
            + $"\"neighbourCellList\":[{nb}],\"throughput\":0.25,\"prb_usage\":67,\"x\":31.0,\"y\":-292{extra}}}";
    }

    internal static string Report(int du, string time, params string[] ues) =>
        $"{{\"ueMeasReport\":{{\"du-id\":{du},\"measTimeStampRf\":\"{time}\",\"ueMeasReportList\":[{string.Join(",", ues)}]}}}}";

    private static string Write(string content, string name = "reports.json")
    {
        var path = Path.Combine(TestPaths.TempDir(), name);
        File.WriteAllText(path, content, new UTF8Encoding(false));
        return path;
    }

    private static DataFormatException Fails(string content, long line, string? field)
    {
        var path = Write(content);
        var ex = Assert.Throws<DataFormatException>(() => KpiTableReader.Read(path));
        Assert.Equal(path, ex.SourceName);
        Assert.Contains(path, ex.Message);
        Assert.Equal(line, ex.Line);
        Assert.Equal(field, ex.Column);
        Assert.Contains($"line {line}", ex.Message);
        return ex;
    }

    [Fact]
    public void JsonLinesGiveOneRowPerUeRecordWithReportFields()
    {
        var text = Report(1001, "T1", Ue("Car-1"), Ue("Car-2", -80)) + "\n\n" + Report(1002, "T2", Ue("Train 1", -70.25)) + "\n";
        var t = KpiTableReader.Read(Write(text));
        Assert.Equal(3, t.RowCount);
        Assert.Equal(["1001", "1001", "1002"], t[UeSchema.DuId].Texts!);
        Assert.Equal(["T1", "T1", "T2"], t[UeSchema.Timestamp].Texts!);
        Assert.Equal(["Car-1", "Car-2", "Train 1"], t[UeSchema.UeId].Texts!);
        Assert.Equal([-90.5, -80, -70.25], t["rsrp"].Numbers!);
        Assert.Equal("c4/B13", t["nbCellIdentity_4"].Texts![0]);
        Assert.Equal(-104, t["rsrp_nb4"].Numbers![0]);
        Assert.Equal(-10.3, t["rsrq_nb3"].Numbers![0]);
        Assert.Equal(22, t["rssinr_nb2"].Numbers![0]);
        Assert.Equal(-292, t["y"].Numbers![2]);
        Assert.Null(t.LabelColumn);
    }

    [Fact]
    public void FieldOrderIsFreeAndUnknownFieldsAndExtraNeighboursAreIgnored()
    {
        var text = $"{{\"other\":[1,{{\"a\":2}}],\"ueMeasReport\":{{\"ueMeasReportList\":[{Ue(neighbours: 7, extra: ",\"mystery\":{\"deep\":[true]}")}],\"measTimeStampRf\":\"T\",\"du-id\":7}}}}";
        var t = UeReportJsonReader.ParseReports(text, "mem");
        Assert.Equal(1, t.RowCount);
        Assert.Equal("7", t[UeSchema.DuId].Texts![0]);
        Assert.Equal("T", t[UeSchema.Timestamp].Texts![0]);
        Assert.Equal(-104, t["rsrp_nb4"].Numbers![0]);
    }

    [Fact]
    public void SingleReportArrayOfReportsAndGzipBytesParse()
    {
        Assert.Equal(2, UeReportJsonReader.ParseReports(Report(1, "T", Ue(), Ue()), "one").RowCount);
        var array = $"[\n{Report(1, "T", Ue())},\n{Report(2, "U", Ue(), Ue())}\n]";
        var t = UeReportJsonReader.ParseReports(Encoding.UTF8.GetBytes(array), "array");
        Assert.Equal(3, t.RowCount);
        Assert.Equal(["1", "2", "2"], t[UeSchema.DuId].Texts!);
        var gz = new MemoryStream();
        using (var z = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true)) z.Write(Encoding.UTF8.GetBytes(array));
        Assert.Equal(3, UeReportJsonReader.ParseReports(gz.ToArray(), "gz").RowCount);
    }

    [Fact]
    public void AnomalyAndKindBecomeLabelAndIgnoredColumn()
    {
        var text = Report(1, "T", Ue(extra: ",\"Anomaly\":1,\"anomaly_kind\":\"rsrp_drop\""), Ue(extra: ",\"Anomaly\":false"));
        var t = UeReportJsonReader.ParseReports(text, "mem");
        Assert.Equal([1, 0], t.Labels());
        Assert.Equal(ColumnRole.Ignored, t[UeSchema.AnomalyKind].Role);
        Assert.Equal(["rsrp_drop", ""], t[UeSchema.AnomalyKind].Texts!);
        Assert.Equal(UeSchema.Columns, t.Columns.Take(33).Select(c => c.Name));
    }

    [Fact]
    public void FlatRowsInEitherNamingMatchTheCsvRows()
    {
        var csv = KpiCsvReader.Read(TestPaths.Data("valid.csv")).SelectRows([0, 1, 2]);
        var short1 = new StringBuilder("[");
        var upstream = new StringBuilder();
        for (int r = 0; r < 3; r++)
        {
            if (r > 0) short1.Append(',');
            short1.Append('{');
            upstream.Append('{');
            for (int j = 0; j < csv.Columns.Count; j++)
            {
                var c = csv.Columns[j];
                var alias = UeSchema.Aliases.FirstOrDefault(kv => kv.Value == c.Name).Key ?? c.Name;
                var value = c.IsNumeric ? c.FormatValue(r) : $"\"{c.Texts![r]}\"";
                if (c.Name == UeSchema.DuId) value = c.Texts![r]; // a number on the wire
                short1.Append(CultureInfo.InvariantCulture, $"{(j > 0 ? "," : "")}\"{c.Name}\":{value}");
                upstream.Append(CultureInfo.InvariantCulture, $"{(j > 0 ? "," : "")}\"{alias}\":{value}");
            }
            short1.Append('}');
            upstream.Append("}\n");
        }
        short1.Append(']');
        foreach (var json in new[] { short1.ToString(), upstream.ToString() })
        {
            var t = UeReportJsonReader.ParseFlatRows(json, "flat");
            Assert.Equal(3, t.RowCount);
            foreach (var c in csv.Columns)
            {
                var d = t[c.Name];
                Assert.Equal(c.Role, d.Role);
                if (c.IsNumeric) Assert.Equal(c.Numbers!, d.Numbers!);
                else Assert.Equal(c.Texts!, d.Texts!);
            }
        }
    }

    [Fact]
    public void FlatRowWithAFieldUnderBothNamingsIsAnError()
    {
        var csv = KpiCsvReader.Read(TestPaths.Data("valid.csv")).SelectRows([0]);
        var fields = csv.Columns.Select(c => $"\"{c.Name}\":" + (c.IsNumeric ? c.FormatValue(0) : $"\"{c.Texts![0]}\""));
        var json = "{" + string.Join(",", fields) + ",\"RF.serving.RSRP\":-80}";
        var ex = Assert.Throws<DataFormatException>(() => UeReportJsonReader.ParseFlatRows(json, "svc"));
        Assert.Equal("RF.serving.RSRP", ex.Column);
        Assert.Contains("twice", ex.Message);
    }

    [Fact]
    public void OptionsApplyToJson()
    {
        var t = UeReportJsonReader.ParseReports(Report(1, "T", Ue(), Ue("Car-2")), "mem",
            new KpiReadOptions { Exclude = ["x", "RF.serving.RSRQ"], Nominal = ["prb_usage"] });
        Assert.False(t.TryGetColumn("x", out _));
        Assert.False(t.TryGetColumn("rsrq", out _));
        Assert.Equal(ColumnRole.Nominal, t["prb_usage"].Role);
        Assert.Equal(["67", "67"], t["prb_usage"].Texts!);
        var ex = Assert.Throws<DataFormatException>(() => UeReportJsonReader.ParseReports(Report(1, "T", Ue()), "mem", new KpiReadOptions { RequireLabel = true }));
        Assert.Contains("no label", ex.Message);
    }

    [Fact]
    public void MalformedJsonNamesLine()
    {
        var ex = Fails(Report(1, "T", Ue()) + "\n" + Report(1, "T", Ue()).Replace("\"x\":31.0", "\"x\":31.0,,") + "\n", 2, "x");
        Assert.Contains("malformed JSON", ex.Message);
    }

    [Fact]
    public void LineWithoutUeMeasReportIsAnError()
    {
        var ex = Fails(Report(1, "T", Ue()) + "\n" + "{\"hello\":1}\n", 2, "ueMeasReport");
        Assert.Contains("not a UE measurement report", ex.Message);
    }

    [Fact]
    public void WrongTypedFieldIsAnError()
    {
        var text = Report(1, "T", Ue()) + "\n" + Report(1, "T", Ue(), Ue(rsrpJson: "\"-90\"")) + "\n";
        var ex = Fails(text, 2, "ueMeasReport.ueMeasReportList[1].servingCellRfReport.rsrp");
        Assert.Contains("expected a number, found a string", ex.Message);
    }

    [Fact]
    public void MissingFieldIsAnError()
    {
        var ue = Ue().Replace(",\"prb_usage\":67", "");
        var ex = Fails(Report(1, "T", ue) + "\n", 1, "ueMeasReport.ueMeasReportList[0].prb_usage");
        Assert.Contains("missing required field", ex.Message);
        Fails(Report(1, "T", Ue()).Replace("\"du-id\":1,", "") + "\n", 1, "ueMeasReport.du-id");
    }

    [Fact]
    public void FewerThanFiveNeighboursIsAnError()
    {
        var ex = Fails(Report(1, "T", Ue()) + "\n" + Report(1, "T", Ue(neighbours: 3)), 2, "ueMeasReport.ueMeasReportList[0].neighbourCellList");
        Assert.Contains("3 neighbour cells, 5 are required", ex.Message);
    }

    [Fact]
    public void NaNIsAnError()
    {
        var ex = Fails(Report(1, "T", Ue(rsrpJson: "NaN")) + "\n", 1, "rsrp");
        Assert.Contains("NaN", ex.Message);
    }

    [Fact]
    public void PartialLabelsAreAnError()
    {
        var text = Report(1, "T", Ue(extra: ",\"Anomaly\":0")) + "\n" + Report(1, "T", Ue()) + "\n";
        Fails(text, 2, "Anomaly");
    }

    [Fact]
    public void LineNumbersInMultiLineInputCountFromTheStart()
    {
        var array = $"[\n{Report(1, "T", Ue())},\n{Report(2, "U", Ue(), Ue(rsrpJson: "true"))}\n]";
        var ex = Assert.Throws<DataFormatException>(() => UeReportJsonReader.ParseReports(array, "svc"));
        Assert.Equal(3, ex.Line);
        Assert.StartsWith("svc, line 3", ex.Message);
    }

    [Fact]
    public void EmptyFilesAreErrors()
    {
        Fails("", 1, null);
        Fails("\n  \n", 1, null);
        var gz = Path.Combine(TestPaths.TempDir(), "empty.gz");
        using (var z = new GZipStream(File.Create(gz), CompressionLevel.Fastest)) { }
        var ex = Assert.Throws<DataFormatException>(() => KpiTableReader.Read(gz));
        Assert.Contains("empty", ex.Message);
        Assert.Equal(0, UeReportJsonReader.ParseReports("", "svc", new KpiReadOptions { AllowEmpty = true }).RowCount);
    }

    [Fact]
    public void TruncatedGzipIsAnError()
    {
        var all = File.ReadAllBytes(TestPaths.Data("ue.json.gz"));
        var path = Path.Combine(TestPaths.TempDir(), "half.json.gz");
        File.WriteAllBytes(path, all[..(all.Length / 2)]);
        var ex = Assert.Throws<DataFormatException>(() => KpiTableReader.Read(path));
        Assert.Contains(path, ex.Message);
        Assert.Contains("truncated", ex.Message);
        Assert.NotNull(ex.Line);
        Assert.Contains("line ", ex.Message);
    }

    [Fact]
    public void PrettyPrintedFilesAreReadAsOneDocument()
    {
        var array = $"[\n  {Report(1, "T", Ue())},\n  {Report(2, "U", Ue(), Ue())}\n]\n";
        Assert.Equal(3, KpiTableReader.Read(Write(array)).RowCount);
        var pretty = Report(3, "V", Ue(), Ue()).Replace("{\"ueMeasReport\":", "{\n  \"ueMeasReport\":\n") + "\n";
        var t = KpiTableReader.Read(Write(pretty));
        Assert.Equal(["3", "3"], t[UeSchema.DuId].Texts!);
        var bad = $"[\n{Report(1, "T", Ue())},\n{Report(2, "U", Ue(neighbours: 4))}\n]";
        var ex = Fails(bad, 3, "ueMeasReport.ueMeasReportList[0].neighbourCellList");
        Assert.Contains("4 neighbour cells", ex.Message);
    }

    [Fact]
    public void GzipIsDetectedByContentNotName()
    {
        var path = Path.Combine(TestPaths.TempDir(), "reports.txt");
        using (var z = new GZipStream(File.Create(path), CompressionLevel.Fastest))
            z.Write(Encoding.UTF8.GetBytes(Report(1, "T", Ue(), Ue()) + "\n"));
        Assert.Equal(2, KpiTableReader.Read(path).RowCount);
        Assert.Equal(2, UeReportJsonReader.Read(path).RowCount);
    }
}
