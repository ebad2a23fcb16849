using Xainomaly.Data;
using Xainomaly.Simulation;

namespace Xainomaly.Tests.Simulation;

/// <summary>One default LTE E-RAB simulation (2 eNodeBs × 93 days) shared by the tests of a class.</summary>
public sealed class ErabTable
{
    public KpiTable Table { get; } = LteErabSimulator.Generate(new LteErabOptions { Seed = 5 });
}

public sealed class LteErabSimulatorTests(ErabTable sim) : IClassFixture<ErabTable>
{
    private readonly KpiTable _t = sim.Table;

    [Fact]
    public void ShapeIsThePapers()
    {
        Assert.Equal(4464, _t.RowCount);
        Assert.Equal(LteErabSimulator.Columns, _t.Columns.Select(c => c.Name).ToArray());
        var features = _t.Columns.Where(c => c.Role is ColumnRole.Numeric or ColumnRole.Nominal).Select(c => c.Name).ToArray();
        Assert.Equal(22, features.Length);
        Assert.Equal(LteErabSimulator.FeatureColumns, features);
        Assert.Equal(ColumnRole.Timestamp, _t[LteErabSimulator.TimestampColumn].Role);
        Assert.Equal(ColumnRole.Label, _t[LteErabSimulator.LabelColumn].Role);
        Assert.Equal(ColumnRole.Ignored, _t[LteErabSimulator.KindColumn].Role);
        Assert.Equal(ColumnRole.Nominal, _t["enodeb"].Role);
        Assert.Equal(ColumnRole.Nominal, _t["cell"].Role);
        // Two eNodeBs × two cells one-hot encoded: 22 features become the paper's 26 inputs.
        Assert.Equal(26, Preprocessor.Fit(_t).InputWidth);
        int anomalies = _t.Labels().Sum();
        Assert.Equal(524, anomalies);
        Assert.Equal(0.117, anomalies / (double)_t.RowCount, 0.005);
    }

    [Fact]
    public void EveryFeatureHasAUnitAndTheAttackMaskIsTheUeReportedRadioColumns()
    {
        foreach (var c in LteErabSimulator.FeatureColumns)
        {
            Assert.True(LteErabSimulator.Units.ContainsKey(c), c);
            bool numeric = _t[c].Role == ColumnRole.Numeric;
            Assert.Equal(numeric, LteErabSimulator.Units[c].Length > 0);
        }
        Assert.Equal("dBm", LteErabSimulator.UnitOf("rsrp_avg"));
        Assert.Equal("dB", LteErabSimulator.UnitOf("rsrq_avg"));
        Assert.Equal("%", LteErabSimulator.UnitOf("erab_drop_rate"));
        Assert.Equal("ms", LteErabSimulator.UnitOf("latency"));
        Assert.Equal("count", LteErabSimulator.UnitOf("erab_drop_tnl"));
        Assert.Equal(["rsrp_avg", "rsrq_avg", "cqi_avg"], LteErabSimulator.UeReportedColumns);
        // UE-reported and operator columns are disjoint and together cover every numeric non-time feature.
        Assert.Empty(LteErabSimulator.UeReportedColumns.Intersect(LteErabSimulator.OperatorCounterColumns));
        var numericFeatures = LteErabSimulator.FeatureColumns.Where(c => _t[c].Role == ColumnRole.Numeric && c is not "hour" and not "weekday");
        Assert.Equal(numericFeatures.Order(), LteErabSimulator.UeReportedColumns.Concat(LteErabSimulator.OperatorCounterColumns).Order());
    }

    [Fact]
    public void DropRateFormulaHoldsOnEveryRow()
    {
        var normal = _t["erab_release_normal"].Numbers!;
        var abnormal = _t["erab_release_abnormal"].Numbers!;
        var rate = _t[LteErabSimulator.DropRateColumn].Numbers!;
        for (int i = 0; i < _t.RowCount; i++)
        {
            double sum = 0;
            foreach (var c in LteErabSimulator.DropReasonColumns)
            {
                double v = _t[c].Numbers![i];
                Assert.True(v >= 0 && v == Math.Floor(v), $"{c} row {i + 1}: {v}");
                sum += v;
            }
            Assert.Equal(abnormal[i], sum);
            Assert.True(normal[i] + abnormal[i] > 0, $"row {i + 1} has no releases");
            Assert.Equal(100 * abnormal[i] / (normal[i] + abnormal[i]), rate[i], 12);
        }
    }

    [Fact]
    public void AnomaliesRaiseTheDropRateMostlyThroughTnlDrops()
    {
        var y = _t.Labels();
        var rate = _t[LteErabSimulator.DropRateColumn].Numbers!;
        var sessions = new double[_t.RowCount];
        for (int i = 0; i < sessions.Length; i++) sessions[i] = _t["erab_release_normal"].Numbers![i] + _t["erab_release_abnormal"].Numbers![i];
        double Mean(Func<int, double> f, int label)
        {
            double s = 0;
            int n = 0;
            for (int i = 0; i < y.Length; i++) if (y[i] == label) { s += f(i); n++; }
            return s / n;
        }
        double rateNormal = Mean(i => rate[i], 0), rateAnomalous = Mean(i => rate[i], 1);
        Assert.True(rateAnomalous > 2.5 * rateNormal, $"drop rate normal {rateNormal:F2} %, anomalous {rateAnomalous:F2} %");
        // Extra drops per session by reason: TNL carries the largest share of the rise.
        var extra = new Dictionary<string, double>();
        foreach (var c in LteErabSimulator.DropReasonColumns)
        {
            var v = _t[c].Numbers!;
            extra[c] = Mean(i => v[i] / sessions[i], 1) - Mean(i => v[i] / sessions[i], 0);
        }
        var top = extra.MaxBy(kv => kv.Value);
        Assert.Equal("erab_drop_tnl", top.Key);
        Assert.True(top.Value > 0.5 * extra.Values.Where(v => v > 0).Sum(), string.Join(", ", extra.Select(kv => $"{kv.Key} {kv.Value:G3}")));
        var kinds = _t[LteErabSimulator.KindColumn].Texts!;
        for (int i = 0; i < y.Length; i++) Assert.Equal(y[i] == 1, kinds[i].Length > 0);
        Assert.True(kinds.Count(k => k == "tnl") > kinds.Count(k => k.Length > 0) / 2);
    }

    [Fact]
    public void SomeAnomaliesAreSubtle()
    {
        // A detector must not be trivially perfect: some anomalous hours have a drop rate below the normal 95th percentile.
        var y = _t.Labels();
        var rate = _t[LteErabSimulator.DropRateColumn].Numbers!;
        var normal = Enumerable.Range(0, y.Length).Where(i => y[i] == 0).Select(i => rate[i]).Order().ToArray();
        double p95 = normal[(int)(0.95 * normal.Length)];
        int hidden = Enumerable.Range(0, y.Length).Count(i => y[i] == 1 && rate[i] < p95);
        Assert.InRange(hidden, 10, 524 / 3);
    }

    [Fact]
    public void LoadFollowsDailyAndWeeklyCycles()
    {
        var hour = _t["hour"].Numbers!;
        var weekday = _t["weekday"].Numbers!;
        var users = _t["users"].Numbers!;
        var prb = _t["prb_load"].Numbers!;
        var enb = _t["enodeb"].Texts!;
        var byHour = new double[24];
        var count = new int[24];
        for (int i = 0; i < users.Length; i++)
        {
            byHour[(int)hour[i]] += users[i];
            count[(int)hour[i]]++;
        }
        for (int h = 0; h < 24; h++) byHour[h] /= count[h];
        Assert.True(byHour[12] > 3 * byHour[4], $"noon {byHour[12]:F0} users, 4 am {byHour[4]:F0}");
        Assert.True(byHour[20] > 3 * byHour[3]);
        // Hourly load tracks the profile closely, and PRB load tracks users.
        var profile = Enumerable.Range(0, users.Length).Select(i => LteErabSimulator.LoadProfile(enb[i] == "eNB-1" ? 1 : 2, (int)hour[i], (int)weekday[i])).ToArray();
        Assert.True(Correlation(profile, users) > 0.8);
        Assert.True(Correlation(users, prb) > 0.8);
        // Weekly: the business eNodeB is quieter at weekends, the residential one busier.
        double Mean(string e, bool weekend) => Enumerable.Range(0, users.Length).Where(i => enb[i] == e && (weekday[i] >= 5) == weekend).Average(i => users[i]);
        Assert.True(Mean("eNB-1", true) < 0.85 * Mean("eNB-1", false));
        Assert.True(Mean("eNB-2", true) > Mean("eNB-2", false));
        // Timestamps are hourly, in time order, eNodeBs in order within an hour.
        var ts = _t[LteErabSimulator.TimestampColumn].Texts!;
        Assert.Equal("2019-01-07T00:00:00", ts[0]);
        Assert.Equal("2019-04-09T23:00:00", ts[^1]);
        Assert.Equal("eNB-1", enb[0]);
        Assert.Equal("eNB-2", enb[1]);
        Assert.Equal(0, weekday[0]);
    }

    [Fact]
    public void EachEnodebHasItsOwnCharacter()
    {
        var enb = _t["enodeb"].Texts!;
        var rsrp = _t["rsrp_avg"].Numbers!;
        var cells = _t["cell"].Texts!;
        double a = Enumerable.Range(0, rsrp.Length).Where(i => enb[i] == "eNB-1").Average(i => rsrp[i]);
        double b = Enumerable.Range(0, rsrp.Length).Where(i => enb[i] == "eNB-2").Average(i => rsrp[i]);
        Assert.True(Math.Abs(a - b) > 0.3, $"{a:F2} vs {b:F2} dBm");
        for (int i = 0; i < cells.Length; i++) Assert.StartsWith(enb[i] + "/C", cells[i], StringComparison.Ordinal);
        Assert.Equal(4, cells.Distinct().Count());
    }

    [Fact]
    public void SameSeedSameBytesOtherSeedDiffers()
    {
        var a = Bytes(new LteErabOptions { Seed = 11, Days = 10 });
        var b = Bytes(new LteErabOptions { Seed = 11, Days = 10 });
        var c = Bytes(new LteErabOptions { Seed = 12, Days = 10 });
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void CsvRoundTripKeepsRolesAndLabelWithoutOptions()
    {
        var small = LteErabSimulator.Generate(new LteErabOptions { Seed = 3, Days = 7, Enodebs = 3 });
        Assert.Equal(7 * 24 * 3, small.RowCount);
        var back = KpiCsvReader.Parse(System.Text.Encoding.UTF8.GetString(Bytes(small)), "erab.csv");
        Assert.Equal(small.Columns.Select(c => (c.Name, c.Role)), back.Columns.Select(c => (c.Name, c.Role)));
        Assert.Equal(small.Labels(), back.Labels());
        Assert.Equal(small["erab_drop_rate"].Numbers, back["erab_drop_rate"].Numbers);
    }

    [Theory]
    [InlineData(0, 93, "Enodebs")]
    [InlineData(2, 0, "Days")]
    [InlineData(2, -1, "Days")]
    public void BadOptionsNameTheOption(int enodebs, int days, string param)
    {
        var e = Assert.Throws<ArgumentException>(() => LteErabSimulator.Generate(new LteErabOptions { Enodebs = enodebs, Days = days }));
        Assert.Equal(param, e.ParamName);
        Assert.Contains("--", e.Message);
        Assert.Throws<ArgumentException>(() => LteErabSimulator.Generate(new LteErabOptions { AnomalyRate = 0.7 }));
        Assert.Throws<ArgumentException>(() => LteErabSimulator.Generate(new LteErabOptions { SubtleShare = -0.1 }));
    }

    [Fact]
    public void ZeroAnomalyRateGivesNoAnomalies()
    {
        var t = LteErabSimulator.Generate(new LteErabOptions { Days = 5, AnomalyRate = 0 });
        Assert.Equal(0, t.Labels().Sum());
    }

    private static byte[] Bytes(LteErabOptions o) => Bytes(LteErabSimulator.Generate(o));

    private static byte[] Bytes(KpiTable t)
    {
        using var ms = new MemoryStream();
        KpiCsvWriter.Write(t, ms);
        return ms.ToArray();
    }

    private static double Correlation(double[] a, double[] b)
    {
        double ma = a.Average(), mb = b.Average(), sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return sab / Math.Sqrt(saa * sbb);
    }
}
