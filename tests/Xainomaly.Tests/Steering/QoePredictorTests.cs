using Xainomaly.Data;
using Xainomaly.Detection;
using Xainomaly.Simulation;

namespace Xainomaly.Tests.Steering;

/// <summary>One QoE predictor trained on ue.csv with the default settings, shared by the tests of a class.</summary>
public sealed class TrainedQoe
{
    public TrainedQoe()
    {
        Table = KpiTableReader.Read(TestPaths.Data("ue.csv"));
        Result = QoePredictor.Train(Table, new QoePredictorOptions { Seed = 3 });
    }

    public KpiTable Table { get; }

    public QoeTrainingResult Result { get; }
}

public sealed class QoePredictorTests(TrainedQoe qoe) : IClassFixture<TrainedQoe>
{
    private QoePredictor Model => qoe.Result.Predictor;

    [Fact]
    public void BeatsTheMeanPredictorClearlyOnHeldOutRows()
    {
        var test = qoe.Result.TestMetrics!;
        Assert.Equal((int)Math.Round(0.2 * qoe.Table.RowCount), test.Rows);
        Assert.True(test.R2 > 0.5, $"held-out R² {test.R2:F3}");
        Assert.True(test.MeanPredictorR2 <= 0.01, $"mean predictor R² {test.MeanPredictorR2:F3}");
        Assert.True(test.Mae < 0.6 * test.MeanPredictorMae, $"MAE {test.Mae:G3} vs mean predictor {test.MeanPredictorMae:G3}");
        Assert.True(test.Rmse >= test.Mae);
    }

    [Fact]
    public void MetricsMatchADirectComputation()
    {
        var p = Model.Predict(qoe.Table);
        var y = qoe.Table["throughput"].Numbers!;
        double mean = y.Average(), sse = 0, sst = 0, ae = 0;
        for (int i = 0; i < y.Length; i++)
        {
            sse += (p[i] - y[i]) * (p[i] - y[i]);
            sst += (y[i] - mean) * (y[i] - mean);
            ae += Math.Abs(p[i] - y[i]);
        }
        var m = Model.Evaluate(qoe.Table);
        Assert.Equal(1 - (sse / sst), m.R2, 6);
        Assert.Equal(ae / y.Length, m.Mae, 6);
        Assert.All(p, v => Assert.True(v >= 0));
    }

    [Fact]
    public void BetterRadioConditionsDoNotLowerThePredictionOnAverage()
    {
        var t = qoe.Table;
        double[] rsrp = t["rsrp"].Numbers!, rsrq = t["rsrq"].Numbers!, sinr = t["rssinr"].Numbers!, load = t["prb_usage"].Numbers!;
        int n = rsrp.Length;
        var baseline = new double[n];
        Model.Predict(rsrp, rsrq, sinr, load, baseline);
        var shifted = new double[n];
        var better = new double[n];
        Model.Predict([.. rsrp.Select(v => v + 6)], rsrq, sinr, load, shifted);
        Model.Predict([.. rsrp.Select(v => v + 6)], [.. rsrq.Select(v => v + 1)], [.. sinr.Select(v => v + 6)], load, better);
        Assert.True(shifted.Average() >= baseline.Average(), $"RSRP +6 dB: {shifted.Average():G4} vs {baseline.Average():G4}");
        Assert.True(better.Average() > baseline.Average(), $"RSRP, RSRQ, SINR better: {better.Average():G4} vs {baseline.Average():G4}");
        // The default model is monotone by construction: no single row is predicted lower.
        for (int i = 0; i < n; i++)
        {
            Assert.True(shifted[i] >= baseline[i] - 1e-6, $"row {i + 1}: RSRP +6 dB gives {shifted[i]} < {baseline[i]}");
            Assert.True(better[i] >= baseline[i] - 1e-6, $"row {i + 1}");
        }
    }

    [Fact]
    public void BatchedAndSinglePredictionsAgree()
    {
        var t = qoe.Table;
        double[] rsrp = t["rsrp"].Numbers!, rsrq = t["rsrq"].Numbers!, sinr = t["rssinr"].Numbers!, load = t["prb_usage"].Numbers!;
        var batch = Model.Predict(t);
        for (int i = 0; i < rsrp.Length; i += 97)
            Assert.Equal(batch[i], Model.Predict(rsrp[i], rsrq[i], sinr[i], load[i]), 6);
        Assert.Throws<ArgumentException>(() => Model.Predict(double.NaN, -10, 20, 50));
        Assert.Throws<ArgumentException>(() => Model.Predict(new double[2], new double[1], new double[2], new double[2], new double[2]));
    }

    [Fact]
    public void SaveLoadRoundTripIsExact()
    {
        var dir = TestPaths.TempDir();
        var path = Path.Combine(dir, "qoe.xai");
        Model.Save(path);
        var back = QoePredictor.Load(path);
        Assert.Equal(Model.Predict(qoe.Table), back.Predict(qoe.Table));
        Assert.Equal(File.ReadAllBytes(path), back.ToBytes());
        Assert.Equal(qoe.Result.TestMetrics!.R2, back.Info["test"]!["r2"]!.GetValue<double>());
        Assert.Equal(Model.Options.HiddenWidths, back.Options.HiddenWidths);

        // A detector model file cannot be read as a QoE model, nor a QoE file as a detector; corruption is caught.
        var e = Assert.Throws<InvalidDataException>(() => DetectorModel.Load(path));
        Assert.Contains("qoe", e.Message);
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x5A;
        File.WriteAllBytes(path, bytes);
        Assert.Contains("checksum", Assert.Throws<InvalidDataException>(() => QoePredictor.Load(path)).Message);
    }

    [Fact]
    public void SameSeedGivesTheSameModel()
    {
        var small = qoe.Table.SelectRows([.. Enumerable.Range(0, 600)]);
        var o = new QoePredictorOptions { Steps = 200, Seed = 9 };
        var a = QoePredictor.Train(small, o).Predictor.ToBytes();
        var b = QoePredictor.Train(small, o).Predictor.ToBytes();
        var c = QoePredictor.Train(small, o with { Seed = 10 }).Predictor.ToBytes();
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void DataWithoutTheRadioColumnsIsRejectedNamingTheColumn()
    {
        var erab = LteErabSimulator.Generate(new LteErabOptions { Days = 2 });
        var e = Assert.Throws<DataFormatException>(() => QoePredictor.Train(erab));
        Assert.Contains("rsrp", e.Message);
        Assert.Throws<ArgumentException>(() => QoePredictor.Train(qoe.Table, new QoePredictorOptions { Steps = 0 }));
        Assert.Throws<ArgumentException>(() => QoePredictor.Train(qoe.Table, new QoePredictorOptions { TestFraction = 1 }));
    }
}
