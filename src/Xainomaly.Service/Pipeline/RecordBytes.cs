using System.Globalization;

namespace Xainomaly.Service.Pipeline;

/// <summary>
/// A scored record's JSON, encoded once for every writer: the store's <c>kpis</c> and <c>explanation</c> columns and
/// the anomaly payload on <c>ran.ad.anomalies</c> (which embeds the same KPI object). The bytes are exactly those of
/// <see cref="RecordJson"/>'s and the previous <see cref="Messaging.AnomalyPayload"/> writers.
/// </summary>
/// <remarks>
/// <see cref="Prepare"/> encodes a batch on any threads (the pipeline calls it where it scores, in parallel), so that
/// the single store writer only binds and steps and the publisher only copies bytes; a record nobody prepared is
/// encoded on first use. Each number is formatted once (<see cref="JsonNumber"/>): a KPI value serves the KPI object
/// and the payload's neighbour list, a φ both the explanation and the payload.
/// </remarks>
internal sealed class RecordBytes
{
    // Batches at least this large are encoded on several threads.
    private const int ParallelThreshold = 256;

    private static readonly string[] NeighbourKpis = Messaging.AnomalyPayload.NeighbourKpis;
    private static readonly byte[][] NeighbourKpiNames = [.. NeighbourKpis.Select(k => JsonBytesWriter.PropertyName(k))];
    private static readonly string[][] NeighbourKeys = BuildNeighbourKeys(16);

    // Slots of the neighbour KPIs in KpiView's canonical order (-1: a KpiView has no such KPI).
    private static readonly int[][] NeighbourSlots = [.. NeighbourKeys.Select(keys => keys.Select(KpiView.SlotOf).ToArray())];

    [ThreadStatic]
    private static Builder? t_builder;

    // Layout of _data: KPI object | explanation object | payload up to "kpis": | payload after the KPI object.
    private readonly byte[] _data;
    private readonly int _kpiEnd;
    private readonly int _explanationEnd;
    private readonly int _headEnd;

    private RecordBytes(ScoredRecord owner, byte[] data, int kpiEnd, int explanationEnd, int headEnd, bool storable, bool hasExplanation, bool hasPayload)
    {
        Owner = owner;
        _data = data;
        _kpiEnd = kpiEnd;
        _explanationEnd = explanationEnd;
        _headEnd = headEnd;
        Storable = storable;
        HasExplanation = hasExplanation;
        HasPayload = hasPayload;
    }

    /// <summary>The record these bytes were made from.</summary>
    public ScoredRecord Owner { get; }

    /// <summary>
    /// True when every number of the store's columns is finite, i.e. <see cref="Kpis"/> and <see cref="Explanation"/> are
    /// the store's text. (The store's JSON writer refuses NaN and infinities; the payload writes them as null.)
    /// </summary>
    public bool Storable { get; }

    /// <summary>True when the record carries an explanation (top features or a confidence score).</summary>
    public bool HasExplanation { get; }

    /// <summary>True when the anomaly payload was encoded too.</summary>
    public bool HasPayload { get; }

    /// <summary>The KPI object.</summary>
    public ReadOnlySpan<byte> Kpis => _data.AsSpan(0, _kpiEnd);

    /// <summary>The explanation object (empty without one).</summary>
    public ReadOnlySpan<byte> Explanation => _data.AsSpan(_kpiEnd, _explanationEnd - _kpiEnd);

    /// <summary>Length of the anomaly payload (0 when not encoded).</summary>
    public int PayloadLength => HasPayload ? _data.Length - _explanationEnd + _kpiEnd : 0;

    /// <summary>Copies the anomaly payload into <paramref name="destination"/> (at least <see cref="PayloadLength"/> bytes).</summary>
    public void CopyPayload(Span<byte> destination)
    {
        if (!HasPayload) throw new InvalidOperationException("The anomaly payload of this record was not encoded.");
        int head = _headEnd - _explanationEnd;
        _data.AsSpan(_explanationEnd, head).CopyTo(destination);
        Kpis.CopyTo(destination[head..]);
        _data.AsSpan(_headEnd).CopyTo(destination[(head + _kpiEnd)..]);
    }

    /// <summary>
    /// The record's bytes, encoded now unless already prepared (with the payload when <paramref name="payload"/> or the
    /// record is anomalous). Safe on any thread.
    /// </summary>
    public static RecordBytes Of(ScoredRecord record, bool payload)
    {
        ArgumentNullException.ThrowIfNull(record);
        var b = record.Bytes;
        if (b is not null && (b.HasPayload || !payload)) return b;
        b = (t_builder ??= new Builder()).Build(record, payload || record.Anomalous);
        record.Bytes = b;
        return b;
    }

    /// <summary>
    /// Encodes every record of <paramref name="records"/> that is not yet encoded (the payload for anomalous ones), on
    /// up to all cores for a large batch, so that the writers that follow only copy bytes.
    /// </summary>
    public static void Prepare(IReadOnlyList<ScoredRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        int n = records.Count;
        int parts = Math.Min(Environment.ProcessorCount, n / (ParallelThreshold / 2));
        if (parts <= 1)
        {
            PrepareRange(records, 0, n);
            return;
        }
        Parallel.For(0, parts, p => PrepareRange(records, (int)((long)n * p / parts), (int)((long)n * (p + 1) / parts)));
    }

    private static void PrepareRange(IReadOnlyList<ScoredRecord> records, int from, int to)
    {
        for (int i = from; i < to; i++)
        {
            var r = records[i];
            Of(r, r.Anomalous);
        }
    }

    private static string[][] BuildNeighbourKeys(int count)
    {
        var keys = new string[count][];
        for (int i = 0; i < count; i++)
        {
            keys[i] = new string[NeighbourKpis.Length];
            for (int k = 0; k < NeighbourKpis.Length; k++) keys[i][k] = NeighbourKpis[k] + "_nb" + i.ToString(CultureInfo.InvariantCulture);
        }
        return keys;
    }

    // One per thread: the writers and the KPI name cache are reused from record to record.
    private sealed class Builder
    {
        private readonly JsonBytesWriter _kpis = new();
        private readonly JsonBytesWriter _explanation = new();
        private readonly JsonBytesWriter _head = new();
        private readonly JsonBytesWriter _tail = new();
        private readonly JsonNameCache _names = new();

        // Where each KPI's number text starts in _kpis and how long it is (length 0: not finite, written as null).
        private int[] _valueAt = new int[64];
        private int[] _valueLength = new int[64];

        public RecordBytes Build(ScoredRecord r, bool payload)
        {
            bool storable = WriteKpis(r.Kpis, out int kpiCount);
            bool explained = r.TopFeatures.Count != 0 || r.ConfidenceScore is not null;
            var e = _explanation;
            var h = _head;
            e.Clear();
            h.Clear();
            _tail.Clear();
            if (payload) WriteHead(r);
            if (explained)
            {
                e.Raw("{\"baseValue\":"u8);
                e.NumberOrNull(r.BaseValue);
                e.Raw(",\"cs\":"u8);
                e.NumberOrNull(r.ConfidenceScore);
                e.Raw(",\"em\":"u8);
                e.NumberOrNull(r.ErrorMetric);
                e.Raw(",\"efficiencyGap\":"u8);
                e.NumberOrNull(r.EfficiencyGap);
                e.Raw(",\"topFeatures\":["u8);
            }
            var top = r.TopFeatures;
            for (int i = 0; i < top.Count; i++)
            {
                var f = top[i];
                if (i > 0)
                {
                    e.Byte((byte)',');
                    if (payload) h.Byte((byte)',');
                }
                e.Raw("{\"feature\":"u8);
                int nameAt = e.Length;
                e.String(f.Feature);
                int nameEnd = e.Length;
                e.Raw(",\"phi\":"u8);
                // The explanation's number text is copied into the payload rather than formatted twice.
                int phiAt = e.Length;
                e.NumberOrNull(f.Phi);
                int phiEnd = e.Length;
                storable &= double.IsFinite(f.Phi);
                int valueAt = -1, valueEnd = -1;
                if (f.Value is { } v)
                {
                    e.Raw(",\"value\":"u8);
                    valueAt = e.Length;
                    e.NumberOrNull(v);
                    valueEnd = e.Length;
                    storable &= double.IsFinite(v);
                }
                e.Byte((byte)'}');
                if (payload)
                {
                    var written = e.Written;
                    h.Raw("{\"feature\":"u8);
                    h.Raw(written[nameAt..nameEnd]);
                    h.Raw(",\"phi\":"u8);
                    h.Raw(written[phiAt..phiEnd]);
                    h.Raw(",\"value\":"u8);
                    if (valueAt < 0) h.Raw("null"u8);
                    else h.Raw(written[valueAt..valueEnd]);
                    h.Byte((byte)'}');
                }
            }
            if (explained) e.Raw("]}"u8);
            if (payload)
            {
                h.Raw("],\"id\":"u8);
                h.String(r.Id);
                h.Raw(",\"cell\":"u8);
                if (r.CellId is null) h.Raw("null"u8);
                else h.String(r.CellId);
                h.Raw(",\"kpis\":"u8);
                WriteTail(r, kpiCount);
            }

            int kpiEnd = _kpis.Length, explanationEnd = kpiEnd + e.Length, headEnd = explanationEnd + h.Length;
            var data = new byte[headEnd + _tail.Length];
            _kpis.Written.CopyTo(data);
            e.Written.CopyTo(data.AsSpan(kpiEnd));
            h.Written.CopyTo(data.AsSpan(explanationEnd));
            _tail.Written.CopyTo(data.AsSpan(headEnd));
            return new RecordBytes(r, data, kpiEnd, explanationEnd, headEnd, storable, explained, payload);
        }

        // The KPI object in enumeration order; returns false when a value is not finite (written as null).
        private bool WriteKpis(IReadOnlyDictionary<string, double> kpis, out int count)
        {
            var w = _kpis;
            w.Clear();
            w.Byte((byte)'{');
            bool finite = true;
            int i = 0;
            if (kpis is KpiView view)
            {
                var names = KpiView.Names;
                var values = view.Values;
                for (; i < values.Length; i++) finite &= Kpi(i, names[i], values[i]);
            }
            else if (kpis is Dictionary<string, double> d)
            {
                // The concrete enumerator avoids a boxed one per record.
                foreach (var (name, value) in d) finite &= Kpi(i++, name, value);
            }
            else
            {
                foreach (var (name, value) in kpis) finite &= Kpi(i++, name, value);
            }
            w.Byte((byte)'}');
            count = i;
            return finite;
        }

        private bool Kpi(int i, string name, double value)
        {
            var w = _kpis;
            if (i > 0) w.Byte((byte)',');
            w.Raw(_names.Property(i, name));
            if (i >= _valueAt.Length)
            {
                Array.Resize(ref _valueAt, _valueAt.Length * 2);
                Array.Resize(ref _valueLength, _valueLength.Length * 2);
            }
            if (!double.IsFinite(value))
            {
                w.Raw("null"u8);
                _valueLength[i] = 0;
                return false;
            }
            int at = w.Number(value);
            _valueAt[i] = at;
            _valueLength[i] = w.Length - at;
            return true;
        }

        // The payload up to "kpis": (the top features are written by the caller).
        private void WriteHead(ScoredRecord r)
        {
            var h = _head;
            h.Raw("{\"ue-id\":"u8);
            h.String(r.UeId);
            h.Raw(",\"du-id\":"u8);
            if (r.DuId is null) h.Raw("null"u8);
            else if (long.TryParse(r.DuId, NumberStyles.Integer, CultureInfo.InvariantCulture, out long du)) h.Integer(du);
            else h.String(r.DuId);
            h.Raw(",\"measTimeStampRf\":"u8);
            Span<byte> time = stackalloc byte[25];
            h.Raw(Time(r.Timestamp.UtcDateTime, time));
            h.Raw(",\"Degradation\":"u8);
            h.String(r.Degradation ?? "");
            h.Raw(",\"score\":"u8);
            h.NumberOrNull(r.Score);
            h.Raw(",\"threshold\":"u8);
            h.NumberOrNull(r.Threshold);
            h.Raw(",\"cs\":"u8);
            h.NumberOrNull(r.ConfidenceScore);
            h.Raw(",\"em\":"u8);
            h.NumberOrNull(r.ErrorMetric);
            h.Raw(",\"top_features\":["u8);
        }

        // The payload after the KPI object: the neighbour cells with their RF values, and the closing brace.
        private void WriteTail(ScoredRecord r, int kpiCount)
        {
            var t = _tail;
            t.Raw(",\"neighbours\":["u8);
            var cells = r.NeighbourCells;
            var view = r.Kpis as KpiView;
            var kpiText = _kpis.Written;
            for (int i = 0; i < cells.Count; i++)
            {
                if (i > 0) t.Byte((byte)',');
                t.Raw("{\"cell\":"u8);
                t.String(cells[i]);
                for (int k = 0; k < NeighbourKpis.Length; k++)
                {
                    if (view is not null && i < NeighbourSlots.Length)
                    {
                        // A KpiView's KPIs were written in slot order: copy the number text written there.
                        int slot = NeighbourSlots[i][k];
                        if (slot < 0 || slot >= kpiCount) continue;
                        t.Byte((byte)',');
                        t.Raw(NeighbourKpiNames[k]);
                        if (_valueLength[slot] == 0) t.Raw("null"u8);
                        else t.Raw(kpiText.Slice(_valueAt[slot], _valueLength[slot]));
                        continue;
                    }
                    var key = i < NeighbourKeys.Length ? NeighbourKeys[i][k] : NeighbourKpis[k] + "_nb" + i.ToString(CultureInfo.InvariantCulture);
                    if (!r.Kpis.TryGetValue(key, out double v)) continue;
                    t.Byte((byte)',');
                    t.Raw(NeighbourKpiNames[k]);
                    t.NumberOrNull(v);
                }
                t.Byte((byte)'}');
            }
            t.Raw("]}"u8);
        }

        // "yyyy-MM-ddTHH:mm:ss.fff" in quotes (AnomalyPayload.TimeFormat: UTC, milliseconds truncated, no offset).
        private static ReadOnlySpan<byte> Time(DateTime t, Span<byte> s)
        {
            s[0] = (byte)'"';
            Digits(s.Slice(1, 4), t.Year);
            s[5] = (byte)'-';
            Digits(s.Slice(6, 2), t.Month);
            s[8] = (byte)'-';
            Digits(s.Slice(9, 2), t.Day);
            s[11] = (byte)'T';
            Digits(s.Slice(12, 2), t.Hour);
            s[14] = (byte)':';
            Digits(s.Slice(15, 2), t.Minute);
            s[17] = (byte)':';
            Digits(s.Slice(18, 2), t.Second);
            s[20] = (byte)'.';
            Digits(s.Slice(21, 3), t.Millisecond);
            s[24] = (byte)'"';
            return s[..25];
        }

        private static void Digits(Span<byte> s, int value)
        {
            for (int i = s.Length - 1; i >= 0; i--)
            {
                s[i] = (byte)('0' + (value % 10));
                value /= 10;
            }
        }
    }
}
