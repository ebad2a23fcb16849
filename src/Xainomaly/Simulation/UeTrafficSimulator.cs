using System.Globalization;

using Xainomaly.Data;
using Xainomaly.Numerics;

namespace Xainomaly.Simulation;

/// <summary>
/// Generates labelled O-RAN UE measurement records in the canonical UE schema (<see cref="UeSchema.Columns"/>)
/// plus the <see cref="UeSchema.AnomalyKind"/> column, shaped like the O-RAN SC <c>valid.csv</c>.
/// </summary>
/// <remarks>
/// The radio model (details, equations and measured ranges in <c>docs/simulator.md</c>):
/// <list type="bullet">
/// <item>Sites on a hexagonal grid, one cell <c>c{site}/{band}</c> per carrier (B2, B13, N77), DU id 1000 + site.</item>
/// <item>UE kinds with their own mobility (cars on roads, train passengers on a straight track, pedestrians
/// walking, waiting passengers standing indoors), penetration loss and target throughput.</item>
/// <item>RSRP = EIRP per RE(band) − PL(d) − 20·log10(f) − penetration − shadowing, with UMa NLOS-like
/// PL = 13.54 + 39.08·log10(d3D) and log-normal shadowing (4 dB per site + 3 dB per cell) that is AR(1) in
/// distance travelled (50 m decorrelation).</item>
/// <item>Serving cell = strongest with 3 dB hysteresis; the five neighbours = the next strongest.</item>
/// <item>RS-SINR = S / (N + ρ·Σ load·S_j + I_ext) with N = −174 dBm/Hz + 10·log10(15 kHz) + NF and a 60 dB
/// reference-signal isolation ρ, so that RS-SINR tracks RSRP as in valid.csv; RSRQ = −10·log10(12) −
/// 10·log10(1 + (N + I)/S) − RSSI excess.</item>
/// <item>PRB usage = background load (slow sine cycle) + the PRBs the attached UEs need; throughput =
/// min(target, W·SE(SINR)·(1 − utilisation)), SE an attenuated, capped Shannon mapping.</item>
/// <item>Anomalies are episodes of consecutive reports of one UE, of the kinds in <see cref="UeAnomalyKind"/>.</item>
/// </list>
/// The same options (seed included) give an identical table.
/// </remarks>
public static class UeTrafficSimulator
{
    /// <summary>Report clock: every timestamp is a multiple of 10 ms after the start, as in valid.csv.</summary>
    public const int SlotMilliseconds = 10;

    // Radio constants (see docs/simulator.md).
    private const double ThermalPerReDbm = -174 + 41.7609; // −174 dBm/Hz over one 15 kHz subcarrier
    private const double OutdoorNoiseFigureDb = 10;
    private const double IndoorNoiseFigureDb = 0;           // valid.csv's indoor reports sit 10 dB lower
    private const double IndoorRssiExcessDb = 30;           // valid.csv's indoor RSRQ ≈ −40.8 dB
    private const double RsIsolationDb = 60;
    private const double HysteresisDb = 3;
    private const double SiteShadowSigmaDb = 4;
    private const double CellShadowSigmaDb = 3;
    private const double ShadowDecorrelationM = 50;
    private const double MeasurementNoiseDb = 0.3;
    private const double ShannonAttenuation = 0.75;
    private const double MaxSpectralEfficiency = 5.55;
    private const double UeBandwidthMHz = 0.15;
    private const double PrbBandwidthMHz = 0.18;
    private const double TrainSpeed = 25;
    private const double CarLossDb = 2;      // in-car loss of a roof-mounted or window-side handset
    private const double BodyLossDb = 4;     // handheld body loss
    private const double TrainLossDb = 16;   // carriage with metallised windows
    private const double IndoorLossDb = 35;  // deep indoor (station concourse): valid.csv's waiting passengers sit near −118 dBm

    private static readonly string[] KindNames = ["coverage-hole", "interference", "congestion", "cell-outage"];

    /// <summary>The <c>anomaly_kind</c> value of <paramref name="kind"/>, e.g. <c>coverage-hole</c>.</summary>
    public static string KindName(UeAnomalyKind kind) => KindNames[(int)kind];

    /// <summary>Parses an <c>anomaly_kind</c> value (<c>coverage-hole</c>, <c>interference</c>, <c>congestion</c>, <c>cell-outage</c>).</summary>
    public static bool TryParseKind(string name, out UeAnomalyKind kind)
    {
        for (int i = 0; i < KindNames.Length; i++)
        {
            if (string.Equals(KindNames[i], name, StringComparison.OrdinalIgnoreCase))
            {
                kind = (UeAnomalyKind)i;
                return true;
            }
        }
        kind = default;
        return false;
    }

    /// <summary>Generates the table described by <paramref name="options"/> (validated first).</summary>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public static KpiTable Generate(UeTrafficOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return new Run(options).Execute();
    }

    private sealed class Ue
    {
        public required string Id;
        public required UeKind Kind;
        public required UeMotion Motion;
        public required double TargetTput;
        public required int[] Slots;          // report slots, ascending
        public required sbyte[] Anomaly;      // per report: −1 normal, else (int)UeAnomalyKind
        public required double[] Severity;    // per report: the episode's drawn strength
        public required bool[] EpisodeStart;
        public required double[] SiteShadow;
        public required double[] CellShadow;
        public required Rng Rng;
        public int Next;
        public int Serving = -1;
        public int OutageSite = -1;
        public double PrbDemand;
        public int LastSlot;
    }

    private sealed class Run
    {
        private readonly UeTrafficOptions _o;
        private readonly RadioLayout _layout;
        private readonly Ue[] _ues;
        private readonly int _slots;
        private readonly Rng _trainRng;
        private double _trainX, _trainDir;
        private readonly double _trainY;
        private readonly double[] _attachedPrb;   // Σ PRB demand of UEs attached per cell
        private readonly double[] _rsrp, _sLin, _bandLoadSum;
        private readonly int[] _order;
        private static readonly double Isolation = Math.Pow(10, -RsIsolationDb / 10);
        private double _noise, _external, _rssiExcess, _holeGain = 1;
        private readonly double[] _background;
        private double _backgroundTime = double.NaN;

        public Run(UeTrafficOptions o)
        {
            _o = o;
            var master = new Rng(o.Seed);
            _layout = new RadioLayout(o, master.Fork(1));
            _slots = (int)Math.Round(o.Seconds * 1000 / SlotMilliseconds);
            _attachedPrb = new double[_layout.Cells];
            _rsrp = new double[_layout.Cells];
            _sLin = new double[_layout.Cells];
            _bandLoadSum = new double[_layout.Bands];
            _order = new int[_layout.Cells];
            _background = new double[_layout.Cells];

            _trainRng = master.Fork(2);
            double h = _layout.AreaMaxY - _layout.AreaMinY;
            _trainY = Math.Round(_layout.AreaMinY + (0.15 * h), 1);
            _trainX = _trainRng.Uniform(_layout.AreaMinX, _layout.AreaMaxX);
            _trainDir = _trainRng.NextDouble() < 0.5 ? -1 : 1;

            var kinds = KindMix(o.Ues);
            var placeRng = master.Fork(3);
            int waiting = 0;
            foreach (var k in kinds) if (k == UeKind.WaitingPassenger) waiting++;
            // Waiting passengers gather around a few stations (one per four passengers), 250 m spread.
            int stations = Math.Max(1, (waiting + 3) / 4);
            var stationXy = new (double X, double Y)[stations];
            for (int s = 0; s < stations; s++)
                stationXy[s] = (placeRng.Uniform(_layout.AreaMinX + 200, _layout.AreaMaxX - 200), placeRng.Uniform(_layout.AreaMinY + 200, _layout.AreaMaxY - 200));

            _ues = new Ue[o.Ues];
            var counters = new int[4];
            int w = 0;
            for (int u = 0; u < o.Ues; u++)
            {
                var kind = kinds[u];
                var rng = master.Fork(1000 + u);
                int n = ++counters[(int)kind];
                (double X, double Y) anchor = (_trainX, _trainY);
                if (kind == UeKind.WaitingPassenger)
                {
                    var st = stationXy[w++ % stations];
                    anchor = (Math.Round(Math.Clamp(st.X + placeRng.NextGaussian(0, 250), _layout.AreaMinX, _layout.AreaMaxX)),
                              Math.Round(Math.Clamp(st.Y + placeRng.NextGaussian(0, 250), _layout.AreaMinY, _layout.AreaMaxY)));
                }
                var motion = new UeMotion(kind, _layout, o.InterSiteDistance / 4, anchor, rng.Fork(1));
                var slots = ReportSlots(rng.Fork(2));
                var ue = new Ue
                {
                    Id = kind switch
                    {
                        UeKind.Car => $"Car-{n}",
                        UeKind.Pedestrian => $"Pedestrian-{n}",
                        UeKind.TrainPassenger => $"Train passenger {n}",
                        _ => $"Waiting passenger {n}",
                    },
                    Kind = kind,
                    Motion = motion,
                    TargetTput = kind switch
                    {
                        UeKind.Car => 0.75,
                        UeKind.Pedestrian => 0.25,
                        UeKind.TrainPassenger => 0.3,
                        _ => 0.1,
                    },
                    Slots = slots,
                    Anomaly = new sbyte[slots.Length],
                    Severity = new double[slots.Length],
                    EpisodeStart = new bool[slots.Length],
                    SiteShadow = new double[_layout.Sites],
                    CellShadow = new double[_layout.Cells],
                    Rng = rng.Fork(3),
                };
                for (int s = 0; s < ue.SiteShadow.Length; s++) ue.SiteShadow[s] = SiteShadowSigmaDb * ue.Rng.NextGaussian();
                for (int c = 0; c < ue.CellShadow.Length; c++) ue.CellShadow[c] = CellShadowSigmaDb * ue.Rng.NextGaussian();
                ScheduleAnomalies(ue, rng.Fork(4));
                _ues[u] = ue;
            }
        }

        /// <summary>UE kinds in valid.csv's proportions 4 : 3 : 3 : 10, by largest remainder, listed kind by kind.</summary>
        private static UeKind[] KindMix(int n)
        {
            double[] share = [0.2, 0.15, 0.15, 0.5];
            var count = new int[4];
            var rem = new double[4];
            int used = 0;
            for (int k = 0; k < 4; k++)
            {
                double exact = share[k] * n;
                count[k] = (int)Math.Floor(exact);
                rem[k] = exact - count[k];
                used += count[k];
            }
            while (used < n)
            {
                int best = 0;
                for (int k = 1; k < 4; k++) if (rem[k] > rem[best] + 1e-12) best = k;
                count[best]++;
                rem[best] = -1;
                used++;
            }
            var kinds = new UeKind[n];
            int i = 0;
            UeKind[] order = [UeKind.Car, UeKind.Pedestrian, UeKind.TrainPassenger, UeKind.WaitingPassenger];
            for (int k = 0; k < 4; k++) for (int j = 0; j < count[k]; j++) kinds[i++] = order[k];
            return kinds;
        }

        /// <summary>Report slots: a random first slot, then gaps of the mean interval (geometric when jittered).</summary>
        private int[] ReportSlots(Rng rng)
        {
            int mean = (int)(_o.ReportInterval.Ticks / TimeSpan.FromMilliseconds(SlotMilliseconds).Ticks);
            var list = new List<int>((_slots / mean) + 8);
            int slot = rng.NextInt(mean);
            double p = 1.0 / mean;
            while (slot < _slots)
            {
                list.Add(slot);
                int gap = mean;
                if (_o.JitterReports && mean > 1)
                    gap = 1 + (int)Math.Min(_slots, Math.Floor(Math.Log(1 - rng.NextDouble()) / Math.Log(1 - p)));
                slot += gap;
            }
            return [.. list];
        }

        /// <summary>
        /// Places episodes so that exactly round(rate × reports) of this UE's reports are anomalous: episode
        /// lengths are drawn first, then the normal reports are split into random gaps around them.
        /// </summary>
        private void ScheduleAnomalies(Ue ue, Rng rng)
        {
            int n = ue.Slots.Length;
            Array.Fill(ue.Anomaly, (sbyte)-1);
            int budget = (int)Math.Round(_o.AnomalyRate * n);
            if (budget == 0 || _o.AnomalyKinds.Count == 0) return;
            double meanLen = Math.Max(1, _o.EpisodeSeconds / _o.ReportInterval.TotalSeconds);
            var lengths = new List<int>();
            int total = 0;
            while (total < budget)
            {
                int len = Math.Max(1, (int)Math.Round(rng.Uniform(0.5, 1.5) * meanLen));
                len = Math.Min(len, budget - total);
                lengths.Add(len);
                total += len;
            }
            int k = lengths.Count;
            int normal = n - budget;
            // Stars and bars: k sorted cut points in [0, normal] give k + 1 gaps; inner gaps get at least one
            // normal report when there are enough so that consecutive episodes stay distinct.
            int inner = Math.Min(k - 1, normal);
            int free = normal - inner;
            var cuts = new int[k];
            for (int i = 0; i < k; i++) cuts[i] = rng.NextInt(free + 1);
            Array.Sort(cuts);
            int pos = 0, prevCut = 0;
            for (int e = 0; e < k; e++)
            {
                int gap = cuts[e] - prevCut + (e > 0 && e <= inner ? 1 : 0);
                prevCut = cuts[e];
                pos += gap;
                var kind = DrawKind(rng);
                double severity = kind switch
                {
                    UeAnomalyKind.CoverageHole => rng.Uniform(20, 35),     // extra loss, dB
                    UeAnomalyKind.Interference => rng.Uniform(20, 40),     // interference over noise, dB
                    UeAnomalyKind.Congestion => rng.Uniform(0.95, 1.0),    // utilisation
                    _ => 0,
                };
                for (int j = 0; j < lengths[e]; j++)
                {
                    ue.Anomaly[pos + j] = (sbyte)kind;
                    ue.Severity[pos + j] = severity;
                }
                ue.EpisodeStart[pos] = true;
                pos += lengths[e];
            }
        }

        /// <summary>Coverage holes weigh 3, the other kinds 1: deep drops dominate valid.csv's anomalies (~74 %).</summary>
        private UeAnomalyKind DrawKind(Rng rng)
        {
            var kinds = _o.AnomalyKinds;
            double total = 0;
            foreach (var k in kinds) total += k == UeAnomalyKind.CoverageHole ? 3 : 1;
            double u = rng.NextDouble() * total;
            foreach (var k in kinds)
            {
                u -= k == UeAnomalyKind.CoverageHole ? 3 : 1;
                if (u < 0) return k;
            }
            return kinds[^1];
        }

        public KpiTable Execute()
        {
            int expected = 0;
            foreach (var ue in _ues) expected += ue.Slots.Length;
            var cols = new ColumnsBuilder(expected);
            var inv = CultureInfo.InvariantCulture;
            double slotSeconds = SlotMilliseconds / 1000.0;
            for (int slot = 0; slot < _slots; slot++)
            {
                string? ts = null;
                double t = slot * slotSeconds;
                MoveTrain(slotSeconds, slot);
                for (int u = 0; u < _ues.Length; u++)
                {
                    var ue = _ues[u];
                    if (ue.Next >= ue.Slots.Length || ue.Slots[ue.Next] != slot) continue;
                    ts ??= _o.StartTime.AddMilliseconds((double)slot * SlotMilliseconds).ToString("yyyy-MM-dd'T'HH:mm:ss.fff", inv);
                    Report(ue, t, (slot - ue.LastSlot) * slotSeconds, ts, cols);
                    ue.LastSlot = slot;
                    ue.Next++;
                }
            }
            return cols.Build();
        }

        private void MoveTrain(double dt, int slot)
        {
            if (slot == 0) return;
            _trainX += _trainDir * TrainSpeed * dt;
            if (_trainX > _layout.AreaMaxX) { _trainX = (2 * _layout.AreaMaxX) - _trainX; _trainDir = -1; }
            if (_trainX < _layout.AreaMinX) { _trainX = (2 * _layout.AreaMinX) - _trainX; _trainDir = 1; }
        }

        private void Report(Ue ue, double t, double dt, string ts, ColumnsBuilder cols)
        {
            int r = ue.Next;
            int anomaly = ue.Anomaly[r];
            double severity = ue.Severity[r];
            var L = _layout;
            int bands = L.Bands;

            double moved = ue.Motion.Advance(dt, _trainX);
            double x = Math.Round(ue.Motion.X, 1), y = Math.Round(ue.Motion.Y, 1);

            // Shadowing: AR(1) in distance, so a static UE keeps its shadowing and a moving one decorrelates over ~50 m.
            if (moved > 0)
            {
                double a = Math.Exp(-moved / ShadowDecorrelationM);
                double b = Math.Sqrt(1 - (a * a));
                for (int s = 0; s < ue.SiteShadow.Length; s++) ue.SiteShadow[s] = (a * ue.SiteShadow[s]) + (b * SiteShadowSigmaDb * ue.Rng.NextGaussian());
                for (int c = 0; c < ue.CellShadow.Length; c++) ue.CellShadow[c] = (a * ue.CellShadow[c]) + (b * CellShadowSigmaDb * ue.Rng.NextGaussian());
            }

            bool indoor = ue.Kind == UeKind.WaitingPassenger;
            double penetration = ue.Kind switch
            {
                UeKind.Car => CarLossDb,
                UeKind.TrainPassenger => TrainLossDb,
                UeKind.WaitingPassenger => IndoorLossDb,
                _ => BodyLossDb,
            };
            double extraLoss = anomaly == (int)UeAnomalyKind.CoverageHole ? severity : 0;
            for (int s = 0; s < L.Sites; s++)
            {
                double pl = RadioLayout.PathLossDb(x - L.SiteX[s], y - L.SiteY[s]) + penetration + extraLoss + ue.SiteShadow[s];
                for (int b = 0; b < bands; b++)
                {
                    int c = (s * bands) + b;
                    _rsrp[c] = L.BandOffsetDb[b] - pl - ue.CellShadow[c];
                }
            }

            // Outage: the serving site goes dark for the whole episode; the UE must camp elsewhere at once.
            if (anomaly == (int)UeAnomalyKind.CellOutage)
            {
                if (ue.EpisodeStart[r] || ue.OutageSite < 0) ue.OutageSite = ue.Serving >= 0 ? ue.Serving / bands : Strongest(-1) / bands;
            }
            else
            {
                ue.OutageSite = -1;
            }
            int outage = ue.OutageSite;
            if (outage >= 0) for (int b = 0; b < bands; b++) _rsrp[(outage * bands) + b] = double.NegativeInfinity;

            int best = Strongest(-1);
            int previous = ue.Serving;
            if (ue.Serving < 0 || double.IsNegativeInfinity(_rsrp[ue.Serving]) || _rsrp[best] > _rsrp[ue.Serving] + HysteresisDb)
                ue.Serving = best;
            int serving = ue.Serving;
            if (previous != serving)
            {
                if (previous >= 0) _attachedPrb[previous] -= ue.PrbDemand;
                _attachedPrb[serving] += ue.PrbDemand;
            }

            // Neighbours: the five strongest other cells, strongest first.
            int found = RankCells(serving);
            // Measurement error of the L3-filtered values, only on the six reported cells (decisions use the true ones).
            _rsrp[serving] += MeasurementNoiseDb * ue.Rng.NextGaussian();
            for (int i = 0; i < found; i++) _rsrp[_order[i]] += MeasurementNoiseDb * ue.Rng.NextGaussian();

            // Linear received power and each band's load-weighted sum, for interference.
            UpdateBackground(t);
            Array.Clear(_bandLoadSum);
            for (int c = 0; c < L.Cells; c++)
            {
                _sLin[c] = double.IsNegativeInfinity(_rsrp[c]) ? 0 : Math.Pow(10, _rsrp[c] / 10);
                _bandLoadSum[c % bands] += Utilisation(c) * _sLin[c];
            }
            _noise = Math.Pow(10, (ThermalPerReDbm + (indoor ? IndoorNoiseFigureDb : OutdoorNoiseFigureDb)) / 10);
            _external = anomaly == (int)UeAnomalyKind.Interference ? _noise * Math.Pow(10, severity / 10) : 0;
            _rssiExcess = (indoor ? IndoorRssiExcessDb : 0) + extraLoss;
            _holeGain = Math.Pow(10, extraLoss / 10);


            var (sinr, rsrq) = Quality(serving);

            // Load and throughput: the UE needs target / (SE · 180 kHz) PRBs (at most a quarter of the carrier).
            int maxPrb = L.MaxPrb[serving % bands];
            double se = SpectralEfficiency(sinr, ue.Kind);
            double demand = Math.Clamp(Math.Ceiling(ue.TargetTput / (Math.Max(se, 1e-3) * PrbBandwidthMHz)), 1, 0.25 * maxPrb);
            _attachedPrb[serving] += demand - ue.PrbDemand;
            ue.PrbDemand = demand;
            double util = anomaly == (int)UeAnomalyKind.Congestion ? severity : Utilisation(serving);
            double prb = Math.Min(maxPrb, Math.Round(util * maxPrb));
            double share = 1 - (prb / maxPrb);
            double throughput = Math.Min(ue.TargetTput, UeBandwidthMHz * se * share);

            cols.BeginRow();
            cols.Text(0, L.DuIds[serving / bands]);
            cols.Text(1, ts);
            cols.Text(2, L.CellNames[serving]);
            cols.Num(3, prb);
            cols.Num(4, ue.TargetTput);
            cols.Num(5, throughput);
            cols.Text(6, ue.Id);
            cols.Num(7, x);
            cols.Num(8, y);
            cols.Num(9, _rsrp[serving]);
            cols.Num(10, rsrq);
            cols.Num(11, sinr);
            for (int i = 0; i < UeSchema.NeighbourCount; i++)
            {
                int c = i < found ? _order[i] : -1;
                cols.Text(12 + i, c >= 0 ? L.CellNames[c] : "");
                double nbRsrp = c >= 0 ? _rsrp[c] : double.NaN;
                var (nbSinr, nbRsrq) = c >= 0 ? Quality(c) : (double.NaN, double.NaN);
                cols.Num(17 + (3 * i), nbRsrp);
                cols.Num(18 + (3 * i), nbRsrq);
                cols.Num(19 + (3 * i), nbSinr);
            }
            cols.Num(32, anomaly >= 0 ? 1 : 0);
            cols.Text(33, anomaly >= 0 ? KindNames[anomaly] : "");
            cols.EndRow();
        }

        /// <summary>RS-SINR and RSRQ (dB) of <paramref name="c"/> as if it served the UE, for the current report.</summary>
        private (double Sinr, double Rsrq) Quality(int c)
        {
            int bands = _layout.Bands;
            double interference = (Isolation * (_bandLoadSum[c % bands] - (Utilisation(c) * _sLin[c]))) + _external;
            double sLin = Math.Max(_sLin[c], 1e-30);
            double noisePlus = _noise + Math.Max(interference, 0);
            double sinrDb = 10 * Math.Log10(sLin / noisePlus);
            // In a coverage hole the RSSI keeps its level while RSRP falls, so RSRQ falls by the hole's depth on top of
            // the value it had before (valid.csv: RSRQ −40.8 → −70.8 dB with RSRP −30 dB).
            double rsrqDb = (-10 * Math.Log10(12)) - (10 * Math.Log10(1 + (noisePlus / (sLin * _holeGain)))) - _rssiExcess;
            return (sinrDb, rsrqDb);
        }

        /// <summary>Cell utilisation at the current report: background cycle plus the PRBs its attached UEs need, at most 0.99.</summary>
        private double Utilisation(int cell)
        {
            return Math.Min(0.99, _background[cell] + (_attachedPrb[cell] / _layout.MaxPrb[cell % _layout.Bands]));
        }

        /// <summary>Background loads change slowly, so they are computed once per report slot, not per cell and UE.</summary>
        private void UpdateBackground(double t)
        {
            if (t == _backgroundTime) return;
            _backgroundTime = t;
            for (int c = 0; c < _background.Length; c++) _background[c] = _layout.Background(c, t);
        }

        private int Strongest(int exclude)
        {
            int best = -1;
            for (int c = 0; c < _rsrp.Length; c++)
                if (c != exclude && (best < 0 || _rsrp[c] > _rsrp[best])) best = c;
            return best;
        }

        /// <summary>Writes the up-to-five strongest cells other than <paramref name="serving"/> into _order; returns how many.</summary>
        private int RankCells(int serving)
        {
            int k = UeSchema.NeighbourCount, found = 0;
            for (int c = 0; c < _rsrp.Length; c++)
            {
                if (c == serving || double.IsNegativeInfinity(_rsrp[c])) continue;
                // Insertion into a short sorted list: ties keep the lower cell index first, deterministically.
                int pos = Math.Min(found, k);
                while (pos > 0 && _rsrp[_order[pos - 1]] < _rsrp[c]) pos--;
                if (pos >= k) continue;
                int end = Math.Min(found, k - 1);
                for (int j = end; j > pos; j--) _order[j] = _order[j - 1];
                _order[pos] = c;
                if (found < k) found++;
            }
            return found;
        }

        /// <summary>Attenuated Shannon, capped at 64-QAM's 5.55 bit/s/Hz; fast UEs lose some to CQI ageing.</summary>
        private static double SpectralEfficiency(double sinrDb, UeKind kind)
        {
            double se = Math.Min(MaxSpectralEfficiency, ShannonAttenuation * Math.Log2(1 + Math.Pow(10, sinrDb / 10)));
            return se * kind switch
            {
                UeKind.Car => 0.6,
                UeKind.TrainPassenger => 0.7,
                _ => 1.0,
            };
        }
    }

    /// <summary>Grows the table's columns row by row.</summary>
    private sealed class ColumnsBuilder(int capacity)
    {
        private static readonly int ColumnCount = UeSchema.Columns.Count + 1;
        private readonly double[]?[] _num = CreateNum(capacity);
        private readonly string[]?[] _text = CreateText(capacity);
        private int _rows;
        private int _capacity = Math.Max(capacity, 1);

        private static bool IsText(int col) => col is 0 or 1 or 2 or 6 or (>= 12 and <= 16) or 33;

        private static double[]?[] CreateNum(int capacity)
        {
            var a = new double[]?[ColumnCount];
            for (int i = 0; i < a.Length; i++) if (!IsText(i)) a[i] = new double[Math.Max(capacity, 1)];
            return a;
        }

        private static string[]?[] CreateText(int capacity)
        {
            var a = new string[]?[ColumnCount];
            for (int i = 0; i < a.Length; i++) if (IsText(i)) a[i] = new string[Math.Max(capacity, 1)];
            return a;
        }

        public void Num(int col, double v) => _num[col]![_rows] = v;

        public void Text(int col, string v) => _text[col]![_rows] = v;

        /// <summary>Makes room for one more row; growing only when a row is about to be written keeps an exact capacity exact.</summary>
        public void BeginRow()
        {
            if (_rows < _capacity) return;
            _capacity *= 2;
            for (int i = 0; i < ColumnCount; i++)
            {
                if (_num[i] is not null) _num[i] = Resize(_num[i]!, _capacity);
                if (_text[i] is not null) _text[i] = Resize(_text[i]!, _capacity);
            }
        }

        public void EndRow() => _rows++;

        private static T[] Resize<T>(T[] a, int n)
        {
            Array.Resize(ref a, n);
            return a;
        }

        public KpiTable Build()
        {
            var cols = new KpiColumn[ColumnCount];
            for (int i = 0; i < ColumnCount; i++)
            {
                string name = i < UeSchema.Columns.Count ? UeSchema.Columns[i] : UeSchema.AnomalyKind;
                var role = UeSchema.DefaultRole(name)!.Value;
                cols[i] = IsText(i)
                    ? new KpiColumn(name, role, _text[i]!.Length == _rows ? _text[i]! : _text[i]![.._rows])
                    : new KpiColumn(name, role, _num[i]!.Length == _rows ? _num[i]! : _num[i]![.._rows]);
            }
            return new KpiTable(cols, "simulator");
        }
    }
}
