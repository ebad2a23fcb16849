using Xainomaly.Numerics;

namespace Xainomaly.Simulation;

/// <summary>
/// Sites on a hexagonal grid, one cell per (site, band), with each cell's background load cycle.
/// Cell index = site × bands + band.
/// </summary>
internal sealed class RadioLayout
{
    /// <summary>Frequency (GHz), EIRP per resource element (dBm: RS EPRE + antenna or beamforming gain) and PRB count per band.</summary>
    private static readonly Dictionary<string, (double FreqGhz, double EirpPerReDbm, int MaxPrb)> BandTable = new(StringComparer.Ordinal)
    {
        // EIRPs are chosen so that, after the frequency term of the path loss, N77 is about 2 dB above B13 and B2
        // about 6 dB below it at the same spot, as the co-sited carriers are in valid.csv.
        ["B2"] = (1.96, 29.6, 106),
        ["B13"] = (0.751, 27.2, 106),
        ["N77"] = (3.7, 43.0, 273),
    };

    public RadioLayout(UeTrafficOptions options, Rng rng)
    {
        Sites = options.Sites;
        Bands = options.Bands.Count;
        BandNames = [.. options.Bands];
        int cells = Sites * Bands;
        SiteX = new double[Sites];
        SiteY = new double[Sites];
        CellNames = new string[cells];
        DuIds = new string[Sites];
        BandOffsetDb = new double[Bands];
        MaxPrb = new int[Bands];
        BackgroundMean = new double[cells];
        BackgroundPhase = new double[cells];
        for (int b = 0; b < Bands; b++)
        {
            var (f, eirp, prb) = BandTable[BandNames[b]];
            BandOffsetDb[b] = eirp - (20 * Math.Log10(f));
            MaxPrb[b] = prb;
        }

        // Hex grid filled row by row: rows are ISD·√3/2 apart and every other row is shifted by ISD/2.
        double isd = options.InterSiteDistance;
        int perRow = Math.Max(1, (int)Math.Ceiling(Math.Sqrt(Sites * 1.5)));
        for (int s = 0; s < Sites; s++)
        {
            int r = s / perRow, c = s % perRow;
            SiteX[s] = (c * isd) + ((r % 2) * isd / 2);
            SiteY[s] = -r * isd * Math.Sqrt(3) / 2;
        }
        // Centre the layout where valid.csv's UEs are (x ≈ −1,622…2,366 m, y ≈ −1,365…762 m).
        double minX = double.MaxValue, maxX = double.MinValue, minY = double.MaxValue, maxY = double.MinValue;
        for (int s = 0; s < Sites; s++)
        {
            minX = Math.Min(minX, SiteX[s]); maxX = Math.Max(maxX, SiteX[s]);
            minY = Math.Min(minY, SiteY[s]); maxY = Math.Max(maxY, SiteY[s]);
        }
        double dx = 370 - ((minX + maxX) / 2), dy = -300 - ((minY + maxY) / 2);
        for (int s = 0; s < Sites; s++)
        {
            SiteX[s] = Math.Round(SiteX[s] + dx, 1);
            SiteY[s] = Math.Round(SiteY[s] + dy, 1);
            DuIds[s] = (1001 + s).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        double margin = 0.3 * isd;
        AreaMinX = minX + dx - margin;
        AreaMaxX = maxX + dx + margin;
        AreaMinY = minY + dy - margin;
        AreaMaxY = maxY + dy + margin;

        for (int s = 0; s < Sites; s++)
        {
            for (int b = 0; b < Bands; b++)
            {
                int cell = (s * Bands) + b;
                CellNames[cell] = $"c{s + 1}/{BandNames[b]}";
                BackgroundMean[cell] = rng.Uniform(0.15, 0.6);
                BackgroundPhase[cell] = rng.Uniform(0, 2 * Math.PI);
            }
        }
    }

    /// <summary>Amplitude of the background load's slow cycle (share of the PRBs).</summary>
    public const double BackgroundAmplitude = 0.1;

    /// <summary>Period of the background load's cycle in seconds.</summary>
    public const double BackgroundPeriodSeconds = 900;

    public int Sites { get; }
    public int Bands { get; }
    public int Cells => Sites * Bands;
    public string[] BandNames { get; }
    public double[] SiteX { get; }
    public double[] SiteY { get; }
    public string[] CellNames { get; }
    public string[] DuIds { get; }
    public double[] BandOffsetDb { get; }
    public int[] MaxPrb { get; }
    public double[] BackgroundMean { get; }
    public double[] BackgroundPhase { get; }
    public double AreaMinX { get; }
    public double AreaMaxX { get; }
    public double AreaMinY { get; }
    public double AreaMaxY { get; }

    /// <summary>Background utilisation of <paramref name="cell"/> at time <paramref name="t"/> seconds, in [0.05, 0.9].</summary>
    public double Background(int cell, double t) =>
        Math.Clamp(BackgroundMean[cell] + (BackgroundAmplitude * Math.Sin((2 * Math.PI * t / BackgroundPeriodSeconds) + BackgroundPhase[cell])), 0.05, 0.9);

    /// <summary>
    /// 3GPP TR 38.901 UMa NLOS-like path loss without the frequency term (added per band):
    /// 13.54 + 39.08·log10(d3D), base station 25 m, UE 1.5 m, d3D ≥ 10 m.
    /// </summary>
    public static double PathLossDb(double dx, double dy)
    {
        const double dh = 25 - 1.5;
        double d = Math.Sqrt((dx * dx) + (dy * dy) + (dh * dh));
        return 13.54 + (39.08 * Math.Log10(Math.Max(d, 10)));
    }
}
