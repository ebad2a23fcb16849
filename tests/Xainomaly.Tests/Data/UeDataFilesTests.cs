using System.Globalization;

using Xainomaly.Data;

namespace Xainomaly.Tests.Data;

/// <summary>The three shipped UE files load into one schema with the counts the data README states.</summary>
public sealed class UeDataFilesTests
{
    private static readonly Lazy<KpiTable> Valid = new(() => KpiTableReader.Read(TestPaths.Data("valid.csv")));
    private static readonly Lazy<KpiTable> Ue = new(() => KpiTableReader.Read(TestPaths.Data("ue.csv")));
    private static readonly Lazy<KpiTable> Json = new(() => KpiTableReader.Read(TestPaths.Data("ue.json.gz")));

    [Fact]
    public void ValidCsvHasCountsAndSchemaRoles()
    {
        var t = Valid.Value;
        Assert.Equal(9_830, t.RowCount);
        Assert.Equal(33, t.Columns.Count);
        Assert.Equal(2_485, t.Labels().Sum());
        for (int i = 0; i < t.Columns.Count; i++)
        {
            Assert.Equal(UeSchema.Columns[i], t.Columns[i].Name);
            Assert.Equal(UeSchema.DefaultRole(t.Columns[i].Name), t.Columns[i].Role);
            bool numeric = t.Columns[i].Role is ColumnRole.Numeric or ColumnRole.Label;
            Assert.Equal(numeric, t.Columns[i].IsNumeric);
        }
    }

    [Fact]
    public void ValidCsvFirstRowMatchesFileText()
    {
        var t = Valid.Value;
        using var reader = new StreamReader(TestPaths.Data("valid.csv"));
        var header = reader.ReadLine()!.Split(',');
        var first = reader.ReadLine()!.Split(',');
        for (int j = 0; j < header.Length; j++)
        {
            var c = t[header[j]];
            if (c.IsNumeric) Assert.Equal(double.Parse(first[j], CultureInfo.InvariantCulture), c.Numbers![0]);
            else Assert.Equal(first[j], c.Texts![0]);
        }
        Assert.Equal("Car-3", t[UeSchema.UeId].Texts![0]);
        Assert.Equal(-86.49139217, t["rsrp"].Numbers![0]);
        Assert.Equal("1005", t[UeSchema.DuId].Texts![0]);
    }

    [Fact]
    public void UeCsvHasCountsAndTheSameSchemaAsValidCsv()
    {
        var u = Ue.Value;
        var v = Valid.Value;
        Assert.Equal(8_620, u.RowCount);
        Assert.Equal(1_188, u.Labels().Sum());
        Assert.Equal(v.Columns.Count, u.Columns.Count);
        for (int i = 0; i < v.Columns.Count; i++)
        {
            Assert.Equal(v.Columns[i].Name, u.Columns[i].Name);
            Assert.Equal(v.Columns[i].Role, u.Columns[i].Role);
            Assert.Equal(v.Columns[i].IsNumeric, u.Columns[i].IsNumeric);
        }
    }

    [Fact]
    public void OverlappingRowsOfBothCsvFilesAgree()
    {
        var u = Ue.Value;
        var v = Valid.Value;
        var index = new Dictionary<(string, string), int>();
        var vt = v[UeSchema.Timestamp].Texts!;
        var vu = v[UeSchema.UeId].Texts!;
        for (int i = 0; i < v.RowCount; i++) index.Add((vt[i], vu[i]), i);
        var ut = u[UeSchema.Timestamp].Texts!;
        var uu = u[UeSchema.UeId].Texts!;
        int shared = 0, labelsAgree = 0;
        for (int i = 0; i < u.RowCount; i++)
        {
            if (!index.TryGetValue((ut[i], uu[i]), out int k)) continue;
            shared++;
            foreach (var c in v.Columns)
            {
                var d = u[c.Name];
                if (c.Role == ColumnRole.Label)
                {
                    if (c.Numbers![k] == d.Numbers![i]) labelsAgree++;
                }
                else if (c.IsNumeric)
                {
                    Assert.True(Math.Abs(c.Numbers![k] - d.Numbers![i]) <= 1e-6, $"{c.Name} differs at ue.csv row {i}: {c.Numbers[k]} vs {d.Numbers[i]}");
                }
                else
                {
                    Assert.Equal(c.Texts![k], d.Texts![i]);
                }
            }
        }
        Assert.Equal(6_845, shared);
        Assert.Equal(6_844, labelsAgree);
    }

    [Fact]
    public void UeJsonGzHasAllRecordsAndTheFeatureColumns()
    {
        var j = Json.Value;
        var v = Valid.Value;
        Assert.Equal(59_610, j.RowCount);
        Assert.Null(j.LabelColumn);
        Assert.Equal(32, j.Columns.Count);
        for (int i = 0; i < j.Columns.Count; i++)
        {
            Assert.Equal(v.Columns[i].Name, j.Columns[i].Name);
            Assert.Equal(v.Columns[i].Role, j.Columns[i].Role);
            Assert.Equal(v.Columns[i].IsNumeric, j.Columns[i].IsNumeric);
        }
        // The first UE record of the first report, as in the file.
        Assert.Equal("1001", j[UeSchema.DuId].Texts![0]);
        Assert.Equal("2021-06-25T11:42:33.685", j[UeSchema.Timestamp].Texts![0]);
        Assert.Equal("Pedestrian-1", j[UeSchema.UeId].Texts![0]);
        Assert.Equal("c1/B2", j[UeSchema.ServingCell].Texts![0]);
        Assert.Equal(-90.97006281022396, j["rsrp"].Numbers![0]);
        Assert.Equal(67, j["prb_usage"].Numbers![0]);
        Assert.Equal("c3/N77", j["nbCellIdentity_4"].Texts![0]);
        Assert.Equal(30.07015588873746, j["rssinr_nb4"].Numbers![0]);
        Assert.Equal("Car-2", j[UeSchema.UeId].Texts![1]);
        Assert.Equal(-2, j["y"].Numbers![1]);
    }

    [Fact]
    public void CsvReadsUnderASecond()
    {
        // Best of three warm runs, so that a busy machine does not fail the check by itself.
        _ = KpiCsvReader.Read(TestPaths.Data("valid.csv"));
        long best = long.MaxValue;
        for (int i = 0; i < 3; i++)
        {
            var sw = System.Diagnostics.Stopwatch.StartNew();
            var t = KpiCsvReader.Read(TestPaths.Data("valid.csv"));
            sw.Stop();
            Assert.Equal(9_830, t.RowCount);
            best = Math.Min(best, sw.ElapsedMilliseconds);
        }
        Assert.True(best < 1_000, $"valid.csv took {best} ms");
    }
}
