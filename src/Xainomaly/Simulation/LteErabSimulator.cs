using System.Globalization;

using Xainomaly.Data;
using Xainomaly.Numerics;

namespace Xainomaly.Simulation;

/// <summary>
/// Generates hourly per-eNodeB LTE retainability records in the shape of the SON paper's E-RAB drop-rate data set
/// (SPEC §1.2): 22 features in three groups — time and location, E-RAB drop reasons and releases (the dependent
/// features), and independent load, radio and transport features — with labelled anomalies (sudden rises of the
/// E-RAB drop rate, mostly driven by transport-network-layer drops).
/// </summary>
/// <remarks>
/// The model (equations and measured statistics in <c>docs/simulator-lte-erab.md</c>):
/// <list type="bullet">
/// <item>Connected users follow a daily profile (business district: a midday plateau; residential: an evening peak),
/// a weekly one (business quieter at weekends, residential busier), a day-level AR(1) factor and hourly noise.</item>
/// <item>PRB load, RSRQ, CQI, uplink interference, latency and throughput follow the load; RSRP dips slightly at peak
/// (more deep-indoor users).</item>
/// <item>E-RAB sessions per hour are Poisson in users × sessions per user; each drop reason is Poisson in sessions ×
/// its probability, which depends on the radio state (radio link), mobility (handover), load (congestion) or is a
/// per-eNodeB constant (TNL, UE lost, MME, other).</item>
/// <item>Drop rate % = 100 × abnormal / (normal + abnormal releases) (SPEC decision).</item>
/// <item>Anomalies are episodes of consecutive hours of one eNodeB, of the kinds in <see cref="LteErabAnomalyKind"/>.</item>
/// </list>
/// The same options (seed included) give an identical table.
/// </remarks>
public static class LteErabSimulator
{
    /// <summary>The timestamp column (the product's canonical name, so every reader gives it the timestamp role).</summary>
    public const string TimestampColumn = UeSchema.Timestamp;

    /// <summary>The label column (0 normal, 1 anomalous); the CSV reader picks it up without options.</summary>
    public const string LabelColumn = UeSchema.Label;

    /// <summary>The anomaly cause column (ignored by the readers, so it does not leak into the inputs).</summary>
    public const string KindColumn = UeSchema.AnomalyKind;

    /// <summary>The E-RAB drop-rate column, 100 × abnormal / (normal + abnormal releases).</summary>
    public const string DropRateColumn = "erab_drop_rate";

    /// <summary>Group (i), time and location: hour of day, weekday (0 = Monday), eNodeB and busiest cell (both nominal).</summary>
    public static IReadOnlyList<string> TimeAndLocationColumns { get; } = ["hour", "weekday", "enodeb", "cell"];

    /// <summary>E-RAB drops by reason (counts per hour).</summary>
    public static IReadOnlyList<string> DropReasonColumns { get; } =
        ["erab_drop_tnl", "erab_drop_radio_link", "erab_drop_handover", "erab_drop_congestion", "erab_drop_ue_lost", "erab_drop_mme", "erab_drop_other"];

    /// <summary>Group (ii), dependent features: the drop reasons, normal and abnormal releases and the drop rate.</summary>
    public static IReadOnlyList<string> DependentColumns { get; } =
        [.. DropReasonColumns, "erab_release_normal", "erab_release_abnormal", DropRateColumn];

    /// <summary>Group (iii), independent features: UE-reported radio averages, latency, users, load, throughput, uplink interference.</summary>
    public static IReadOnlyList<string> IndependentColumns { get; } =
        ["rsrp_avg", "rsrq_avg", "cqi_avg", "latency", "users", "prb_load", "dl_throughput", "ul_interference"];

    /// <summary>The 22 model features in table order (26 inputs after one-hot encoding with the default two eNodeBs × two cells).</summary>
    public static IReadOnlyList<string> FeatureColumns { get; } = [.. TimeAndLocationColumns, .. DependentColumns, .. IndependentColumns];

    /// <summary>Every column in table order: timestamp, the 22 features, label, anomaly kind.</summary>
    public static IReadOnlyList<string> Columns { get; } = [TimestampColumn, .. FeatureColumns, LabelColumn, KindColumn];

    /// <summary>
    /// The measurements UEs report (averaged over the hour): what an attacker who controls handsets can falsify, and
    /// the default attack mask. Everything else is counted or measured by the operator.
    /// </summary>
    public static IReadOnlyList<string> UeReportedColumns { get; } = ["rsrp_avg", "rsrq_avg", "cqi_avg"];

    /// <summary>Numeric features the operator's own equipment counts or measures (drops, releases, drop rate, latency, users, load, throughput, uplink interference).</summary>
    public static IReadOnlyList<string> OperatorCounterColumns { get; } =
        [.. DependentColumns, "latency", "users", "prb_load", "dl_throughput", "ul_interference"];

    /// <summary>Physical unit of every feature column (<c>""</c> for the nominal ones), for reports and attack budgets.</summary>
    public static IReadOnlyDictionary<string, string> Units { get; } = BuildUnits();

    private static readonly string[] KindNames = ["tnl", "radio-link", "mme"];

    // Daily load profiles (share of the peak hour's users), hour 0 first.
    private static readonly double[] BusinessProfile =
        [0.18, 0.13, 0.10, 0.09, 0.10, 0.15, 0.30, 0.55, 0.80, 0.92, 0.97, 1.00, 1.00, 0.98, 0.96, 0.95, 0.93, 0.90, 0.85, 0.75, 0.62, 0.50, 0.38, 0.26];

    private static readonly double[] ResidentialProfile =
        [0.30, 0.20, 0.14, 0.11, 0.10, 0.13, 0.25, 0.45, 0.55, 0.55, 0.56, 0.60, 0.65, 0.63, 0.62, 0.66, 0.74, 0.85, 0.95, 1.00, 0.98, 0.88, 0.68, 0.45];

    // Weekly factor, Monday first.
    private static readonly double[] BusinessWeek = [1.0, 1.0, 1.0, 1.0, 0.97, 0.72, 0.62];
    private static readonly double[] ResidentialWeek = [1.0, 1.0, 1.0, 1.0, 1.03, 1.10, 1.12];

    /// <summary>The <c>anomaly_kind</c> value of <paramref name="kind"/>: <c>tnl</c>, <c>radio-link</c> or <c>mme</c>.</summary>
    public static string KindName(LteErabAnomalyKind kind) => KindNames[(int)kind];

    /// <summary>The unit of <paramref name="column"/>, or <c>""</c> when it has none or is not a feature.</summary>
    public static string UnitOf(string column) => Units.TryGetValue(column, out var u) ? u : "";

    /// <summary>The load profile value (share of the peak hour's users) of an eNodeB at <paramref name="hour"/> on <paramref name="weekday"/> (0 = Monday).</summary>
    public static double LoadProfile(int enodeb, int hour, int weekday)
    {
        bool business = enodeb % 2 == 1;
        return (business ? BusinessProfile : ResidentialProfile)[hour] * (business ? BusinessWeek : ResidentialWeek)[weekday];
    }

    /// <summary>Generates the table described by <paramref name="options"/> (validated first).</summary>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public static KpiTable Generate(LteErabOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        int hours = options.Days * 24;
        int rows = checked(hours * options.Enodebs);
        var master = new Rng(options.Seed);
        var cols = new Builder(rows);
        var sites = new Site[options.Enodebs];
        for (int e = 0; e < sites.Length; e++) sites[e] = new Site(e + 1, options, master.Fork(100 + e));
        var stamp = new string[hours];
        for (int h = 0; h < hours; h++) stamp[h] = options.StartTime.AddHours(h).ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        // Time order, eNodeBs in id order within an hour, like the paper's hourly extract.
        for (int h = 0; h < hours; h++)
        {
            for (int e = 0; e < sites.Length; e++) sites[e].Hour(h, stamp[h], cols);
        }
        return cols.Build();
    }

    private static Dictionary<string, string> BuildUnits()
    {
        var u = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["hour"] = "h",
            ["weekday"] = "day",
            ["enodeb"] = "",
            ["cell"] = "",
            ["erab_release_normal"] = "count",
            ["erab_release_abnormal"] = "count",
            [DropRateColumn] = "%",
            ["rsrp_avg"] = "dBm",
            ["rsrq_avg"] = "dB",
            ["cqi_avg"] = "CQI index",
            ["latency"] = "ms",
            ["users"] = "count",
            ["prb_load"] = "%",
            ["dl_throughput"] = "Mbit/s",
            ["ul_interference"] = "dBm",
        };
        foreach (var c in DropReasonColumns) u[c] = "count";
        return u;
    }

    /// <summary>Poisson draw: Knuth's product method for small means, a rounded normal for large ones (error far below the simulated noise).</summary>
    private static int Poisson(Rng rng, double mean)
    {
        if (!(mean > 0)) return 0;
        if (mean < 30)
        {
            double limit = Math.Exp(-mean), p = 1;
            int k = -1;
            do
            {
                k++;
                p *= rng.NextDouble();
            }
            while (p > limit);
            return k;
        }
        return Math.Max(0, (int)Math.Round(rng.NextGaussian(mean, Math.Sqrt(mean))));
    }

    /// <summary>One eNodeB: its character, its anomaly schedule and its state from hour to hour.</summary>
    private sealed class Site
    {
        private readonly int _id;
        private readonly string _name;
        private readonly string[] _cells;
        private readonly double[] _cellShare;
        private readonly double[] _cellPhase;
        private readonly bool _business;
        private readonly Rng _rng;
        private readonly LteErabOptions _o;
        private readonly double _peakUsers, _sessionsPerUser, _rsrpBase, _rsrqBase, _cqiBase, _latencyBase, _throughputBase, _ulBase, _capacity;
        private readonly double _pTnl, _pRadio, _pHandover, _pUeLost, _pMme, _pOther;
        private readonly sbyte[] _kind;        // per hour: −1 normal, else (int)LteErabAnomalyKind
        private readonly double[] _extraRate;  // per hour: extra drops per session (fraction)
        private readonly double[] _extraLatency;
        private readonly double[] _radioHit;   // per hour: 0 … 1 strength of the radio symptom
        private double _dayFactor;
        private int _day = -1;

        public Site(int id, LteErabOptions o, Rng rng)
        {
            _id = id;
            _o = o;
            _name = $"eNB-{id}";
            _business = id % 2 == 1;
            var character = rng.Fork(1);
            _rng = rng.Fork(2);
            _peakUsers = _business ? character.Uniform(150, 220) : character.Uniform(90, 140);
            _sessionsPerUser = character.Uniform(8, 12);
            _rsrpBase = character.Uniform(-98, -88);
            _rsrqBase = character.Uniform(-11, -9.5);
            _cqiBase = character.Uniform(9.5, 11.5);
            _latencyBase = character.Uniform(10, 18);
            _throughputBase = character.Uniform(25, 40);
            _ulBase = character.Uniform(-110, -106);
            _capacity = character.Uniform(0.85, 1.0);
            _pTnl = character.Uniform(0.0005, 0.0012);
            _pRadio = character.Uniform(0.0010, 0.0020);
            _pHandover = character.Uniform(0.0004, 0.0010);
            _pUeLost = character.Uniform(0.0003, 0.0006);
            _pMme = character.Uniform(0.0001, 0.0003);
            _pOther = character.Uniform(0.0002, 0.0004);
            _cells = new string[o.CellsPerEnodeb];
            _cellShare = new double[o.CellsPerEnodeb];
            _cellPhase = new double[o.CellsPerEnodeb];
            for (int c = 0; c < _cells.Length; c++)
            {
                _cells[c] = $"{_name}/C{c + 1}";
                _cellShare[c] = character.Uniform(0.85, 1.15);
                // Sectors face different areas (offices, homes, a road), so each has its own busy hours.
                _cellPhase[c] = (24.0 * c / _cells.Length) + character.Uniform(0, 3);
            }
            int hours = o.Days * 24;
            _kind = new sbyte[hours];
            _extraRate = new double[hours];
            _extraLatency = new double[hours];
            _radioHit = new double[hours];
            Schedule(rng.Fork(3));
        }

        /// <summary>
        /// Places episodes so that exactly round(rate × hours) hours are anomalous: episode lengths are drawn first,
        /// then the normal hours are split into random gaps around them (at least one normal hour between two episodes
        /// when there are enough, so that consecutive episodes stay distinct).
        /// </summary>
        private void Schedule(Rng rng)
        {
            int n = _kind.Length;
            Array.Fill(_kind, (sbyte)-1);
            int budget = (int)Math.Round(_o.AnomalyRate * n);
            if (budget == 0) return;
            var lengths = new List<int>();
            int total = 0;
            while (total < budget)
            {
                int len = Math.Min(1 + rng.NextInt((2 * _o.EpisodeHours) - 1), budget - total);
                lengths.Add(len);
                total += len;
            }
            int k = lengths.Count;
            int normal = n - budget;
            int inner = Math.Min(k - 1, normal);
            int free = normal - inner;
            var cuts = new int[k];
            for (int i = 0; i < k; i++) cuts[i] = rng.NextInt(free + 1);
            Array.Sort(cuts);
            int pos = 0, prevCut = 0;
            for (int e = 0; e < k; e++)
            {
                pos += cuts[e] - prevCut + (e > 0 && e <= inner ? 1 : 0);
                prevCut = cuts[e];
                double u = rng.NextDouble();
                var kind = u < 0.75 ? LteErabAnomalyKind.TransportNetwork : u < 0.9 ? LteErabAnomalyKind.RadioLink : LteErabAnomalyKind.Core;
                bool subtle = rng.NextDouble() < _o.SubtleShare;
                // Extra drop-rate points: log-uniform 1.2–8 for clear episodes (a sudden rise), 0.3–0.9 for subtle ones.
                double points = subtle ? rng.Uniform(0.3, 0.9) : Math.Exp(rng.Uniform(Math.Log(1.2), Math.Log(8.0)));
                double latency = kind == LteErabAnomalyKind.TransportNetwork && !subtle && rng.NextDouble() < 0.6 ? rng.Uniform(3, 25) : 0;
                double radio = kind == LteErabAnomalyKind.RadioLink ? (subtle ? rng.Uniform(0.1, 0.3) : rng.Uniform(0.4, 1.0)) : 0;
                for (int j = 0; j < lengths[e]; j++)
                {
                    _kind[pos + j] = (sbyte)kind;
                    // Hour-to-hour jitter of ±30 % keeps an episode from being a flat step.
                    _extraRate[pos + j] = points / 100 * rng.Uniform(0.7, 1.3);
                    _extraLatency[pos + j] = latency * rng.Uniform(0.7, 1.3);
                    _radioHit[pos + j] = radio;
                }
                pos += lengths[e];
            }
        }

        public void Hour(int h, string stamp, Builder cols)
        {
            int day = h / 24, hour = h % 24;
            int weekday = (int)(((int)_o.StartTime.DayOfWeek + 6 + day) % 7); // 0 = Monday
            if (day != _day)
            {
                // A day-level AR(1) factor: weather, events and holidays move a whole day's traffic together.
                _dayFactor = _day < 0 ? _rng.NextGaussian(0, 0.05) : (0.7 * _dayFactor) + _rng.NextGaussian(0, 0.04);
                _day = day;
            }
            var r = _rng;
            double profile = LoadProfile(_id, hour, weekday);
            double users = Math.Max(1, Math.Round(_peakUsers * profile * (1 + _dayFactor) * (1 + r.NextGaussian(0, 0.05))));
            double loadShare = users / _peakUsers;
            double prb = Math.Clamp((100 * ((0.08 + (0.78 * loadShare)) / _capacity)) + r.NextGaussian(0, 2.5), 1, 99);
            int kind = _kind[h];
            double radioHit = _radioHit[h];

            double rsrp = _rsrpBase - (1.2 * profile) + r.NextGaussian(0, 0.6);
            double rsrq = _rsrqBase - (2.5 * prb / 100) - (2.0 * radioHit) + r.NextGaussian(0, 0.3);
            double cqi = Math.Clamp(_cqiBase - (1.8 * prb / 100) + (0.15 * (rsrp - _rsrpBase)) - (2.5 * radioHit) + r.NextGaussian(0, 0.25), 1, 15);
            double ul = _ulBase + (6 * prb / 100) + (8 * radioHit) + r.NextGaussian(0, 0.8);
            double latency = _latencyBase + (12 * Math.Pow(prb / 100, 3)) + Math.Abs(r.NextGaussian(0, 1.2)) + _extraLatency[h];
            double throughput = Math.Max(0.5, _throughputBase * (cqi / 10) * (1 - (0.7 * prb / 100)) * (1 + r.NextGaussian(0, 0.06)));

            // Busiest cell: each sector's share of the users follows its own daily cycle, with ±10 % hourly noise.
            int busiest = 0;
            double best = double.NegativeInfinity;
            for (int c = 0; c < _cells.Length; c++)
            {
                double v = _cellShare[c] * (1 + (0.3 * Math.Sin(2 * Math.PI * (hour - _cellPhase[c]) / 24))) * (1 + r.NextGaussian(0, 0.1));
                if (v > best)
                {
                    best = v;
                    busiest = c;
                }
            }

            int sessions = Poisson(r, users * _sessionsPerUser);
            double mobility = hour is >= 7 and <= 9 or >= 16 and <= 19 ? 1.4 : hour is >= 1 and <= 5 ? 0.6 : 1.0;
            double pRadio = _pRadio * Math.Exp(-(cqi - _cqiBase) / 1.5) * (1 + (0.5 * Math.Max(0, (prb - 70) / 30)));
            double pCongestion = 0.004 * Math.Max(0, (prb - 75) / 25);
            double extra = _extraRate[h];
            double extraTnl = kind == (int)LteErabAnomalyKind.TransportNetwork ? 0.9 * extra : 0;
            double extraUeLost = kind == (int)LteErabAnomalyKind.TransportNetwork ? 0.1 * extra : 0;
            double extraRadio = kind == (int)LteErabAnomalyKind.RadioLink ? 0.75 * extra : 0;
            double extraHandover = kind == (int)LteErabAnomalyKind.RadioLink ? 0.25 * extra : 0;
            double extraMme = kind == (int)LteErabAnomalyKind.Core ? extra : 0;
            int tnl = Poisson(r, sessions * (_pTnl + extraTnl));
            int radio = Poisson(r, sessions * (pRadio + extraRadio));
            int handover = Poisson(r, sessions * ((_pHandover * mobility) + extraHandover));
            int congestion = Poisson(r, sessions * pCongestion);
            int ueLost = Poisson(r, sessions * (_pUeLost + extraUeLost));
            int mme = Poisson(r, sessions * (_pMme + extraMme));
            int other = Poisson(r, sessions * _pOther);
            int abnormal = tnl + radio + handover + congestion + ueLost + mme + other;
            int normalReleases = Math.Max(0, sessions - abnormal);
            int released = normalReleases + abnormal;
            double rate = released > 0 ? 100.0 * abnormal / released : 0;

            cols.BeginRow();
            cols.Text(0, stamp);
            cols.Num(1, hour);
            cols.Num(2, weekday);
            cols.Text(3, _name);
            cols.Text(4, _cells[busiest]);
            cols.Num(5, tnl);
            cols.Num(6, radio);
            cols.Num(7, handover);
            cols.Num(8, congestion);
            cols.Num(9, ueLost);
            cols.Num(10, mme);
            cols.Num(11, other);
            cols.Num(12, normalReleases);
            cols.Num(13, abnormal);
            cols.Num(14, rate);
            cols.Num(15, Math.Round(rsrp, 2));
            cols.Num(16, Math.Round(rsrq, 2));
            cols.Num(17, Math.Round(cqi, 2));
            cols.Num(18, Math.Round(latency, 2));
            cols.Num(19, users);
            cols.Num(20, Math.Round(prb, 2));
            cols.Num(21, Math.Round(throughput, 2));
            cols.Num(22, Math.Round(ul, 2));
            cols.Num(23, kind >= 0 ? 1 : 0);
            cols.Text(24, kind >= 0 ? KindNames[kind] : "");
        }
    }

    /// <summary>Holds the table's columns while rows are generated (the row count is known up front).</summary>
    private sealed class Builder(int rows)
    {
        private static bool IsText(int col) => col is 0 or 3 or 4 or 24;

        private readonly double[]?[] _num = Create<double>(rows, c => !IsText(c));
        private readonly string[]?[] _text = Create<string>(rows, IsText);
        private int _row = -1;

        private static T[]?[] Create<T>(int rows, Func<int, bool> wanted)
        {
            var a = new T[]?[Columns.Count];
            for (int i = 0; i < a.Length; i++) if (wanted(i)) a[i] = new T[rows];
            return a;
        }

        public void BeginRow() => _row++;

        public void Num(int col, double v) => _num[col]![_row] = v;

        public void Text(int col, string v) => _text[col]![_row] = v;

        public KpiTable Build()
        {
            var cols = new KpiColumn[Columns.Count];
            for (int i = 0; i < cols.Length; i++)
            {
                var name = Columns[i];
                var role = i switch
                {
                    0 => ColumnRole.Timestamp,
                    3 or 4 => ColumnRole.Nominal,
                    23 => ColumnRole.Label,
                    24 => ColumnRole.Ignored,
                    _ => ColumnRole.Numeric,
                };
                cols[i] = IsText(i) ? new KpiColumn(name, role, _text[i]!) : new KpiColumn(name, role, _num[i]!);
            }
            return new KpiTable(cols, "simulator");
        }
    }
}
