using Xainomaly.Explanation;
using Xainomaly.Numerics;

namespace Xainomaly.Tests.Explanation;

/// <summary>Model functions and inputs shared by the FastSHAP tests.</summary>
internal static class ShapTestModels
{
    /// <summary>A smooth nonlinear model with interactions: f(x) = x0·x1 + 2·x2² − x3 + sin(3·x0)·x4 (d ≥ 5), in double precision (the value function's double path).</summary>
    public static IModelFunction Interacting(int d) =>
        ModelFunction.FromDoubleFunc(d, (rows, n) =>
        {
            var o = new double[n];
            for (int r = 0; r < n; r++)
            {
                var x = rows.AsSpan(r * d, d);
                o[r] = x[0] * x[1] + 2 * x[2] * x[2] - x[3] + Math.Sin(3 * x[0]) * x[4];
            }
            return o;
        }, "interacting");

    /// <summary>The same function over float rows (the value function's float path).</summary>
    public static IModelFunction InteractingFloat(int d) =>
        ModelFunction.FromFunc(d, (rows, n) =>
        {
            var o = new float[n];
            for (int r = 0; r < n; r++)
            {
                var x = rows.AsSpan(r * d, d);
                o[r] = x[0] * x[1] + 2 * x[2] * x[2] - x[3] + MathF.Sin(3 * x[0]) * x[4];
            }
            return o;
        }, "interacting (float)");

    /// <summary>Rows uniform in [0, 1) from a seeded generator.</summary>
    public static float[] Uniform(int rows, int d, long seed)
    {
        var rng = new Rng(seed);
        var x = new float[rows * d];
        for (int i = 0; i < x.Length; i++) x[i] = rng.NextSingle();
        return x;
    }
}
