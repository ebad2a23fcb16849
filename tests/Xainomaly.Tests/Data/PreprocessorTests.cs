using Xainomaly.Data;

namespace Xainomaly.Tests.Data;

public sealed class PreprocessorTests
{
    private static readonly Lazy<KpiTable> Valid = new(() => KpiCsvReader.Read(TestPaths.Data("valid.csv")));

    private static KpiTable Small(double[] load, string[] cell, string[]? ue = null, string[]? time = null)
    {
        var cols = new List<KpiColumn>
        {
            new("load", ColumnRole.Numeric, load),
            new("cell", ColumnRole.Nominal, cell),
            new("flat", ColumnRole.Numeric, Enumerable.Repeat(7.0, load.Length).ToArray()),
            new("ue-id", ColumnRole.Identifier, ue ?? Enumerable.Repeat("u1", load.Length).ToArray()),
            new("time", ColumnRole.Timestamp, time ?? Enumerable.Repeat("2021-06-25T11:42:33.000", load.Length).ToArray()),
            new("label", ColumnRole.Label, Enumerable.Repeat(0.0, load.Length).ToArray()),
        };
        return new KpiTable(cols, "small");
    }

    [Fact]
    public void FitsOnTrainingRowsOnly()
    {
        var t = Valid.Value;
        var split = DataSplits.StratifiedTrainTest(t.Labels(), 0.2, 42);
        var p = Preprocessor.Fit(t, split.Train);
        var all = Preprocessor.Fit(t);
        Assert.Equal(23, p.InputWidth);
        int differs = 0;
        foreach (var f in p.Features)
        {
            var train = split.Train.Select(i => t[f.Column].Numbers![i]).ToArray();
            Assert.Equal(train.Min(), f.Min);
            Assert.Equal(train.Max(), f.Max);
            var g = all.Features[all.FeatureIndex(f.Name)];
            if (g.Min != f.Min || g.Max != f.Max) differs++;
        }
        Assert.True(differs > 0, "the test rows widen no range; the check would not see a fit on all rows");

        var x = p.Transform(t.SelectRows(split.Test), out var report);
        int expectedOutside = 0;
        foreach (var f in p.Features)
        {
            int outside = split.Test.Count(i => t[f.Column].Numbers![i] < f.Min || t[f.Column].Numbers![i] > f.Max);
            Assert.Equal(outside, report.OutOfRange[f.Column]);
            expectedOutside += outside;
        }
        Assert.Equal(expectedOutside, report.TotalOutOfRange);
        Assert.True(expectedOutside > 0);
        Assert.Equal(split.Test.Length * 23, x.Length);
    }

    [Fact]
    public void ScalesUeFeaturesToUnitRangeAndKeepsContextOut()
    {
        var t = Valid.Value;
        var p = Preprocessor.Fit(t);
        var expected = UeSchema.Columns.Where(c => UeSchema.DefaultRole(c) == ColumnRole.Numeric).ToArray();
        Assert.Equal(expected, p.FeatureNames);
        var x = p.Transform(t, out var report);
        Assert.Equal(0, report.TotalOutOfRange);
        Assert.All(x, v => Assert.InRange(v, 0f, 1f));
        int rsrp = p.FeatureIndex("rsrp");
        var f = p.Features[rsrp];
        Assert.Equal("dBm", f.Unit);
        Assert.Equal((float)((t["rsrp"].Numbers![0] - f.Min) / (f.Max - f.Min)), x[rsrp]);
        Assert.Equal(0f, x[(t["rsrp"].Numbers!.AsSpan().IndexOf(f.Min) * p.InputWidth) + rsrp]);
        Assert.Equal(1f, x[(t["rsrp"].Numbers!.AsSpan().IndexOf(f.Max) * p.InputWidth) + rsrp]);
    }

    [Fact]
    public void OneHotVocabularyComesFromTrainingRowsSorted()
    {
        var train = Small([0, 5, 10, 5], ["c2", "c1", "c10", "c1"]);
        var p = Preprocessor.Fit(train);
        Assert.Equal(["load", "cell=c1", "cell=c10", "cell=c2", "flat"], p.FeatureNames);
        var test = Small([5, 20, -5], ["c10", "c9", "c2"]);
        var x = p.Transform(test, out var report);
        Assert.Equal([0.5f, 0, 1, 0, 0, 2f, 0, 0, 0, 0, -0.5f, 0, 0, 1, 0], x);
        Assert.Equal(1, report.UnseenCategories["cell"]);
        Assert.Equal(2, report.OutOfRange["load"]);
        Assert.Equal(0, report.OutOfRange["flat"]);
        Assert.Equal(3, report.Rows);
    }

    [Fact]
    public void ClipOptionClipsOutOfRangeValues()
    {
        var p = Preprocessor.Fit(Small([0, 10], ["a", "b"]), new PreprocessorOptions { ClipToRange = true });
        var x = p.Transform(Small([-5, 20], ["a", "b"]), out var report);
        Assert.Equal(0f, x[0]);
        Assert.Equal(1f, x[p.InputWidth]);
        Assert.Equal(2, report.OutOfRange["load"]);
    }

    [Fact]
    public void ConstantColumnsScaleToZero()
    {
        var p = Preprocessor.Fit(Small([1, 2], ["a", "a"]));
        int flat = p.FeatureIndex("flat");
        var test = Small([1, 2], ["a", "a"]);
        var cols = test.Columns.Select(c => c.Name == "flat" ? new KpiColumn("flat", ColumnRole.Numeric, [7.0, 9.0]) : c).ToList();
        var x = p.Transform(new KpiTable(cols), out var report);
        Assert.Equal(0f, x[flat]);
        Assert.Equal(0f, x[p.InputWidth + flat]);
        Assert.Equal(1, report.OutOfRange["flat"]);
        Assert.Equal(0, p.ToScaledDelta(flat, 3));
    }

    [Fact]
    public void IdentifiersAndTimestampOnlyWhenAsked()
    {
        var train = Small([0, 1], ["a", "b"], ["Car-1", "Car-2"], ["2021-06-25T11:42:33.000", "2021-06-25T11:42:35.000"]);
        Assert.DoesNotContain("ue-id=Car-1", Preprocessor.Fit(train).FeatureNames);
        var p = Preprocessor.Fit(train, new PreprocessorOptions { IncludeIdentifiers = true, IncludeTimestamp = true });
        Assert.Contains("ue-id=Car-1", p.FeatureNames);
        Assert.Contains("ue-id=Car-2", p.FeatureNames);
        int time = p.FeatureIndex("time");
        Assert.Equal("s", p.Features[time].Unit);
        Assert.Equal(2, p.Features[time].Range);
        Assert.DoesNotContain(p.FeatureNames, n => n.StartsWith("label", StringComparison.Ordinal));
        var x = p.Transform(Small([0, 0], ["a", "a"], ["Car-2", "Car-1"], ["2021-06-25T11:42:34.000", "2021-06-25T11:42:33.000"]));
        Assert.Equal(0.5f, x[time]);
        Assert.Equal(1f, x[p.FeatureIndex("ue-id=Car-2")]);
    }

    [Fact]
    public void MissingInputColumnIsAnErrorAndExtraColumnsAreIgnored()
    {
        var p = Preprocessor.Fit(Small([0, 1], ["a", "b"]));
        var test = Small([0, 1], ["a", "b"]);
        var withoutLoad = new KpiTable(test.Columns.Where(c => c.Name != "load").ToList(), "incoming");
        var ex = Assert.Throws<DataFormatException>(() => p.Transform(withoutLoad));
        Assert.Equal("load", ex.Column);
        Assert.Contains("incoming", ex.Message);
        var extra = new KpiTable([.. test.Columns, new KpiColumn("more", ColumnRole.Numeric, [1.0, 2.0])]);
        Assert.Equal(p.Transform(test), p.Transform(extra));
    }

    [Fact]
    public void SpanOverloadMatchesAndChecksLength()
    {
        var t = Valid.Value.SelectRows([0, 1, 2, 3]);
        var p = Preprocessor.Fit(Valid.Value);
        var buffer = new float[4 * p.InputWidth];
        p.Transform(t, buffer);
        Assert.Equal(p.Transform(t), buffer);
        Assert.Throws<ArgumentException>(() => p.Transform(t, new float[3]));
    }

    [Fact]
    public void PhysicalUnitsConvertBothWays()
    {
        var p = Preprocessor.Fit(Valid.Value);
        int rsrq = p.FeatureIndex("rsrq");
        var f = p.Features[rsrq];
        Assert.Equal("dB", f.Unit);
        Assert.Equal(3.0 / f.Range, p.ToScaledDelta(rsrq, 3.0), 12);
        Assert.Equal(3.0, p.ToPhysicalDelta(rsrq, p.ToScaledDelta(rsrq, 3.0)), 12);
        Assert.Equal(f.Max, p.ToPhysical(rsrq, 1.0), 9);
        Assert.Equal(0.5, p.ToScaled(rsrq, (f.Min + f.Max) / 2), 12);
        var oneHot = Preprocessor.Fit(Small([0, 1], ["a", "b"]));
        Assert.Throws<ArgumentException>(() => oneHot.ToScaledDelta(oneHot.FeatureIndex("cell=a"), 1));
    }

    private static byte[] Bytes(Preprocessor p)
    {
        var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true)) p.Write(w);
        return ms.ToArray();
    }

    private static Preprocessor FromBytes(byte[] b) => Preprocessor.Read(new BinaryReader(new MemoryStream(b)));

    [Fact]
    public void SerializationRoundTripsBitIdentically()
    {
        var train = Small([0.1, 5, 10.3], ["c2", "c1", "ü/中"], ["Car-1", "Car-2", "Car-1"],
            ["2021-06-25T11:42:33.000", "2021-06-25T11:42:35.500", "2021-06-25T11:42:36.000"]);
        foreach (var p in new[]
        {
            Preprocessor.Fit(train, new PreprocessorOptions { IncludeIdentifiers = true, IncludeTimestamp = true, ClipToRange = true }),
            Preprocessor.Fit(Valid.Value),
        })
        {
            var bytes = Bytes(p);
            var q = FromBytes(bytes);
            Assert.Equal(bytes, Bytes(q));
            Assert.Equal(p.FeatureNames, q.FeatureNames);
            Assert.Equal(p.Options, q.Options);
            Assert.Equal(p.Features, q.Features);
        }
        var first = Preprocessor.Fit(Valid.Value);
        Assert.Equal(first.Transform(Valid.Value), FromBytes(Bytes(first)).Transform(Valid.Value));
    }

    [Fact]
    public void CorruptedDataRaisesInvalidDataException()
    {
        var bytes = Bytes(Preprocessor.Fit(Small([0, 1], ["a", "b"])));
        var badMagic = (byte[])bytes.Clone();
        badMagic[0] ^= 0xFF;
        Assert.Contains("marker", Assert.Throws<InvalidDataException>(() => FromBytes(badMagic)).Message);
        var badVersion = (byte[])bytes.Clone();
        badVersion[4] = 99;
        Assert.Contains("version 99", Assert.Throws<InvalidDataException>(() => FromBytes(badVersion)).Message);
        for (int cut = 0; cut < bytes.Length; cut++)
            Assert.Throws<InvalidDataException>(() => FromBytes(bytes[..cut]));
        var badKind = (byte[])bytes.Clone();
        badKind[13] = 9;
        Assert.Throws<InvalidDataException>(() => FromBytes(badKind));
    }

    [Fact]
    public void FittingOnNothingIsAnError()
    {
        Assert.Throws<DataFormatException>(() => Preprocessor.Fit(Small([], [])));
    }
}
