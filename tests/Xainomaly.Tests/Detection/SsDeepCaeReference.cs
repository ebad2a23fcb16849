using Xainomaly.Detection;

namespace Xainomaly.Tests.Detection;

/// <summary>
/// A float64, loop-by-loop restatement of SPEC §2's SS-DeepCAE, built from a network's weights: the ground
/// truth the fused float32 implementation is checked against.
/// </summary>
internal sealed class SsDeepCaeReference
{
    private static readonly bool[] Relu = [true, true, false, true, true, true, false];

    public SsDeepCaeReference(SsDeepCaeNetwork net)
    {
        D = net.InputWidth;
        W = new double[8][];
        B = new double[8][];
        Dims = [D, 64, 32, 16, 16, 32, 64, D];
        for (int p = 0; p < 8; p++)
        {
            W[p] = Array.ConvertAll(net.Parameters[2 * p].Data, v => (double)v);
            B[p] = Array.ConvertAll(net.Parameters[(2 * p) + 1].Data, v => (double)v);
        }
    }

    public int D { get; }

    public int[] Dims { get; }

    /// <summary>W[0..6] layers (in×out), W[7] the head (16×1).</summary>
    public double[][] W { get; }

    public double[][] B { get; }

    public double[][] Activations(ReadOnlySpan<double> x)
    {
        var acts = new double[8][];
        acts[0] = x.ToArray();
        for (int l = 0; l < 7; l++)
        {
            int fin = Dims[l], fout = Dims[l + 1];
            var y = new double[fout];
            for (int o = 0; o < fout; o++)
            {
                double s = B[l][o];
                for (int i = 0; i < fin; i++) s += acts[l][i] * W[l][(i * fout) + o];
                y[o] = Relu[l] ? Math.Max(0, s) : s;
            }
            acts[l + 1] = y;
        }
        return acts;
    }

    public double Logit(double[] z)
    {
        double s = B[7][0];
        for (int k = 0; k < 16; k++) s += z[k] * W[7][k];
        return s;
    }

    public (double Re, double LatentNorm, double Probability) Outputs(ReadOnlySpan<double> x)
    {
        double[][] a = Activations(x);
        double re = 0, zz = 0;
        for (int j = 0; j < D; j++) re += (x[j] - a[7][j]) * (x[j] - a[7][j]);
        for (int k = 0; k < 16; k++) zz += a[3][k] * a[3][k];
        return (re, Math.Sqrt(zz), 1 / (1 + Math.Exp(-Logit(a[3]))));
    }

    /// <summary>‖∂z/∂x‖²_F from the explicit product J = W₃ᵀ D₂ W₂ᵀ D₁ W₁ᵀ (masks at x).</summary>
    public double JacobianNormSquared(ReadOnlySpan<double> x)
    {
        double[][] a = Activations(x);
        double s = 0;
        for (int j = 0; j < D; j++)
        {
            // forward-mode tangent along input j
            var t1 = new double[64];
            for (int h = 0; h < 64; h++) t1[h] = a[1][h] > 0 ? W[0][(j * 64) + h] : 0;
            var t2 = new double[32];
            for (int o = 0; o < 32; o++)
            {
                if (a[2][o] <= 0) continue;
                double v = 0;
                for (int h = 0; h < 64; h++) v += t1[h] * W[1][(h * 32) + o];
                t2[o] = v;
            }
            for (int k = 0; k < 16; k++)
            {
                double v = 0;
                for (int o = 0; o < 32; o++) v += t2[o] * W[2][(o * 16) + k];
                s += v * v;
            }
        }
        return s;
    }

    /// <summary>‖∂z/∂x‖²_F by central finite differences of the encoder in float64.</summary>
    public double JacobianNormSquaredByDifferences(double[] x, double h = 1e-6)
    {
        double s = 0;
        for (int j = 0; j < D; j++)
        {
            double keep = x[j];
            x[j] = keep + h;
            double[] up = Activations(x)[3];
            x[j] = keep - h;
            double[] down = Activations(x)[3];
            x[j] = keep;
            for (int k = 0; k < 16; k++)
            {
                double d = (up[k] - down[k]) / (2 * h);
                s += d * d;
            }
        }
        return s;
    }

    public (double Rec, double Contractive, double Bce, double Total) Loss(float[] x, int n, float[] labels, float[] weights, double lambdaC)
    {
        double rec = 0, con = 0, bce = 0;
        for (int i = 0; i < n; i++)
        {
            double[] xi = new double[D];
            for (int j = 0; j < D; j++) xi[j] = x[(i * D) + j];
            double[][] a = Activations(xi);
            for (int j = 0; j < D; j++) rec += (xi[j] - a[7][j]) * (xi[j] - a[7][j]);
            con += JacobianNormSquared(xi);
            double l = Logit(a[3]);
            double softplus = Math.Max(l, 0) + Math.Log(1 + Math.Exp(-Math.Abs(l)));
            bce += weights[i] * (softplus - (labels[i] * l));
        }
        rec /= n;
        con /= n;
        bce /= n;
        return (rec, con, bce, rec + (lambdaC * con) + bce);
    }
}
