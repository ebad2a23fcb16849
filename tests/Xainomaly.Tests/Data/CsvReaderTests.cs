using System.Text;

using Xainomaly.Data;

namespace Xainomaly.Tests.Data;

public sealed class CsvReaderTests
{
    private static string Write(string content, string name = "data.csv")
    {
        var path = Path.Combine(TestPaths.TempDir(), name);
        File.WriteAllText(path, content, new UTF8Encoding(false));
        return path;
    }

    private static DataFormatException Fails(string content, KpiReadOptions? options = null)
    {
        var path = Write(content);
        var ex = Assert.Throws<DataFormatException>(() => KpiCsvReader.Read(path, options));
        Assert.Equal(path, ex.SourceName);
        Assert.Contains(path, ex.Message);
        return ex;
    }

    private static string[] ValidLines(int rows) => File.ReadLines(TestPaths.Data("valid.csv")).Take(rows + 1).ToArray();

    [Fact]
    public void GenericCsvInfersNumericAndNominalAndAutoLabel()
    {
        var t = KpiCsvReader.Parse("site,load,drops,is_anomaly\nA,1.5,3,0\nB,2,4e1,1\nA,-3,0,true\n", "mem");
        Assert.Equal(3, t.RowCount);
        Assert.Equal(ColumnRole.Nominal, t["site"].Role);
        Assert.Equal(["A", "B", "A"], t["site"].Texts!);
        Assert.Same(t["site"].Texts![0], t["site"].Texts![2]);
        Assert.Equal(ColumnRole.Numeric, t["load"].Role);
        Assert.Equal([1.5, 2, -3], t["load"].Numbers!);
        Assert.Equal([3, 40, 0], t["drops"].Numbers!);
        Assert.Equal(ColumnRole.Label, t["is_anomaly"].Role);
        Assert.Equal([0, 1, 1], t.Labels());
    }

    [Fact]
    public void OptionsSetLabelExcludeIdentifierTimeAndNominal()
    {
        const string csv = "when,enb,cell,drop_rate,users,bad,note\n2024-01-01T00:00,17,3,0.5,10,0,x\n2024-01-01T01:00,18,4,0.7,12,1,y\n";
        var o = new KpiReadOptions { Label = "bad", Exclude = ["note"], Identifiers = ["enb"], Time = "when", Nominal = ["cell"] };
        var t = KpiCsvReader.Parse(csv, "mem", o);
        Assert.Equal(["when", "enb", "cell", "drop_rate", "users", "bad"], t.Columns.Select(c => c.Name));
        Assert.Equal(ColumnRole.Timestamp, t["when"].Role);
        Assert.Equal(ColumnRole.Identifier, t["enb"].Role);
        Assert.Equal(["17", "18"], t["enb"].Texts!);
        Assert.Equal(ColumnRole.Nominal, t["cell"].Role);
        Assert.Equal(["3", "4"], t["cell"].Texts!);
        Assert.Equal(ColumnRole.Numeric, t["users"].Role);
        Assert.Equal([0, 1], t.Labels());
        Assert.False(t.TryGetColumn("note", out _));
    }

    [Fact]
    public void QuotedFieldsCrLfAndBomAreHandled()
    {
        var csv = "\uFEFF\"name\",value,label\r\n\"a, \"\"quoted\"\"\nname\",1,0\r\nplain,\"2.5\",1\r\n\r\n";
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(csv[1..])).ToArray();
        var t = KpiCsvReader.Parse(bytes, "mem");
        Assert.Equal(2, t.RowCount);
        Assert.Equal("a, \"quoted\"\nname", t["name"].Texts![0]);
        Assert.Equal([1, 2.5], t["value"].Numbers!);
        Assert.Equal([0, 1], t.Labels());
    }

    [Fact]
    public void LineNumbersCountNewlinesInsideQuotes()
    {
        var ex = Assert.Throws<DataFormatException>(() => KpiCsvReader.Parse("a,b\n\"x\ny\",1\nz,oops,3\n", "mem"));
        Assert.Equal(4, ex.Line);
    }

    [Fact]
    public void UeCsvWithAliasesIsReorderedToCanonicalOrder()
    {
        var lines = ValidLines(3);
        // Move the label first and use upstream names: the table must come out in canonical order anyway.
        var header = lines[0].Split(',');
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToArray();
        var perm = Enumerable.Range(0, header.Length).Reverse().ToArray();
        string Rename(string n) => UeSchema.Aliases.FirstOrDefault(kv => kv.Value == n).Key ?? n;
        var text = string.Join(",", perm.Select(i => Rename(header[i]))) + "\n"
            + string.Join("\n", rows.Select(r => string.Join(",", perm.Select(i => r[i]))));
        var t = KpiCsvReader.Parse(text, "mem");
        Assert.Equal(UeSchema.Columns, t.Columns.Select(c => c.Name));
        Assert.Equal(double.Parse(rows[2][9], System.Globalization.CultureInfo.InvariantCulture), t["rsrp"].Numbers![2]);
    }

    [Fact]
    public void AnomalyKindIsAnIgnoredTextColumn()
    {
        var lines = ValidLines(2);
        var text = lines[0] + ",anomaly_kind\n" + lines[1] + ",\n" + lines[2] + ",rsrp_drop\n";
        var t = KpiCsvReader.Parse(text, "mem");
        Assert.Equal(ColumnRole.Ignored, t[UeSchema.AnomalyKind].Role);
        Assert.Equal(["", "rsrp_drop"], t[UeSchema.AnomalyKind].Texts!);
        Assert.Equal(34, t.Columns.Count);
    }

    [Fact]
    public void EmptyFileIsAnError()
    {
        var ex = Fails("");
        Assert.Equal(1, ex.Line);
        Assert.Contains("empty", ex.Message);
    }

    [Fact]
    public void HeaderOnlyIsAnErrorUnlessAllowed()
    {
        var header = ValidLines(0)[0] + "\n";
        var ex = Fails(header);
        Assert.Equal(2, ex.Line);
        Assert.Contains("no data rows", ex.Message);
        var t = KpiCsvReader.Read(Write(header), new KpiReadOptions { AllowEmpty = true });
        Assert.Equal(0, t.RowCount);
        Assert.Equal(UeSchema.Columns, t.Columns.Select(c => c.Name));
        Assert.Equal(ColumnRole.Label, t[UeSchema.Label].Role);
        Assert.False(t[UeSchema.UeId].IsNumeric);
    }

    [Fact]
    public void DuplicateHeaderNamesAreErrors()
    {
        var ex = Fails("a,b,a\n1,2,3\n");
        Assert.Equal(1, ex.Line);
        Assert.Equal("a", ex.Column);
        Assert.Contains("line 1, column 'a'", ex.Message);

        var ex2 = Fails("rsrp,x,RF.serving.RSRP\n1,2,3\n");
        Assert.Equal("RF.serving.RSRP", ex2.Column);
        Assert.Contains("'rsrp'", ex2.Message);
    }

    [Fact]
    public void RaggedRowsAreErrors()
    {
        var tooMany = Fails("a,b,c\n1,2,3\n4,5,6,7\n");
        Assert.Equal(3, tooMany.Line);
        Assert.Contains("4 fields", tooMany.Message);

        var tooFew = Fails("a,b,c\n1,2,3\n\n4,5\n");
        Assert.Equal(4, tooFew.Line);
        Assert.Equal("c", tooFew.Column);
    }

    [Fact]
    public void NonNumericCellInUeNumericColumnIsAnError()
    {
        var lines = ValidLines(3);
        var cells = lines[2].Split(',');
        cells[9] = "strong";
        lines[2] = string.Join(",", cells);
        var ex = Fails(string.Join("\n", lines));
        Assert.Equal(3, ex.Line);
        Assert.Equal("rsrp", ex.Column);
        Assert.Contains("'strong' is not a number", ex.Message);
    }

    [Fact]
    public void UpstreamNamesAreReportedAsWrittenInTheFile()
    {
        var ex = Fails(File.ReadLines(TestPaths.Data("ue.csv")).First() + "\n" + string.Join(",", Enumerable.Repeat("x", 33)) + "\n");
        Assert.Equal(2, ex.Line);
        Assert.Equal("RRU.PrbUsedDl", ex.Column);
    }

    [Theory]
    [InlineData("a,b\n1,2\n,3\n", "empty cell")]
    [InlineData("a,b\n1,2\nNaN,3\n", "not a finite number")]
    [InlineData("a,b\n1,2\n-Infinity,3\n", "not a finite number")]
    [InlineData("a,b\n1,2\n1e999,3\n", "not a finite number")]
    public void MissingOrNonFiniteValuesInNumericColumnsAreErrors(string csv, string problem)
    {
        var ex = Fails(csv);
        Assert.Equal(3, ex.Line);
        Assert.Equal("a", ex.Column);
        Assert.Contains(problem, ex.Message);
    }

    [Fact]
    public void BadLabelValuesAreErrors()
    {
        var ex = Fails("a,label\n1,0\n2,2\n");
        Assert.Equal(3, ex.Line);
        Assert.Equal("label", ex.Column);
        Assert.Contains("'2'", ex.Message);
        Assert.Contains("0/1", ex.Message);
    }

    [Fact]
    public void OptionsNamingMissingColumnsAreErrors()
    {
        var csv = "a,b,label\n1,2,0\n";
        Assert.Equal("lbl", Fails(csv, new KpiReadOptions { Label = "lbl" }).Column);
        Assert.Contains("excluded column 'zz' does not exist", Fails(csv, new KpiReadOptions { Exclude = ["zz"] }).Message);
        Assert.Contains("identifier column 'id' does not exist", Fails(csv, new KpiReadOptions { Identifiers = ["id"] }).Message);
        Assert.Contains("time column 't' does not exist", Fails(csv, new KpiReadOptions { Time = "t" }).Message);
        var noLabel = Fails("a,b\n1,2\n", new KpiReadOptions { RequireLabel = true });
        Assert.Contains("no label column", noLabel.Message);
        Assert.Equal(1, noLabel.Line);
        Assert.Contains("two roles", Fails(csv, new KpiReadOptions { Identifiers = ["a"], Nominal = ["a"] }).Message);
    }

    [Fact]
    public void UnclosedQuoteIsAnError()
    {
        var ex = Fails("a,b\n1,2\n\"open,3\n4,5\n");
        Assert.Equal(3, ex.Line);
        Assert.Contains("not closed", ex.Message);
    }

    [Fact]
    public void MissingFileRaisesFileNotFoundWithThePath()
    {
        var path = Path.Combine(TestPaths.TempDir(), "nope.csv");
        var ex = Assert.Throws<FileNotFoundException>(() => KpiTableReader.Read(path));
        Assert.Contains(path, ex.Message);
    }
}
