using Xainomaly.Data;
using Xainomaly.Detection;

namespace Xainomaly.Tests.Data;

public sealed class SequenceWindowsTests
{
    [Fact]
    public void WindowsFollowTimestampOrderPerUeWithInterleavedRecords()
    {
        // Two UEs interleaved, input order not chronological.
        string[] ue = ["A", "B", "A", "A", "B", "A"];
        string[] ts = ["3", "1", "1", "2", "2", "10"];
        var idx = SequenceWindows.Indices(ue, ts, 3);
        // A in time order: rows 2 (t=1), 3 (t=2), 0 (t=3), 5 (t=10, numeric, not text order); B: 1, 4.
        Assert.Equal([2, 3, 0], idx[(0 * 3)..(1 * 3)]);
        Assert.Equal([1, 1, 1], idx[(1 * 3)..(2 * 3)]);
        Assert.Equal([2, 2, 2], idx[(2 * 3)..(3 * 3)]);
        Assert.Equal([2, 2, 3], idx[(3 * 3)..(4 * 3)]);
        Assert.Equal([1, 1, 4], idx[(4 * 3)..(5 * 3)]);
        Assert.Equal([3, 0, 5], idx[(5 * 3)..(6 * 3)]);
    }

    [Fact]
    public void IsoTimestampsCompareAsInstantsAndTiesKeepInputOrder()
    {
        string[] ue = ["u", "u", "u", "u"];
        string[] ts = ["2021-06-25T11:42:56.7", "2021-06-25T11:42:56.635", "2021-06-25T11:42:56.635", "2021-06-25T11:42:57"];
        var idx = SequenceWindows.Indices(ue, ts, 2);
        // Chronological: 1 and 2 tie (input order kept), then 0, then 3.
        Assert.Equal([1, 1], idx[2..4]);
        Assert.Equal([1, 2], idx[4..6]);
        Assert.Equal([2, 0], idx[0..2]);
        Assert.Equal([0, 3], idx[6..8]);
    }

    [Fact]
    public void BuildGathersFlatRowsOldestFirstAndPads()
    {
        string[] ue = ["A", "B", "A"];
        string[] ts = ["2", "1", "1"];
        float[] x = [10, 11, 20, 21, 30, 31]; // d = 2
        var idx = SequenceWindows.Indices(ue, ts, 3);
        var rows = SequenceWindows.Build(x, 2, idx, 3);
        Assert.Equal(3 * 6, rows.Length);
        Assert.Equal([30, 31, 30, 31, 10, 11], rows[0..6]);   // A at t=2: pad with its earliest record (row 2)
        Assert.Equal([20, 21, 20, 21, 20, 21], rows[6..12]);  // B alone
        Assert.Equal([30, 31, 30, 31, 30, 31], rows[12..18]); // A at t=1
        var some = SequenceWindows.Build(x, 2, idx, 3, [0]);
        Assert.Equal(rows[0..6], some);
    }

    [Fact]
    public void WindowOfOneIsTheRecordItself()
    {
        string[] ue = ["A", "B", "A"];
        string[] ts = ["2", "1", "1"];
        float[] x = [1, 2, 3, 4, 5, 6];
        Assert.Equal(x, SequenceWindows.Build(x, 2, SequenceWindows.Indices(ue, ts, 1), 1));
    }

    [Fact]
    public void FeatureNamesCarryTheLag()
    {
        var names = SequenceWindows.FeatureNames(["rsrp", "rsrq"], 3);
        Assert.Equal(["rsrp[t-2]", "rsrq[t-2]", "rsrp[t-1]", "rsrq[t-1]", "rsrp[t]", "rsrq[t]"], names);
    }

    [Fact]
    public void TableWithoutKeysIsADataFormatError()
    {
        var table = new KpiTable([new KpiColumn(UeSchema.UeId, ColumnRole.Identifier, ["a", "b"]), new KpiColumn("rsrp", ColumnRole.Numeric, [1.0, 2.0])], "x.csv");
        var e = Assert.Throws<DataFormatException>(() => SequenceWindows.Build(table, new float[2], 1, 4));
        Assert.Equal(UeSchema.Timestamp, e.Column);
        Assert.StartsWith("x.csv", e.Message);
    }

    [Fact]
    public void TrainingDataWindowsKeepLabelsAndKeys()
    {
        var data = new TrainingData([1, 2, 3], 1, [0, -1, 1], ["u", "u", "u"], ["3", "1", "2"]);
        var windowed = WindowedTrainer.Windows(data, 2);
        Assert.Equal(2, windowed.Width);
        Assert.Equal([3, 1, 2, 2, 2, 3], windowed.X);
        Assert.Equal(data.Labels, windowed.Labels);
        Assert.Throws<DataFormatException>(() => WindowedTrainer.Windows(data with { OrderKeys = null }, 2));
    }
}
