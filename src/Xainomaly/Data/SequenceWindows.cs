using System.Globalization;

namespace Xainomaly.Data;

/// <summary>
/// Windows of consecutive records of one UE as flat rows, so that sequence models (LSTM-AE) plug into every
/// model-agnostic tool (explainers, attacks, metrics), which only see row-major float rows.
/// The window of record t is [x(t−w+1), …, x(t−1), x(t)]: the record and its w−1 predecessors of the same UE in
/// timestamp order, oldest first, width w·d. A record with fewer than w−1 predecessors repeats its UE's earliest
/// record in the missing places (the sequence is padded at its start), and records with equal timestamps keep
/// their input order.
/// </summary>
public static class SequenceWindows
{
    /// <summary>
    /// The record indices of every window, row-major n × <paramref name="windowLength"/>: entry [i, j] is the record
    /// at step j (0 = oldest, w−1 = record i itself) of record i's window.
    /// </summary>
    /// <param name="groupKeys">UE id of every record.</param>
    /// <param name="orderKeys">Timestamp of every record: numbers, ISO-8601 date-times, or else text compared ordinally.</param>
    /// <param name="windowLength">w ≥ 1.</param>
    public static int[] Indices(IReadOnlyList<string> groupKeys, IReadOnlyList<string> orderKeys, int windowLength)
    {
        ArgumentNullException.ThrowIfNull(groupKeys);
        ArgumentNullException.ThrowIfNull(orderKeys);
        if (windowLength < 1) throw new ArgumentOutOfRangeException(nameof(windowLength), windowLength, "The window length must be at least 1.");
        int n = groupKeys.Count;
        if (orderKeys.Count != n) throw new ArgumentException($"{orderKeys.Count} order keys for {n} group keys.", nameof(orderKeys));

        // Sorting all records once by (UE, time, input position) lays every UE's sequence out contiguously;
        // the input position as the last key makes equal timestamps keep their input order.
        var order = OrderComparer.Create(orderKeys);
        var sorted = new int[n];
        for (int i = 0; i < n; i++) sorted[i] = i;
        Array.Sort(sorted, (a, b) =>
        {
            int c = string.CompareOrdinal(groupKeys[a], groupKeys[b]);
            if (c != 0) return c;
            c = order.Compare(a, b);
            return c != 0 ? c : a.CompareTo(b);
        });

        var windows = new int[n * windowLength];
        int start = 0;
        for (int p = 0; p < n; p++)
        {
            int record = sorted[p];
            if (p > 0 && !string.Equals(groupKeys[sorted[p - 1]], groupKeys[record], StringComparison.Ordinal)) start = p;
            int baseIndex = record * windowLength;
            for (int j = 0; j < windowLength; j++)
            {
                int q = p - (windowLength - 1 - j);
                windows[baseIndex + j] = sorted[Math.Max(q, start)];
            }
        }
        return windows;
    }

    /// <summary>
    /// Gathers the windows of <paramref name="rows"/> (all records when null) from the per-record features
    /// <paramref name="x"/> (n × <paramref name="featureWidth"/>, row-major) into rows of width w·d.
    /// </summary>
    public static float[] Build(ReadOnlySpan<float> x, int featureWidth, int[] windowIndices, int windowLength, int[]? rows = null)
    {
        ArgumentNullException.ThrowIfNull(windowIndices);
        if (featureWidth < 1) throw new ArgumentOutOfRangeException(nameof(featureWidth), featureWidth, "The feature width must be positive.");
        int n = windowIndices.Length / windowLength;
        if (x.Length < (long)n * featureWidth) throw new ArgumentException($"x has {x.Length} values, {n} records of {featureWidth} features need {(long)n * featureWidth}.", nameof(x));
        int count = rows?.Length ?? n;
        int width = windowLength * featureWidth;
        var result = new float[(long)count * width];
        for (int i = 0; i < count; i++)
        {
            int record = rows is null ? i : rows[i];
            for (int j = 0; j < windowLength; j++)
            {
                int source = windowIndices[(record * windowLength) + j];
                x.Slice(source * featureWidth, featureWidth).CopyTo(result.AsSpan((i * width) + (j * featureWidth), featureWidth));
            }
        }
        return result;
    }

    /// <summary>
    /// The windows of a preprocessed table: <paramref name="x"/> holds the table's records (n × d), the UE id and
    /// timestamp come from the table's <c>ue-id</c> and <c>measTimeStampRf</c> columns. With <paramref name="rows"/>,
    /// only those records' windows are returned, their predecessors still taken from the whole table.
    /// Throws <see cref="DataFormatException"/> naming the table and the missing column.
    /// </summary>
    public static float[] Build(KpiTable table, ReadOnlySpan<float> x, int featureWidth, int windowLength, int[]? rows = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        var (groups, order) = Keys(table, windowLength);
        var indices = Indices(groups, order, windowLength);
        return Build(x, featureWidth, indices, windowLength, rows);
    }

    /// <summary>
    /// The UE ids and timestamps of <paramref name="table"/>; a <see cref="DataFormatException"/> naming the table and
    /// the column when either is missing (a model over windows of w records cannot score such a table).
    /// </summary>
    public static (string[] Groups, string[] Order) Keys(KpiTable table, int windowLength)
    {
        ArgumentNullException.ThrowIfNull(table);
        return (Column(table, UeSchema.UeId, windowLength), Column(table, UeSchema.Timestamp, windowLength));
    }

    /// <summary>
    /// Names of the window's features: step t−k of feature f is <c>f[t-k]</c>, the record itself <c>f[t]</c>
    /// (oldest step first, like the row).
    /// </summary>
    public static string[] FeatureNames(IReadOnlyList<string> featureNames, int windowLength)
    {
        ArgumentNullException.ThrowIfNull(featureNames);
        if (windowLength < 1) throw new ArgumentOutOfRangeException(nameof(windowLength), windowLength, "The window length must be at least 1.");
        int d = featureNames.Count;
        var names = new string[d * windowLength];
        for (int j = 0; j < windowLength; j++)
        {
            int lag = windowLength - 1 - j;
            string suffix = lag == 0 ? "[t]" : $"[t-{lag}]";
            for (int f = 0; f < d; f++) names[(j * d) + f] = featureNames[f] + suffix;
        }
        return names;
    }

    private static string[] Column(KpiTable table, string name, int windowLength)
    {
        if (!table.TryGetColumn(name, out var column)) throw Missing(table.Source ?? "the table", name, windowLength);
        if (column.Texts is { } texts) return texts;
        var values = new string[column.Length];
        for (int i = 0; i < values.Length; i++) values[i] = column.FormatValue(i);
        return values;
    }

    /// <summary>The error for a source without UE ids or timestamps, naming the source and the missing column.</summary>
    public static DataFormatException Missing(string source, string column, int windowLength) =>
        new(source, $"no '{column}' column: the detector scores windows of {windowLength} consecutive records per UE and needs each record's UE id ('{UeSchema.UeId}') and timestamp ('{UeSchema.Timestamp}')", column: column);

    // Timestamps compare as numbers when all parse as numbers, as instants when all parse as ISO-8601 date-times,
    // and ordinally otherwise: "9" < "10" and "2021-06-25T11:42:56.635" vs "...T11:42:56.6" must compare by value.
    private sealed class OrderComparer
    {
        private readonly double[]? _numbers;
        private readonly long[]? _ticks;
        private readonly IReadOnlyList<string> _texts;

        private OrderComparer(IReadOnlyList<string> texts, double[]? numbers, long[]? ticks)
        {
            _texts = texts;
            _numbers = numbers;
            _ticks = ticks;
        }

        public static OrderComparer Create(IReadOnlyList<string> keys)
        {
            int n = keys.Count;
            var numbers = new double[n];
            bool allNumbers = true;
            for (int i = 0; i < n && allNumbers; i++)
                allNumbers = double.TryParse(keys[i], NumberStyles.Float, CultureInfo.InvariantCulture, out numbers[i]) && !double.IsNaN(numbers[i]);
            if (allNumbers) return new OrderComparer(keys, numbers, null);
            var ticks = new long[n];
            for (int i = 0; i < n; i++)
            {
                if (!DateTimeOffset.TryParse(keys[i], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
                    return new OrderComparer(keys, null, null);
                ticks[i] = t.UtcTicks;
            }
            return new OrderComparer(keys, null, ticks);
        }

        public int Compare(int a, int b) =>
            _numbers is not null ? _numbers[a].CompareTo(_numbers[b])
            : _ticks is not null ? _ticks[a].CompareTo(_ticks[b])
            : string.CompareOrdinal(_texts[a], _texts[b]);
    }
}
