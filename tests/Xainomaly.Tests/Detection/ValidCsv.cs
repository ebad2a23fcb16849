using System.Globalization;

namespace Xainomaly.Tests.Detection;

/// <summary>
/// Minimal reader of ../shared/data/valid.csv for detector tests (the product's reader lives in Data/): picks named
/// numeric columns and the <c>Anomaly</c> label, splits stratified 80/20 and min–max scales on the training part.
/// </summary>
internal sealed class ValidCsv
{
    /// <summary>The radio KPIs: PRB usage, throughput and RSRP/RSRQ/RS-SINR of the serving and five neighbour cells (20 features).</summary>
    public static readonly string[] RadioFeatures =
    [
        "prb_usage", "throughput", "rsrp", "rsrq", "rssinr",
        "rsrp_nb0", "rsrq_nb0", "rssinr_nb0", "rsrp_nb1", "rsrq_nb1", "rssinr_nb1",
        "rsrp_nb2", "rsrq_nb2", "rssinr_nb2", "rsrp_nb3", "rsrq_nb3", "rssinr_nb3",
        "rsrp_nb4", "rsrq_nb4", "rssinr_nb4",
    ];

    private ValidCsv(float[] x, int[] y, int width)
    {
        X = x;
        Y = y;
        Width = width;
    }

    public float[] X { get; }

    public int[] Y { get; }

    public int Width { get; }

    public int Rows => Y.Length;

    public static ValidCsv Load(string[] features)
    {
        string[] lines = File.ReadAllLines(TestPaths.Data("valid.csv"));
        string[] header = lines[0].Split(',');
        var cols = new int[features.Length];
        for (int j = 0; j < features.Length; j++)
        {
            cols[j] = Array.IndexOf(header, features[j]);
            if (cols[j] < 0) throw new InvalidDataException($"valid.csv: column '{features[j]}' not found");
        }
        int label = Array.IndexOf(header, "Anomaly");
        int n = lines.Length - 1;
        var x = new float[n * features.Length];
        var y = new int[n];
        for (int i = 0; i < n; i++)
        {
            string[] f = lines[i + 1].Split(',');
            for (int j = 0; j < cols.Length; j++) x[(i * cols.Length) + j] = float.Parse(f[cols[j]], CultureInfo.InvariantCulture);
            y[i] = int.Parse(f[label], CultureInfo.InvariantCulture);
        }
        return new ValidCsv(x, y, features.Length);
    }

    /// <summary>Stratified split: a seeded shuffle of each class, the first <paramref name="trainShare"/> of each to training.</summary>
    public (ValidCsv Train, ValidCsv Test) Split(double trainShare, long seed)
    {
        var rng = new Xainomaly.Numerics.Rng(seed);
        var train = new List<int>();
        var test = new List<int>();
        for (int cls = 0; cls <= 1; cls++)
        {
            var idx = new List<int>();
            for (int i = 0; i < Rows; i++)
            {
                if (Y[i] == cls) idx.Add(i);
            }
            int[] a = [.. idx];
            rng.Shuffle<int>(a);
            int cut = (int)Math.Round(a.Length * trainShare);
            train.AddRange(a[..cut]);
            test.AddRange(a[cut..]);
        }
        return (Take(train), Take(test));
    }

    /// <summary>Min–max scales both parts to the training part's per-column range (constant columns become 0).</summary>
    public static void MinMaxScale(ValidCsv train, ValidCsv test)
    {
        int w = train.Width;
        var min = new float[w];
        var max = new float[w];
        Array.Fill(min, float.PositiveInfinity);
        Array.Fill(max, float.NegativeInfinity);
        for (int i = 0; i < train.X.Length; i++)
        {
            int j = i % w;
            min[j] = Math.Min(min[j], train.X[i]);
            max[j] = Math.Max(max[j], train.X[i]);
        }
        foreach (var part in new[] { train, test })
        {
            for (int i = 0; i < part.X.Length; i++)
            {
                int j = i % w;
                float range = max[j] - min[j];
                part.X[i] = range > 0 ? (part.X[i] - min[j]) / range : 0f;
            }
        }
    }

    private ValidCsv Take(List<int> rows)
    {
        var x = new float[rows.Count * Width];
        var y = new int[rows.Count];
        for (int k = 0; k < rows.Count; k++)
        {
            Array.Copy(X, rows[k] * Width, x, k * Width, Width);
            y[k] = Y[rows[k]];
        }
        return new ValidCsv(x, y, Width);
    }
}
