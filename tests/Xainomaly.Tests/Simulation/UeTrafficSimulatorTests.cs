using System.Globalization;
using System.Text.RegularExpressions;

using Xainomaly.Data;
using Xainomaly.Simulation;

namespace Xainomaly.Tests.Simulation;

public sealed partial class UeTrafficSimulatorTests(SimulatedTable sim) : IClassFixture<SimulatedTable>
{
    private readonly KpiTable _t = sim.Table;

    [Fact]
    public void TableHasTheCanonicalSchemaAndRoles()
    {
        var expected = UeSchema.Columns.Append(UeSchema.AnomalyKind).ToArray();
        Assert.Equal(expected, _t.Columns.Select(c => c.Name).ToArray());
        foreach (var c in _t.Columns)
        {
            Assert.Equal(UeSchema.DefaultRole(c.Name), c.Role);
            bool text = c.Role is ColumnRole.Identifier or ColumnRole.Timestamp or ColumnRole.Ignored;
            Assert.Equal(!text, c.IsNumeric);
        }
        Assert.InRange(_t.RowCount, 20 * 60 * 1000 / 80 * 0.9, 20 * 60 * 1000 / 80 * 1.1);
    }

    [Fact]
    public void IdentifiersAndTimestampsLookLikeValidCsv()
    {
        var ts = _t[UeSchema.Timestamp].Texts!;
        foreach (var s in ts) Assert.Matches(TimestampPattern(), s);
        Assert.Equal("2021-06-25T11:42:33.685", ts.Min(StringComparer.Ordinal));
        // Rows are in time order, every stamp on the 10 ms clock.
        for (int i = 1; i < ts.Length; i++) Assert.True(string.CompareOrdinal(ts[i - 1], ts[i]) <= 0, $"row {i + 1} goes back in time");

        var cells = _t[UeSchema.ServingCell].Texts!;
        var du = _t[UeSchema.DuId].Texts!;
        for (int i = 0; i < cells.Length; i++)
        {
            var m = CellPattern().Match(cells[i]);
            Assert.True(m.Success, cells[i]);
            Assert.Equal(1000 + int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(du[i], CultureInfo.InvariantCulture));
            for (int k = 0; k < UeSchema.NeighbourCount; k++)
            {
                var nb = _t[$"nbCellIdentity_{k}"].Texts![i];
                Assert.Matches(CellPattern(), nb);
                Assert.NotEqual(cells[i], nb);
            }
        }
        var ues = _t[UeSchema.UeId].Texts!.Distinct().ToHashSet();
        Assert.Equal(20, ues.Count);
        Assert.Equal(4, ues.Count(u => u.StartsWith("Car-", StringComparison.Ordinal)));
        Assert.Equal(3, ues.Count(u => u.StartsWith("Pedestrian-", StringComparison.Ordinal)));
        Assert.Equal(3, ues.Count(u => u.StartsWith("Train passenger ", StringComparison.Ordinal)));
        Assert.Equal(10, ues.Count(u => u.StartsWith("Waiting passenger ", StringComparison.Ordinal)));
    }

    [Fact]
    public void NeighboursAreTheNextStrongestInOrder()
    {
        for (int i = 0; i < _t.RowCount; i++)
        {
            for (int k = 1; k < UeSchema.NeighbourCount; k++)
            {
                // Measurement noise (σ 0.3 dB) is added after ranking, so the order holds to within a few σ.
                Assert.True(_t[$"rsrp_nb{k - 1}"].Numbers![i] >= _t[$"rsrp_nb{k}"].Numbers![i] - 2.5, $"row {i + 1}, neighbour {k}");
            }
        }
    }

    [Fact]
    public void SameSeedGivesIdenticalCsvAndJsonBytes()
    {
        var again = UeTrafficSimulator.Generate(sim.Options);
        Assert.Equal(Csv(_t), Csv(again));
        Assert.Equal(Jsonl(_t), Jsonl(again));
    }

    [Fact]
    public void DifferentSeedsDiffer()
    {
        var other = UeTrafficSimulator.Generate(sim.Options with { Seed = 8 });
        Assert.NotEqual(Csv(_t), Csv(other));
        Assert.NotEqual(_t["rsrp"].Numbers!.Take(50), other["rsrp"].Numbers!.Take(50));
    }

    [Theory]
    [InlineData(0.25)]
    [InlineData(0.1)]
    [InlineData(0.0)]
    public void AnomalyRateMatchesTheOption(double rate)
    {
        var t = rate == 0.25 ? _t : UeTrafficSimulator.Generate(new UeTrafficOptions { Seed = 3, Seconds = 30, AnomalyRate = rate });
        var y = t.Labels();
        var kind = t[UeSchema.AnomalyKind].Texts!;
        Assert.InRange(y.Average(), rate - 0.005, rate + 0.005);
        for (int i = 0; i < y.Length; i++) Assert.Equal(y[i] == 1, kind[i].Length > 0);
    }

    [Fact]
    public void AnomaliesComeAsEpisodesOfConsecutiveReports()
    {
        var ue = _t[UeSchema.UeId].Texts!;
        var y = _t.Labels();
        int episodes = 0, anomalous = 0;
        foreach (var rows in Enumerable.Range(0, _t.RowCount).GroupBy(i => ue[i]))
        {
            int prev = 0;
            foreach (int r in rows)
            {
                if (y[r] == 1 && prev == 0) episodes++;
                anomalous += y[r];
                prev = y[r];
            }
        }
        // 2-s episodes at 80 ms are about 25 reports long.
        Assert.InRange((double)anomalous / episodes, 12, 40);
    }

    [Fact]
    public void EveryKindOccursInALongEnoughRun()
    {
        var kinds = _t[UeSchema.AnomalyKind].Texts!.Where(k => k.Length > 0).GroupBy(k => k).ToDictionary(g => g.Key, g => g.Count());
        foreach (var k in UeTrafficOptions.AllAnomalyKinds) Assert.True(kinds.GetValueOrDefault(UeTrafficSimulator.KindName(k)) > 100, UeTrafficSimulator.KindName(k));
        // Coverage holes weigh three times the others.
        Assert.True(kinds["coverage-hole"] > kinds["congestion"]);
    }

    [Fact]
    public void OnlyTheChosenKindsAreInjected()
    {
        var t = UeTrafficSimulator.Generate(new UeTrafficOptions { Seed = 5, Seconds = 20, AnomalyKinds = [UeAnomalyKind.Congestion] });
        Assert.All(t[UeSchema.AnomalyKind].Texts!.Where(k => k.Length > 0), k => Assert.Equal("congestion", k));
    }

    [Fact]
    public void NormalRowsStayWithinValidCsvRanges()
    {
        var real = ReadValidCsvNormalRows();
        var y = _t.Labels();
        foreach (var (name, values) in real)
        {
            if (name is "du-id") continue;
            double lo = values.Min(), hi = values.Max(), span = Math.Max(hi - lo, 1e-9);
            var sim = Enumerable.Range(0, _t.RowCount).Where(i => y[i] == 0).Select(i => _t[name].Numbers![i]).Order().ToArray();
            double p1 = sim[sim.Length / 100], p99 = sim[sim.Length * 99 / 100];
            // The simulated 1st–99th percentiles must lie inside valid.csv's normal [min, max] widened by a quarter of its span.
            Assert.True(p1 >= lo - (0.25 * span) && p99 <= hi + (0.25 * span),
                $"{name}: simulated p1..p99 = {p1:G5}..{p99:G5}, valid.csv normal rows {lo:G5}..{hi:G5}");
        }
    }

    [Fact]
    public void RsrpAndSinrCorrelateAndRsrqSitsOnItsPlateausInNormalRows()
    {
        var y = _t.Labels();
        var normal = Enumerable.Range(0, _t.RowCount).Where(i => y[i] == 0).ToArray();
        var rsrp = normal.Select(i => _t["rsrp"].Numbers![i]).ToArray();
        var sinr = normal.Select(i => _t["rssinr"].Numbers![i]).ToArray();
        Assert.True(Correlation(rsrp, sinr) > 0.95, $"corr = {Correlation(rsrp, sinr)}");
        // valid.csv: RSRQ ≈ −10.8 dB outdoors and ≈ −40.8 dB for the indoor waiting passengers.
        var rsrq = normal.Select(i => _t["rsrq"].Numbers![i]).ToArray();
        double onPlateau = rsrq.Count(q => Math.Abs(q + 10.8) < 1.5 || Math.Abs(q + 40.8) < 1.5) / (double)rsrq.Length;
        Assert.True(onPlateau > 0.95, $"share on the plateaus = {onPlateau}");
    }

    [Fact]
    public void CoverageHolesDropSignalOfServingAndNeighbours()
    {
        var d = KindEffect("coverage-hole");
        Assert.True(d["rsrp"] < -15, $"Δrsrp = {d["rsrp"]}");
        Assert.True(d["rsrp_nb0"] < -15, $"Δrsrp_nb0 = {d["rsrp_nb0"]}");
        Assert.True(d["rssinr"] < -15, $"Δrssinr = {d["rssinr"]}");
        Assert.True(d["rsrq"] < -15, $"Δrsrq = {d["rsrq"]}");
        Assert.True(d["tputRatio"] < -0.2, $"Δthroughput/target = {d["tputRatio"]}");
    }

    [Fact]
    public void InterferenceDropsSinrAndRsrqButNotRsrp()
    {
        var d = KindEffect("interference");
        Assert.InRange(d["rsrp"], -3, 3);
        Assert.True(d["rssinr"] < -15, $"Δrssinr = {d["rssinr"]}");
        Assert.True(d["rsrq"] < -1, $"Δrsrq = {d["rsrq"]}");
    }

    [Fact]
    public void CongestionFillsThePrbsAndStarvesThroughput()
    {
        var d = KindEffect("congestion");
        Assert.True(d["prbShare"] > 0.9, $"PRB share = {d["prbShare"]}");
        Assert.True(d["tputRatio"] < -0.5, $"Δthroughput/target = {d["tputRatio"]}");
        Assert.InRange(d["rsrp"], -3, 3);
    }

    [Fact]
    public void CellOutageMovesTheUeToAnotherSiteAndWeakensIt()
    {
        var d = KindEffect("cell-outage");
        Assert.True(d["rsrp"] < -3, $"Δrsrp = {d["rsrp"]}");
        // The serving DU during the episode differs from the one just before it.
        var ue = _t[UeSchema.UeId].Texts!;
        var du = _t[UeSchema.DuId].Texts!;
        var kind = _t[UeSchema.AnomalyKind].Texts!;
        int starts = 0, moved = 0;
        foreach (var rows in Enumerable.Range(0, _t.RowCount).GroupBy(i => ue[i]))
        {
            var r = rows.ToArray();
            for (int j = 1; j < r.Length; j++)
            {
                if (kind[r[j]] != "cell-outage" || kind[r[j - 1]].Length > 0) continue;
                starts++;
                if (du[r[j]] != du[r[j - 1]]) moved++;
            }
        }
        Assert.True(starts > 0);
        Assert.Equal(starts, moved);
    }

    [Fact]
    public void UeKindsMoveAsDescribed()
    {
        var ue = _t[UeSchema.UeId].Texts!;
        var x = _t["x"].Numbers!;
        var y = _t["y"].Numbers!;
        var cell = _t[UeSchema.ServingCell].Texts!;
        foreach (var rows in Enumerable.Range(0, _t.RowCount).GroupBy(i => ue[i]))
        {
            var r = rows.ToArray();
            double path = 0;
            int handovers = 0;
            for (int j = 1; j < r.Length; j++)
            {
                path += Math.Sqrt(Math.Pow(x[r[j]] - x[r[j - 1]], 2) + Math.Pow(y[r[j]] - y[r[j - 1]], 2));
                if (cell[r[j]] != cell[r[j - 1]]) handovers++;
            }
            double speed = path / 60;
            if (rows.Key.StartsWith("Car-", StringComparison.Ordinal)) Assert.InRange(speed, 5, 20);
            else if (rows.Key.StartsWith("Train", StringComparison.Ordinal)) Assert.InRange(speed, 20, 30);
            else if (rows.Key.StartsWith("Pedestrian", StringComparison.Ordinal)) Assert.InRange(speed, 0.5, 2);
            else Assert.InRange(speed, 0, 0.3);
            // Cars drive on the road grid: every move is along x or along y.
            if (rows.Key.StartsWith("Car-", StringComparison.Ordinal))
                for (int j = 1; j < r.Length; j++)
                    Assert.True(Math.Abs(x[r[j]] - x[r[j - 1]]) < 0.2 || Math.Abs(y[r[j]] - y[r[j - 1]]) < 0.2 || Math.Abs(x[r[j]] - x[r[j - 1]]) + Math.Abs(y[r[j]] - y[r[j - 1]]) < 40);
        }
    }

    [Fact]
    public void DefaultRunIsFast()
    {
        UeTrafficSimulator.Generate(sim.Options with { Seconds = 2 });
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var cpu0 = Environment.CpuUsage.UserTime;
        UeTrafficSimulator.Generate(sim.Options with { Seed = 99 });
        var cpu = Environment.CpuUsage.UserTime - cpu0;
        // CPU time, not wall time: the build machine is shared; the target is < 200 ms, 1 s leaves room for JIT and noise.
        Assert.True(cpu.TotalMilliseconds < 1000 || sw.Elapsed.TotalMilliseconds < 1000, $"cpu {cpu.TotalMilliseconds} ms, wall {sw.Elapsed.TotalMilliseconds} ms");
    }

    [Theory]
    [InlineData("Ues", "--ues")]
    [InlineData("Seconds", "--seconds")]
    [InlineData("ReportInterval", "--report-ms")]
    [InlineData("AnomalyRate", "--anomaly-rate")]
    [InlineData("AnomalyKinds", "--anomaly-kinds")]
    [InlineData("Bands", "--bands")]
    [InlineData("Sites", "--sites")]
    [InlineData("InterSiteDistance", "--isd")]
    [InlineData("EpisodeSeconds", "--episode-seconds")]
    public void BadOptionsAreRejectedNamingTheOption(string option, string flag)
    {
        var o = new UeTrafficOptions();
        o = option switch
        {
            "Ues" => o with { Ues = 0 },
            "Seconds" => o with { Seconds = -1 },
            "ReportInterval" => o with { ReportInterval = TimeSpan.FromMilliseconds(15) },
            "AnomalyRate" => o with { AnomalyRate = 1.5 },
            "AnomalyKinds" => o with { AnomalyKinds = [] },
            "Bands" => o with { Bands = ["B7"] },
            "Sites" => o with { Sites = 1 },
            "InterSiteDistance" => o with { InterSiteDistance = 5 },
            _ => o with { EpisodeSeconds = 0 },
        };
        var e = Assert.Throws<ArgumentException>(() => UeTrafficSimulator.Generate(o));
        Assert.Contains(flag, e.Message, StringComparison.Ordinal);
        Assert.Equal(option, e.ParamName);
    }

    [Fact]
    public void KindNamesRoundTrip()
    {
        foreach (var k in UeTrafficOptions.AllAnomalyKinds)
        {
            Assert.True(UeTrafficSimulator.TryParseKind(UeTrafficSimulator.KindName(k), out var back));
            Assert.Equal(k, back);
        }
        Assert.False(UeTrafficSimulator.TryParseKind("meteor", out _));
    }

    /// <summary>Mean over UEs of (kind rows − that UE's normal rows) per column, plus PRB share and throughput/target.</summary>
    private Dictionary<string, double> KindEffect(string kind)
    {
        var ue = _t[UeSchema.UeId].Texts!;
        var k = _t[UeSchema.AnomalyKind].Texts!;
        string[] cols = ["rsrp", "rsrq", "rssinr", "rsrp_nb0", "prb_usage"];
        var sums = cols.ToDictionary(c => c, _ => 0.0);
        sums["tputRatio"] = 0;
        double prbShare = 0;
        int n = 0, rowsOfKind = 0;
        foreach (var rows in Enumerable.Range(0, _t.RowCount).GroupBy(i => ue[i]))
        {
            var normal = rows.Where(i => k[i].Length == 0).ToArray();
            var anom = rows.Where(i => k[i] == kind).ToArray();
            if (anom.Length == 0 || normal.Length == 0) continue;
            n++;
            foreach (var c in cols) sums[c] += anom.Average(i => _t[c].Numbers![i]) - normal.Average(i => _t[c].Numbers![i]);
            sums["tputRatio"] += anom.Average(Ratio) - normal.Average(Ratio);
            foreach (int i in anom)
            {
                int max = _t[UeSchema.ServingCell].Texts![i].EndsWith("N77", StringComparison.Ordinal) ? 273 : 106;
                prbShare += _t["prb_usage"].Numbers![i] / max;
                rowsOfKind++;
            }
        }
        Assert.True(n > 3, $"only {n} UEs had {kind} episodes");
        var d = sums.ToDictionary(p => p.Key, p => p.Value / n);
        d["prbShare"] = prbShare / rowsOfKind;
        return d;

        double Ratio(int i) => _t["throughput"].Numbers![i] / _t["targetTput"].Numbers![i];
    }

    internal static byte[] Csv(KpiTable t)
    {
        using var ms = new MemoryStream();
        KpiCsvWriter.Write(t, ms);
        return ms.ToArray();
    }

    internal static byte[] Jsonl(KpiTable t)
    {
        using var ms = new MemoryStream();
        UeReportJsonWriter.Write(t, ms);
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

    /// <summary>Numeric columns of valid.csv's normal rows; a plain split is enough (the file has no quoted fields).</summary>
    private static List<(string Name, double[] Values)> ReadValidCsvNormalRows()
    {
        var lines = File.ReadAllLines(TestPaths.Data("valid.csv"));
        var header = lines[0].Split(',');
        int label = Array.IndexOf(header, "Anomaly");
        var rows = lines.Skip(1).Select(l => l.Split(',')).Where(f => f[label] == "0").ToArray();
        var result = new List<(string, double[])>();
        for (int c = 0; c < header.Length; c++)
        {
            if (UeSchema.DefaultRole(header[c]) != ColumnRole.Numeric) continue;
            result.Add((header[c], rows.Select(f => double.Parse(f[c], CultureInfo.InvariantCulture)).ToArray()));
        }
        return result;
    }

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d\d5$")]
    private static partial Regex TimestampPattern();

    [GeneratedRegex(@"^c(\d+)/(B2|B13|N77)$")]
    private static partial Regex CellPattern();
}
