using System.Globalization;
using System.Text;

using Xainomaly.Data;
using Xainomaly.Numerics;

namespace Xainomaly.Tests.Tuning;

/// <summary>Small labelled KPI tables made in code: four features, anomalies shifted in two of them.</summary>
internal static class TuningFixture
{
    public static string Csv(int rows, long seed, Func<int, int, int>? relabel = null)
    {
        var rng = new Rng(seed);
        var sb = new StringBuilder("f1,f2,f3,f4,label\n");
        for (int i = 0; i < rows; i++)
        {
            int y = i % 7 == 0 ? 1 : 0;
            double shift = y == 1 ? 0.8 : 0;
            double a = rng.NextGaussian(shift, 0.3), b = rng.NextGaussian(0, 0.3), c = rng.NextGaussian(shift, 0.3), d = rng.NextGaussian(0, 0.3);
            int label = relabel is null ? y : relabel(i, y);
            sb.Append(CultureInfo.InvariantCulture, $"{a:R},{b:R},{c:R},{d:R},{label}\n");
        }
        return sb.ToString();
    }

    public static KpiTable Table(string csv, string name = "fixture.csv") =>
        KpiTableReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(csv)), name, KpiReadOptions.Default with { RequireLabel = true });
}
