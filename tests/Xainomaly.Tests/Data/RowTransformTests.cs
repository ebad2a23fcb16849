using Xainomaly.Data;
using Xainomaly.Detection;

namespace Xainomaly.Tests.Data;

/// <summary>The preprocessor over rows held as value arrays gives bit for bit what the table transform gives.</summary>
public sealed class RowTransformTests
{
    private static readonly Lazy<KpiTable> Valid = new(() => KpiCsvReader.Read(TestPaths.Data("valid.csv")));
    private static readonly Lazy<KpiTable> Reports = new(() => UeReportJsonReader.Read(TestPaths.Data("ue.json.gz")));

    public static TheoryData<string, bool, bool, bool> Cases => new()
    {
        { "valid.csv", false, false, false },
        { "ue.json.gz", false, false, false },
        { "valid.csv", true, true, true },
        { "ue.json.gz", true, true, false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Rows_as_canonical_value_arrays_transform_bit_for_bit_as_the_table(string file, bool identifiers, bool timestamp, bool clip)
    {
        var table = file == "valid.csv" ? Valid.Value : Reports.Value;
        // Fitted on a part only, so that unseen categories and values outside the training range occur.
        var options = new PreprocessorOptions { IncludeIdentifiers = identifiers, IncludeTimestamp = timestamp, ClipToRange = clip };
        var train = new int[Valid.Value.RowCount / 3];
        for (int i = 0; i < train.Length; i++) train[i] = i;
        var p = Preprocessor.Fit(Valid.Value, train, options);
        var expected = p.Transform(table, out var expectedReport);

        var (numbers, texts) = Layout(table);
        var rows = p.ForRows(UeSchema.NumericColumns, UeSchema.TextColumns);
        Assert.Equal(identifiers || timestamp, rows.ReadsText);
        var actual = new float[table.RowCount * rows.Width];
        var report = rows.Transform(numbers, texts, table.RowCount, actual);

        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]), $"value {i}: {expected[i]} vs {actual[i]}");
        Assert.Equal(expectedReport.Rows, report.Rows);
        Assert.Equal(expectedReport.UnseenCategories.OrderBy(k => k.Key), report.UnseenCategories.OrderBy(k => k.Key));
        Assert.Equal(expectedReport.OutOfRange.OrderBy(k => k.Key), report.OutOfRange.OrderBy(k => k.Key));
        if (identifiers) Assert.True(report.TotalUnseen > 0 || file == "valid.csv");
        Assert.True(report.TotalOutOfRange > 0);
    }

    [Fact]
    public void A_models_inputs_from_value_arrays_equal_DetectorModel_Inputs()
    {
        var table = Reports.Value;
        var p = Preprocessor.Fit(Valid.Value);
        var model = new DetectorModel(p, new IsolationForestDetector(IsolationForest.Fit(p.Transform(Valid.Value), Valid.Value.RowCount, p.InputWidth, new IsolationForestOptions { TreeCount = 5, Seed = 1 })), new ModelInfo { Kind = "isolation-forest" });
        var expected = model.Inputs(table, out _);
        var (numbers, texts) = Layout(table);
        var actual = new float[expected.Length];
        model.Preprocessor.ForRows(UeSchema.NumericColumns).Transform(numbers, [], table.RowCount, actual);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void A_layout_without_an_input_column_or_with_a_bad_value_is_refused()
    {
        var p = Preprocessor.Fit(Valid.Value);
        var missing = Assert.Throws<DataFormatException>(() => p.ForRows(["rsrp", "rsrq"]));
        Assert.Contains("missing input column", missing.Message, StringComparison.Ordinal);
        var text = Assert.Throws<DataFormatException>(() => p.ForRows(["rsrp"], [.. UeSchema.NumericColumns]));
        Assert.Contains("expected a numeric column", text.Message, StringComparison.Ordinal);

        var rows = p.ForRows(UeSchema.NumericColumns);
        var numbers = new double[2 * rows.NumericWidth];
        numbers[rows.NumericWidth + 5] = double.NaN;
        var nan = Assert.Throws<DataFormatException>(() => rows.Transform(numbers, [], 2, new float[2 * rows.Width], "stream"));
        Assert.Contains("row 2", nan.Message, StringComparison.Ordinal);
        Assert.Equal("rsrp", nan.Column);
        Assert.Throws<ArgumentException>(() => rows.Transform(numbers, [], 3, new float[3 * rows.Width]));
    }

    private static (double[] Numbers, string[] Texts) Layout(KpiTable table)
    {
        int n = table.RowCount, nw = UeSchema.NumericColumns.Count, tw = UeSchema.TextColumns.Count;
        var numbers = new double[n * nw];
        var texts = new string[n * tw];
        for (int c = 0; c < nw; c++)
        {
            var v = table[UeSchema.NumericColumns[c]].Numbers!;
            for (int r = 0; r < n; r++) numbers[(r * nw) + c] = v[r];
        }
        for (int c = 0; c < tw; c++)
        {
            var col = table[UeSchema.TextColumns[c]];
            for (int r = 0; r < n; r++) texts[(r * tw) + c] = col.Texts?[r] ?? col.FormatValue(r);
        }
        return (numbers, texts);
    }
}
