using System.Globalization;

using Xainomaly.Data;
using Xainomaly.Evaluation;
using Xainomaly.Reporting;

namespace Xainomaly.Tests.Reporting;

/// <summary>Figures of the real valid.csv: group sizes and the AUC shown match what the data and the metrics say.</summary>
public sealed class RealDataFigureTests
{
    private static readonly Lazy<KpiTable> Valid = new(() => KpiTableReader.Read(TestPaths.Data("valid.csv")));

    [Fact]
    public void ThroughputByLabelCountsEveryRowOfItsGroup()
    {
        var table = Valid.Value;
        int[] labels = table.Labels();
        double[] tput = table["throughput"].Numbers!;
        var normal = new List<double>();
        var anomalous = new List<double>();
        for (int i = 0; i < labels.Length; i++) (labels[i] == 1 ? anomalous : normal).Add(tput[i]);
        var chart = new OverlaidHistograms("Throughput by label", "throughput",
            [new HistogramGroup("normal", normal), new HistogramGroup("anomalous", anomalous)], bins: 40);
        Assert.Equal(normal.Count, chart.Counts(0).Sum());
        Assert.Equal(anomalous.Count, chart.Counts(1).Sum());
        string svg = chart.ToSvg();
        Assert.Contains($"anomalous (n = {anomalous.Count.ToString("N0", CultureInfo.InvariantCulture)})", svg);
        Assert.True(chart.ToPng().Length > 1000);
    }

    [Fact]
    public void RocLegendShowsTheMetricsAuc()
    {
        var table = Valid.Value;
        int[] labels = table.Labels();
        // A weak single-KPI score: lower throughput, more suspicious.
        double[] tput = table["throughput"].Numbers!;
        var score = new double[tput.Length];
        for (int i = 0; i < score.Length; i++) score[i] = -tput[i];
        double auc = Metrics.RocAuc(labels, score);
        var chart = CurveChart.Roc("Throughput as a score", [new NamedCurve("-throughput", Roc: RocCurve.Compute(labels, score, dropIntermediate: true))]);
        Assert.Contains($"-throughput (AUC = {auc.ToString("F3", CultureInfo.InvariantCulture)})", chart.ToSvg());
    }
}
