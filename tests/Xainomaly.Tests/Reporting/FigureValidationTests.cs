using Xainomaly.Evaluation;
using Xainomaly.Reporting;

namespace Xainomaly.Tests.Reporting;

/// <summary>Bad data fails at construction with an ArgumentException that names the series, the index and what was expected.</summary>
public sealed class FigureValidationTests
{
    private static void Fails(Func<object> create, params string[] mentions)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(create);
        foreach (string m in mentions) Assert.Contains(m, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LineChartRejectsEmptyNaNMismatchAndNegativeErrors()
    {
        Fails(() => new LineChart("t", "x", "y", []), "series is empty");
        Fails(() => new LineChart("t", "x", "y", [new LineSeries("loss", [], [])]), "series 'loss' X is empty");
        Fails(() => new LineChart("t", "x", "y", [new LineSeries("loss", [1, 2, 3], [1, double.NaN, 3])]), "series 'loss' Y[1] is NaN", "finite");
        Fails(() => new LineChart("t", "x", "y", [new LineSeries("loss", [1, double.PositiveInfinity], [1, 2])]), "X[1] is Infinity");
        Fails(() => new LineChart("t", "x", "y", [new LineSeries("loss", [1, 2, 3], [1, 2])]), "has 2 values but X has 3");
        Fails(() => new LineChart("t", "x", "y", [new LineSeries("acc", [1, 2], [1, 2], [0.1, -0.1])]), "YError[1] is -0.1", "≥ 0");
        Fails(() => new LineChart("t", "x", "y", [new LineSeries(" ", [1], [1])]), "series[0] has no name");
    }

    [Fact]
    public void HistogramsRejectEmptyNaNAndNonPositiveOnLogAxis()
    {
        Fails(() => new OverlaidHistograms("t", "x", []), "groups is empty");
        Fails(() => new OverlaidHistograms("t", "x", [new HistogramGroup("normal", [1, 2]), new HistogramGroup("anomalous", [])]), "group 'anomalous' Values is empty");
        Fails(() => new OverlaidHistograms("t", "x", [new HistogramGroup("normal", [1, double.NaN])]), "group 'normal' Values[1] is NaN");
        Fails(() => new OverlaidHistograms("t", "x", [new HistogramGroup("normal", [1, 0, 2])], logX: true), "Values[1] is 0", "log x axis needs values > 0");
        Assert.Throws<ArgumentOutOfRangeException>(() => new OverlaidHistograms("t", "x", [new HistogramGroup("n", [1.0])], bins: 0));
    }

    [Fact]
    public void CurveChartsNeedTheirKindOfCurve()
    {
        int[] y = [0, 1, 0, 1];
        double[] s = [0.1, 0.9, 0.4, 0.3];
        var roc = RocCurve.Compute(y, s);
        var pr = PrecisionRecallCurve.Compute(y, s);
        Fails(() => CurveChart.Roc("t", []), "curves is empty");
        Fails(() => CurveChart.Roc("t", [new NamedCurve("IF", PrecisionRecall: pr)]), "curve 'IF' has no ROC points");
        Fails(() => CurveChart.PrecisionRecall("t", [new NamedCurve("IF", Roc: roc)]), "curve 'IF' has no precision-recall points");
        Fails(() => CurveChart.Roc("t", [new NamedCurve("IF", Roc: new RocCurve([0, double.NaN, 1], [0, 0.5, 1], [double.PositiveInfinity, 1, 0]))]),
            "curve 'IF' FalsePositiveRates[1] is NaN");
    }

    [Fact]
    public void BarChartRejectsMismatchNaNAndNegativeErrors()
    {
        Fails(() => new BarChart("t", "", "v", [], [new BarSeries("a", [])]), "categories is empty");
        Fails(() => new BarChart("t", "", "v", ["FGSM"], []), "series is empty");
        Fails(() => new BarChart("t", "", "v", ["FGSM", "PGD"], [new BarSeries("clean", [0.9])]), "series 'clean' Values has 1 values but categories has 2");
        Fails(() => new BarChart("t", "", "v", ["FGSM"], [new BarSeries("clean", [double.NaN])]), "series 'clean' Values[0] is NaN");
        Fails(() => new BarChart("t", "", "v", ["FGSM"], [new BarSeries("clean", [0.9], [-1])]), "Errors[0] is -1");
        Fails(() => BarChart.Ranked("t", "v", ["a", "b"], [1.0]), "values has 1 values but names has 2");
        Assert.Throws<ArgumentOutOfRangeException>(() => BarChart.Ranked("t", "v", ["a"], [1.0], top: 0));
    }

    [Fact]
    public void WaterfallRejectsMismatchAndNaN()
    {
        Fails(() => new WaterfallChart("t", [], [], 0), "featureNames is empty");
        Fails(() => new WaterfallChart("t", ["a", "b"], [0.1], 0), "shapValues has 1 values but featureNames has 2");
        Fails(() => new WaterfallChart("t", ["a", "b"], [0.1, double.NaN], 0), "shapValues[1] is NaN");
        Fails(() => new WaterfallChart("t", ["a"], [0.1], double.NaN), "baseValue is NaN");
        Fails(() => new WaterfallChart("t", ["a", "b"], [0.1, 0.2], 0, [1.0]), "featureValues has 1 values");
    }

    [Fact]
    public void ScatterAndSummaryRejectEmptyAndRaggedData()
    {
        Fails(() => new ScatterChart("t", "x", "y", [new ScatterGroup("normal", [], [])]), "group 'normal' X is empty");
        Fails(() => new ScatterChart("t", "x", "y", [new ScatterGroup("normal", [1, 2], [1])]), "group 'normal' Y has 1 values but X has 2");
        Fails(() => new ShapSummaryChart("t", ["a", "b"], []), "shapValues is empty");
        Fails(() => new ShapSummaryChart("t", ["a", "b"], [[0.1, 0.2], [0.3]]), "shapValues[1] has 1 values but featureNames has 2");
        Fails(() => new ShapSummaryChart("t", ["a", "b"], [[0.1, 0.2], [0.3, double.NegativeInfinity]]), "shapValues[1][1] is -Infinity");
        Fails(() => new ShapSummaryChart("t", ["a", "b"], [[0.1, 0.2]], [[1, 2], [3, 4]]), "featureValues has 2 values but shapValues has 1");
    }

    [Fact]
    public void DataIsCopiedSoLaterChangesDoNotLeakIn()
    {
        double[] y = [1, 2, 3];
        var chart = new LineChart("t", "x", "y", [new LineSeries("s", [1, 2, 3], y)]);
        string before = chart.ToSvg();
        y[1] = 100;
        Assert.Equal(before, chart.ToSvg());
    }
}
