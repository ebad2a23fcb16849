using Xainomaly.Evaluation;
using Xainomaly.Reporting;

namespace Xainomaly.Tests.Reporting;

/// <summary>What the figures compute before drawing (bins, orders, sums, legend texts) checked against values worked out by hand.</summary>
public sealed class FigureContentTests
{
    [Fact]
    public void HistogramBinsAreCommonAndCountEveryValueOnce()
    {
        var h = new OverlaidHistograms("t", "x", [new HistogramGroup("a", [0, 1, 2, 3, 4]), new HistogramGroup("b", [2, 2, 10])], bins: 5);
        Assert.Equal([0.0, 2, 4, 6, 8, 10], h.BinEdges());
        // Bins are [0,2) [2,4) [4,6) [6,8) [8,10], the last closed.
        Assert.Equal([2L, 2, 1, 0, 0], h.Counts(0));
        Assert.Equal([0L, 2, 0, 0, 1], h.Counts(1));
    }

    [Fact]
    public void LogHistogramBinsAreEqualInLogSpace()
    {
        var h = new OverlaidHistograms("t", "x", [new HistogramGroup("a", [0.001, 0.01, 0.1, 1]), new HistogramGroup("b", [0.5])], bins: 3, logX: true);
        double[] edges = h.BinEdges();
        Assert.Equal(4, edges.Length);
        double[] expected = [0.001, 0.01, 0.1, 1];
        for (int i = 0; i < 4; i++) Assert.Equal(expected[i], edges[i], expected[i] * 1e-12);
        Assert.Equal(4L, h.Counts(0).Sum());
        Assert.Equal([0L, 0, 1], h.Counts(1));
    }

    [Fact]
    public void HistogramCountsMatchANaiveCountOnSampleData()
    {
        var (normal, anomalous) = FigureSamples.Errors();
        var h = new OverlaidHistograms("t", "x", [new HistogramGroup("normal", normal), new HistogramGroup("anomalous", anomalous)], bins: 40, logX: true);
        double[] edges = h.BinEdges();
        foreach (var (g, values) in new[] { (0, normal), (1, anomalous) })
        {
            long[] counts = h.Counts(g);
            Assert.Equal(values.Length, counts.Sum());
            for (int b = 0; b < 40; b++)
            {
                // Interior edges only: tiny rounding at an edge may move a value by one bin, never lose it.
                long naive = values.Count(v => v >= edges[b] && (b == 39 ? v <= edges[b + 1] : v < edges[b + 1]));
                Assert.InRange(counts[b], naive - 1, naive + 1);
            }
        }
    }

    [Fact]
    public void SingleValueHistogramStillHasWidth()
    {
        var h = new OverlaidHistograms("t", "x", [new HistogramGroup("a", [3, 3, 3])], bins: 4);
        double[] e = h.BinEdges();
        Assert.True(e[^1] > e[0]);
        Assert.Equal(3L, h.Counts(0).Sum());
        Assert.StartsWith("<?xml", h.ToSvg());
    }

    [Fact]
    public void WaterfallSortsByMagnitudeSumsTheRestAndEndsAtPrediction()
    {
        string[] names = ["a", "b", "c", "d", "e"];
        double[] phi = [0.05, -0.4, 0.2, -0.01, 0.02];
        var w = new WaterfallChart("t", names, phi, baseValue: 1.0, featureValues: [1, 2, 3, 4, 5], maxFeatures: 3);
        var rows = w.Rows();
        Assert.Equal(3, rows.Count);
        Assert.Equal(("b = 2", -0.4), rows[0]);
        Assert.Equal(("c = 3", 0.2), rows[1]);
        Assert.Equal("3 other features", rows[2].Label);
        Assert.Equal(0.05 - 0.01 + 0.02, rows[2].Phi, 1e-15);
        Assert.Equal(1.0 - 0.4 + 0.2 + 0.05 - 0.01 + 0.02, w.Prediction, 1e-15);
        // Efficiency: the drawn rows add up from the base to f(x).
        Assert.Equal(w.Prediction, w.BaseValue + rows.Sum(r => r.Phi), 1e-15);
        string svg = w.ToSvg();
        Assert.Contains("f(x) = 0.86", svg);
        Assert.Contains("E[f(X)] = 1", svg);
    }

    [Fact]
    public void WaterfallShowsEveryFeatureWhenTheyFit()
    {
        var w = new WaterfallChart("t", ["a", "b"], [0.1, 0.1], 0, maxFeatures: 2);
        Assert.Equal([("a", 0.1), ("b", 0.1)], w.Rows());
    }

    [Fact]
    public void RankedBarsKeepTheTopValuesInOrder()
    {
        var chart = BarChart.Ranked("Most affected", "mean change", ["a", "b", "c", "d"], [0.2, 0.9, 0.2, 0.5], top: 3);
        string svg = chart.ToSvg();
        // Top 3 are b (0.9), d (0.5), a (0.2): the tie with c keeps input order, so c is dropped.
        var doc = System.Xml.Linq.XDocument.Parse(svg);
        var texts = doc.Descendants().Where(e => e.Name.LocalName == "text").Select(t => t.Value.Trim()).ToList();
        Assert.Contains("a", texts);
        Assert.DoesNotContain("c", texts);
        Assert.True(texts.IndexOf("b") < texts.IndexOf("d") && texts.IndexOf("d") < texts.IndexOf("a"), string.Join("|", texts));
    }

    [Fact]
    public void ShapSummaryRanksFeaturesByMeanAbsoluteValue()
    {
        var s = new ShapSummaryChart("t", ["a", "b", "c"], [[0.1, -0.5, 0.0], [-0.3, 0.1, 0.05], [0.1, 0.0, -0.05]], maxFeatures: 2);
        double[] mean = s.MeanAbsolute();
        Assert.Equal(0.5 / 3, mean[0], 1e-15);
        Assert.Equal(0.6 / 3, mean[1], 1e-15);
        Assert.Equal(0.1 / 3, mean[2], 1e-15);
        Assert.Equal([1, 0], s.ShownFeatures());
    }

    [Fact]
    public void ShapSummaryDrawsAnEvenlySpacedSubsetOfManyRows()
    {
        var rows = new IReadOnlyList<double>[10];
        for (int r = 0; r < rows.Length; r++) rows[r] = [r * 0.1, -r * 0.01];
        var all = new ShapSummaryChart("t", ["a", "b"], rows);
        Assert.Equal(Enumerable.Range(0, 10), all.DrawnRows());
        var some = new ShapSummaryChart("t", ["a", "b"], rows) { MaxRowsDrawn = 4 };
        Assert.Equal([0, 2, 5, 7], some.DrawnRows());
        // Ranking still sees every row.
        Assert.Equal(all.MeanAbsolute(), some.MeanAbsolute());
        Assert.Throws<ArgumentOutOfRangeException>(() => new ShapSummaryChart("t", ["a"], [[1.0]]) { MaxRowsDrawn = 0 });
    }

    [Fact]
    public void CurveLegendsCarryAreaAndAveragePrecision()
    {
        int[] y = [0, 0, 1, 1];
        double[] s = [0.1, 0.4, 0.35, 0.8];
        // scikit-learn: roc_auc_score = 0.75, average_precision_score = 0.8333.
        string roc = CurveChart.Roc("r", [new NamedCurve("model", Roc: RocCurve.Compute(y, s))]).ToSvg();
        Assert.Contains("model (AUC = 0.750)", roc);
        Assert.Contains("chance (AUC = 0.500)", roc);
        string pr = CurveChart.PrecisionRecall("p", [new NamedCurve("model", PrecisionRecall: PrecisionRecallCurve.Compute(y, s))]).ToSvg();
        Assert.Contains("model (AP = 0.833)", pr);
        Assert.Contains("chance (precision = 0.500)", pr);
    }
}
