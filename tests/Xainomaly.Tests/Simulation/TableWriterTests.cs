using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;

using Xainomaly.Data;
using Xainomaly.Simulation;

namespace Xainomaly.Tests.Simulation;

public sealed class TableWriterTests(SimulatedTable sim) : IClassFixture<SimulatedTable>
{
    [Fact]
    public void CsvHeaderIsTheCanonicalSchemaPlusAnomalyKind()
    {
        var text = Encoding.UTF8.GetString(UeTrafficSimulatorTests.Csv(sim.Table));
        var lines = text.Split('\n');
        Assert.Equal(string.Join(',', UeSchema.Columns) + "," + UeSchema.AnomalyKind, lines[0]);
        Assert.Equal(sim.Table.RowCount + 2, lines.Length); // header, rows, and the empty string after the last '\n'
        Assert.Equal("", lines[^1]);
        // Every value reads back to exactly the double in the table.
        var first = lines[1].Split(',');
        for (int c = 0; c < sim.Table.Columns.Count; c++)
        {
            var col = sim.Table.Columns[c];
            if (col.IsNumeric) Assert.Equal(col.Numbers![0], double.Parse(first[c], CultureInfo.InvariantCulture));
            else Assert.Equal(col.Texts![0], first[c]);
        }
    }

    [Fact]
    public void CsvQuotesOnlyWhereNeededAndWritesShortestRoundTripNumbers()
    {
        var t = new KpiTable(
        [
            new KpiColumn("id", ColumnRole.Identifier, ["plain", "a,b", "say \"hi\"", "two\nlines", ""]),
            new KpiColumn("v", ColumnRole.Numeric, [0.1, 1e-5, 91, -0.0 + 2.5e300, 1.0 / 3]),
        ]);
        using var ms = new MemoryStream();
        KpiCsvWriter.Write(t, ms);
        var expected = "id,v\nplain,0.1\n\"a,b\",1E-05\n\"say \"\"hi\"\"\",91\n\"two\nlines\",2.5E+300\n,0.3333333333333333\n";
        Assert.Equal(expected, Encoding.UTF8.GetString(ms.ToArray()));
        Assert.False(ms.ToArray().AsSpan().StartsWith(Encoding.UTF8.Preamble), "no byte-order mark");
    }

    [Fact]
    public void GzPathsAreCompressedAndDecompressToThePlainBytes()
    {
        var dir = TestPaths.TempDir();
        var small = sim.Table.SelectRows(Enumerable.Range(0, 300).ToArray());
        KpiCsvWriter.Write(small, Path.Combine(dir, "t.csv"));
        KpiCsvWriter.Write(small, Path.Combine(dir, "t.csv.gz"));
        UeReportJsonWriter.Write(small, Path.Combine(dir, "t.json"));
        UeReportJsonWriter.Write(small, Path.Combine(dir, "t.json.gz"));
        UeReportJsonWriter.Write(small, Path.Combine(dir, "again.json.gz"));
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "t.csv")), Gunzip(Path.Combine(dir, "t.csv.gz")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "t.json")), Gunzip(Path.Combine(dir, "t.json.gz")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "t.json.gz")), File.ReadAllBytes(Path.Combine(dir, "again.json.gz")));
        Assert.Equal(0x1f, File.ReadAllBytes(Path.Combine(dir, "t.csv.gz"))[0]);
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void JsonLinesHaveTheWireShapeWithLabelExtension()
    {
        var text = Encoding.UTF8.GetString(UeTrafficSimulatorTests.Jsonl(sim.Table));
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        int records = 0;
        var seen = new HashSet<(string, string)>();
        foreach (var line in lines)
        {
            using var doc = JsonDocument.Parse(line);
            var report = doc.RootElement.GetProperty("ueMeasReport");
            Assert.Equal(["du-id", "measTimeStampRf", "ueMeasReportList"], report.EnumerateObject().Select(p => p.Name).ToArray());
            int du = report.GetProperty("du-id").GetInt32();
            string ts = report.GetProperty("measTimeStampRf").GetString()!;
            Assert.True(seen.Add((du.ToString(CultureInfo.InvariantCulture), ts)), "one line per (du-id, timestamp)");
            foreach (var ue in report.GetProperty("ueMeasReportList").EnumerateArray())
            {
                records++;
                Assert.Equal(
                    ["ue-id", "nrCellIdentity", "targetTput", "servingCellRfReport", "neighbourCellList", "throughput", "prb_usage", "x", "y", "Anomaly", "anomaly_kind"],
                    ue.EnumerateObject().Select(p => p.Name).ToArray());
                Assert.Equal(["rsrp", "rsrq", "rssinr"], ue.GetProperty("servingCellRfReport").EnumerateObject().Select(p => p.Name).ToArray());
                var nbs = ue.GetProperty("neighbourCellList").EnumerateArray().ToArray();
                Assert.Equal(UeSchema.NeighbourCount, nbs.Length);
                foreach (var nb in nbs)
                {
                    Assert.StartsWith("c", nb.GetProperty("nbCellIdentity").GetString());
                    Assert.Equal(JsonValueKind.Number, nb.GetProperty("nbCellRfReport").GetProperty("rssinr").ValueKind);
                }
                Assert.True(ue.GetProperty("prb_usage").TryGetInt32(out _), "prb_usage is an integer");
                int label = ue.GetProperty("Anomaly").GetInt32();
                Assert.Equal(label == 1, ue.GetProperty("anomaly_kind").GetString()!.Length > 0);
                Assert.Equal($"{1000 + int.Parse(ue.GetProperty("nrCellIdentity").GetString()!.Split('/')[0][1..], CultureInfo.InvariantCulture)}", du.ToString(CultureInfo.InvariantCulture));
            }
        }
        Assert.Equal(sim.Table.RowCount, records);
    }

    [Fact]
    public void JsonWriterReproducesTheReferenceFileByteForByte()
    {
        // Parse the first lines of ue.json.gz into a canonical table (a test-only parse), write it back and compare.
        var original = new List<string>();
        using (var gz = new GZipStream(File.OpenRead(TestPaths.Data("ue.json.gz")), CompressionMode.Decompress))
        using (var reader = new StreamReader(gz))
        {
            for (string? l; original.Count < 400 && (l = reader.ReadLine()) is not null;) original.Add(l);
        }
        var text = new Dictionary<string, List<string>>();
        var num = new Dictionary<string, List<double>>();
        foreach (var name in UeSchema.Columns)
        {
            if (name == UeSchema.Label) continue;
            if (UeSchema.DefaultRole(name) == ColumnRole.Numeric) num[name] = []; else text[name] = [];
        }
        foreach (var line in original)
        {
            using var doc = JsonDocument.Parse(line);
            var rep = doc.RootElement.GetProperty("ueMeasReport");
            foreach (var ue in rep.GetProperty("ueMeasReportList").EnumerateArray())
            {
                text[UeSchema.DuId].Add(rep.GetProperty("du-id").GetRawText());
                text[UeSchema.Timestamp].Add(rep.GetProperty("measTimeStampRf").GetString()!);
                text[UeSchema.ServingCell].Add(ue.GetProperty("nrCellIdentity").GetString()!);
                text[UeSchema.UeId].Add(ue.GetProperty("ue-id").GetString()!);
                foreach (var f in new[] { "prb_usage", "targetTput", "throughput", "x", "y" }) num[f].Add(ue.GetProperty(f).GetDouble());
                var s = ue.GetProperty("servingCellRfReport");
                foreach (var f in new[] { "rsrp", "rsrq", "rssinr" }) num[f].Add(s.GetProperty(f).GetDouble());
                int i = 0;
                foreach (var nb in ue.GetProperty("neighbourCellList").EnumerateArray())
                {
                    text[$"nbCellIdentity_{i}"].Add(nb.GetProperty("nbCellIdentity").GetString()!);
                    var r = nb.GetProperty("nbCellRfReport");
                    foreach (var f in new[] { "rsrp", "rsrq", "rssinr" }) num[$"{f}_nb{i}"].Add(r.GetProperty(f).GetDouble());
                    i++;
                }
            }
        }
        var cols = new List<KpiColumn>();
        foreach (var name in UeSchema.Columns)
        {
            if (name == UeSchema.Label) continue;
            var role = UeSchema.DefaultRole(name)!.Value;
            cols.Add(num.TryGetValue(name, out var n) ? new KpiColumn(name, role, [.. n]) : new KpiColumn(name, role, [.. text[name]]));
        }
        var table = new KpiTable(cols, "ue.json.gz");
        using var ms = new MemoryStream();
        UeReportJsonWriter.Write(table, ms);
        var written = Encoding.UTF8.GetString(ms.ToArray()).Split('\n');
        Assert.Equal(original.Count + 1, written.Length);
        for (int i = 0; i < original.Count; i++) Assert.Equal(original[i], written[i]);
    }

    [Fact]
    public void JsonWriterNamesAMissingColumnAndRejectsNonFiniteNumbers()
    {
        var noX = new KpiTable([.. sim.Table.Columns.Where(c => c.Name != "x")]);
        var e = Assert.Throws<ArgumentException>(() => UeReportJsonWriter.Write(noX, Stream.Null));
        Assert.Contains("'x'", e.Message, StringComparison.Ordinal);

        var cols = sim.Table.Columns.Select(c => c.Name == "rsrp" ? new KpiColumn("rsrp", c.Role, c.Numbers!.Select((v, i) => i == 3 ? double.NaN : v).ToArray()) : c).ToList();
        var bad = new KpiTable(cols);
        var e2 = Assert.Throws<ArgumentException>(() => UeReportJsonWriter.Write(bad, Stream.Null));
        Assert.Contains("'rsrp', row 4", e2.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(31.0, "31.0")]
    [InlineData(-0.5, "-0.5")]
    [InlineData(1e-5, "1e-05")]
    [InlineData(-10.795061458050071, "-10.795061458050071")]
    [InlineData(2.5e300, "2.5e+300")]
    public void NumbersAreSpelledLikeTheReferenceFile(double v, string expected)
    {
        Span<char> buf = stackalloc char[64];
        Assert.Equal(expected, UeReportJsonWriter.FormatPythonStyle(v, buf).ToString());
    }

    private static byte[] Gunzip(string path)
    {
        using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var ms = new MemoryStream();
        gz.CopyTo(ms);
        return ms.ToArray();
    }
}
