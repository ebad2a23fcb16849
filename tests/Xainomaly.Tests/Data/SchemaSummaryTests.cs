using Xainomaly.Data;

namespace Xainomaly.Tests.Data;

public sealed class SchemaSummaryTests
{
    [Fact]
    public void SummarisesValidCsv()
    {
        var t = KpiCsvReader.Read(TestPaths.Data("valid.csv"));
        var s = SchemaSummary.Of(t);
        Assert.Equal(9_830, s.RowCount);
        Assert.Equal(33, s.Columns.Count);
        Assert.Equal(2_485 / 9_830.0, s.PositiveRate!.Value, 12);
        var ue = s.Columns.Single(c => c.Name == UeSchema.UeId);
        Assert.Equal((ColumnRole.Identifier, false, 20, 0), (ue.Role, ue.IsNumeric, ue.Distinct, ue.Missing));
        Assert.Null(ue.Min);
        Assert.Equal(13, s.Columns.Single(c => c.Name == UeSchema.ServingCell).Distinct);
        Assert.Equal(9, s.Columns.Single(c => c.Name == UeSchema.DuId).Distinct);
        var rsrp = s.Columns.Single(c => c.Name == "rsrp");
        var v = t["rsrp"].Numbers!;
        Assert.Equal(v.Min(), rsrp.Min);
        Assert.Equal(v.Max(), rsrp.Max);
        Assert.Equal(v.Average(), rsrp.Mean!.Value, 9);
        Assert.Equal(v.Distinct().Count(), rsrp.Distinct);
        Assert.Null(rsrp.PositiveRate);
    }

    [Fact]
    public void CountsMissingValues()
    {
        var t = new KpiTable([
            new KpiColumn("a", ColumnRole.Numeric, [1.0, double.NaN, 3.0]),
            new KpiColumn("b", ColumnRole.Nominal, ["x", "", "x"]),
        ]);
        var s = SchemaSummary.Of(t);
        Assert.Equal((1, 2.0, 3), (s.Columns[0].Missing, s.Columns[0].Mean!.Value, s.Columns[0].Distinct));
        Assert.Equal((1, 2), (s.Columns[1].Missing, s.Columns[1].Distinct));
        Assert.Null(s.PositiveRate);
    }
}
