using Xainomaly.Detection;
using Xainomaly.Numerics;

namespace Xainomaly.Tests.Detection;

/// <summary>
/// A float64, loop-by-loop restatement of the LSTM-AE (standard LSTM equations, gates [i, f, g, o]), built from a
/// network's weights: the ground truth the hand-written float32 forward and backward are checked against.
/// </summary>
internal sealed class LstmAutoencoderReference
{
    public LstmAutoencoderReference(LstmAutoencoder net)
    {
        D = net.FeatureWidth;
        Window = net.WindowLength;
        E = net.EncoderUnits;
        U = net.DecoderUnits;
        Dropout = net.Options.Dropout;
        P = new double[net.Parameters.Count][];
        for (int i = 0; i < P.Length; i++) P[i] = Array.ConvertAll(net.Parameters[i].Data, v => (double)v);
    }

    public int D { get; }

    public int Window { get; }

    public int E { get; }

    public int U { get; }

    public float Dropout { get; }

    /// <summary>Parameters in the network's order: Wxe, Whe, be, Wzd, Whd, bd, Wo, bo, wh, bh.</summary>
    public double[][] P { get; }

    /// <summary>RE, ‖z‖, head probability of one flat window; masks (z: E values, then decoder step s: U values) optional.</summary>
    public (double Re, double ZNorm, double Prob, double Logit) Row(ReadOnlySpan<double> x, float[]? maskZ = null, float[][]? maskDec = null)
    {
        double[] h = new double[E], c = new double[E];
        for (int s = 0; s < Window; s++)
        {
            var xs = x.Slice(s * D, D).ToArray();
            (h, c) = Cell(xs, h, c, P[0], P[1], P[2], E, first: s == 0);
        }
        double zn = Math.Sqrt(h.Sum(v => v * v));
        var zIn = (double[])h.Clone();
        if (maskZ is not null) for (int k = 0; k < E; k++) zIn[k] *= maskZ[k];
        double logit = P[9][0];
        for (int k = 0; k < E; k++) logit += zIn[k] * P[8][k];
        double[] hd = new double[U], cd = new double[U];
        double re = 0;
        for (int s = 0; s < Window; s++)
        {
            (hd, cd) = Cell(zIn, hd, cd, P[3], P[4], P[5], U, first: s == 0);
            for (int f = 0; f < D; f++)
            {
                double y = P[7][f];
                for (int k = 0; k < U; k++) y += hd[k] * (maskDec is null ? 1.0 : maskDec[s][k]) * P[6][(k * D) + f];
                double diff = x[(s * D) + f] - y;
                re += diff * diff;
            }
        }
        return (re, zn, 1 / (1 + Math.Exp(-logit)), logit);
    }

    /// <summary>The mini-batch loss 1/N Σ [RE + α·BCE]; masks drawn from <paramref name="dropout"/> in the network's order.</summary>
    public double Loss(double[] x, int n, float[] labels, float[] weights, Rng? dropout = null)
    {
        float[][]? mz = null;
        float[][][]? md = null;
        if (dropout is not null)
        {
            mz = new float[n][];
            md = new float[n][][];
            for (int i = 0; i < n; i++) { mz[i] = new float[E]; md[i] = new float[Window][]; for (int s = 0; s < Window; s++) md[i][s] = new float[U]; }
            for (int i = 0; i < n; i++) for (int k = 0; k < E; k++) mz[i][k] = Draw(dropout);
            for (int s = 0; s < Window; s++) for (int i = 0; i < n; i++) for (int k = 0; k < U; k++) md[i][s][k] = Draw(dropout);
        }
        int width = Window * D;
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            var r = Row(x.AsSpan(i * width, width), mz?[i], md?[i]);
            double l = r.Logit;
            double softplus = Math.Max(l, 0) + Math.Log(1 + Math.Exp(-Math.Abs(l)));
            total += r.Re + (weights[i] * (softplus - (labels[i] * l)));
        }
        return total / n;
    }

    private float Draw(Rng rng)
    {
        float keep = 1f / (1f - Dropout);
        return rng.NextSingle() >= Dropout ? keep : 0f;
    }

    private static (double[] H, double[] C) Cell(double[] x, double[] h, double[] c, double[] wx, double[] wh, double[] b, int k, bool first)
    {
        int inputs = x.Length;
        var gates = new double[4 * k];
        for (int j = 0; j < 4 * k; j++)
        {
            double a = b[j];
            for (int q = 0; q < inputs; q++) a += x[q] * wx[(q * 4 * k) + j];
            if (!first) for (int q = 0; q < k; q++) a += h[q] * wh[(q * 4 * k) + j];
            gates[j] = a;
        }
        var hn = new double[k];
        var cn = new double[k];
        for (int j = 0; j < k; j++)
        {
            double i = Sig(gates[j]), f = Sig(gates[k + j]), g = Math.Tanh(gates[(2 * k) + j]), o = Sig(gates[(3 * k) + j]);
            cn[j] = (f * (first ? 0 : c[j])) + (i * g);
            hn[j] = o * Math.Tanh(cn[j]);
        }
        return (hn, cn);
    }

    private static double Sig(double v) => 1 / (1 + Math.Exp(-v));
}
