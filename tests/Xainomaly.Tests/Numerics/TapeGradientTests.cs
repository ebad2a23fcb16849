using Xainomaly.Numerics;

namespace Xainomaly.Tests.Numerics;

/// <summary>
/// Every tape op's gradient against central finite differences. The probe loss is Σ c ⊙ out with fixed
/// random c, accumulated in float64 on the finite-difference side so that float32 rounding of the sum does
/// not swamp the difference quotient; inputs are kept away from kinks (ReLU at 0, |·| at 0).
/// </summary>
public sealed class TapeGradientTests
{
    private const double Step = 1e-3;

    private static Tensor Param(int rows, int cols, long seed, double lo = -1, double hi = 1, double avoid = 0)
    {
        var rng = new Rng(seed);
        var t = new Tensor(rows, cols, requiresGrad: true);
        for (int i = 0; i < t.Length; i++)
        {
            double v;
            do v = rng.Uniform(lo, hi); while (Math.Abs(v) < avoid);
            t.Data[i] = (float)v;
        }
        return t;
    }

    private static Tensor Const(int rows, int cols, long seed, double lo = -1, double hi = 1)
    {
        var rng = new Rng(seed);
        var t = new Tensor(rows, cols);
        for (int i = 0; i < t.Length; i++) t.Data[i] = (float)rng.Uniform(lo, hi);
        return t;
    }

    private static void Check(Func<Tape, Tensor> build, params Tensor[] inputs)
    {
        var tape = new Tape();
        Tensor probe = build(tape);
        Tensor c = Const(probe.Rows, probe.Cols, 99, 0.5, 1.5);
        foreach (Tensor t in inputs) t.ZeroGrad();
        Tensor loss = tape.Sum(tape.Multiply(probe, c));
        tape.Backward(loss);
        var analytic = new float[inputs.Length][];
        for (int k = 0; k < inputs.Length; k++) analytic[k] = (float[])inputs[k].Grad!.Clone();

        double Eval()
        {
            var t2 = new Tape();
            Tensor o = build(t2);
            double s = 0;
            for (int i = 0; i < o.Length; i++) s += (double)o.Data[i] * c.Data[i];
            return s;
        }

        for (int k = 0; k < inputs.Length; k++)
        {
            Tensor x = inputs[k];
            for (int i = 0; i < x.Length; i++)
            {
                float keep = x.Data[i];
                x.Data[i] = (float)(keep + Step);
                double up = Eval();
                x.Data[i] = (float)(keep - Step);
                double down = Eval();
                x.Data[i] = keep;
                double fd = (up - down) / ((double)(float)(keep + Step) - (float)(keep - Step));
                double an = analytic[k][i];
                Assert.True(Math.Abs(fd - an) <= 2e-3 + (1e-2 * Math.Abs(fd)), $"input {k} element {i}: finite difference {fd}, tape {an}");
            }
        }
    }

    [Fact] public void MatMul() { var a = Param(3, 5, 1); var b = Param(5, 4, 2); Check(t => t.MatMul(a, b), a, b); }

    [Fact] public void MatMulOddShapes() { var a = Param(7, 9, 1); var b = Param(9, 19, 2); Check(t => t.MatMul(a, b), a, b); }

    [Fact] public void AddBias() { var a = Param(4, 3, 3); var b = Param(1, 3, 4); Check(t => t.AddBias(a, b), a, b); }

    [Fact] public void Relu() { var a = Param(4, 5, 5, avoid: 0.05); Check(t => t.Relu(a), a); }

    [Fact] public void Sigmoid() { var a = Param(3, 4, 6, -3, 3); Check(t => t.Sigmoid(a), a); }

    [Fact] public void Tanh() { var a = Param(3, 4, 7, -2, 2); Check(t => t.Tanh(a), a); }

    [Fact] public void Exp() { var a = Param(3, 4, 8); Check(t => t.Exp(a), a); }

    [Fact] public void Log() { var a = Param(3, 4, 9, 0.5, 2); Check(t => t.Log(a), a); }

    [Fact] public void Softplus() { var a = Param(3, 4, 10, -4, 4); Check(t => t.Softplus(a), a); }

    [Fact] public void Square() { var a = Param(3, 4, 11); Check(t => t.Square(a), a); }

    [Fact]
    public void AddSubtractMultiply()
    {
        var a = Param(3, 4, 12);
        var b = Param(3, 4, 13);
        Check(t => t.Add(a, b), a, b);
        Check(t => t.Subtract(a, b), a, b);
        Check(t => t.Multiply(a, b), a, b);
    }

    [Fact] public void ScaleAndAddScalar() { var a = Param(2, 5, 14); Check(t => t.AddScalar(t.Scale(a, -2.5f), 0.75f), a); }

    [Fact] public void SumAndMean() { var a = Param(3, 4, 15); Check(t => t.Sum(a), a); Check(t => t.Mean(a), a); }

    [Fact] public void SumRowsAndColumns() { var a = Param(3, 4, 16); Check(t => t.SumRows(a), a); Check(t => t.SumColumns(a), a); }

    [Fact]
    public void SliceAndConcat()
    {
        var a = Param(3, 5, 17);
        var b = Param(3, 2, 18);
        Check(t => t.SliceColumns(a, 1, 3), a);
        Check(t => t.ConcatColumns(a, b), a, b);
    }

    [Fact]
    public void Dropout()
    {
        var a = Param(4, 6, 19);
        Check(t => t.Dropout(a, 0.4f, new Rng(5)), a);
        var tape = new Tape();
        Tensor o = tape.Dropout(a, 0.5f, new Rng(5));
        int zeros = 0;
        for (int i = 0; i < o.Length; i++)
        {
            if (o.Data[i] == 0f) zeros++;
            else Assert.Equal(2f * a.Data[i], o.Data[i], 1e-6f);
        }
        Assert.InRange(zeros, 3, 21);
    }

    [Fact]
    public void MseMaeSmape()
    {
        var p = Param(3, 4, 20, 0.2, 2);
        var y = Param(3, 4, 21, -2, -0.2); // far from p: no |·| kink inside the step
        Check(t => t.MseLoss(p, y), p, y);
        Check(t => t.MaeLoss(p, y), p, y);
        Check(t => t.SmapeLoss(p, y), p, y);
    }

    [Fact]
    public void BceWithLogitsWeighted()
    {
        var l = Param(6, 1, 22, -3, 3);
        var y = new Tensor([1, 0, 1, 1, 0, 0], 6, 1);
        var w = new Tensor([1, 2, 0, 0.5f, 1, 3], 6, 1);
        Check(t => t.BceWithLogits(l, y, w), l);
        var tape = new Tape();
        double expected = 0;
        for (int i = 0; i < 6; i++)
        {
            double z = l.Data[i];
            expected += w.Data[i] * (Math.Log(1 + Math.Exp(z)) - (y.Data[i] * z));
        }
        Assert.Equal(expected / 6, tape.BceWithLogits(l, y, w).Data[0], 1e-5);
    }

    [Fact]
    public void MlpWithDropout()
    {
        var rng = new Rng(4);
        var l1 = new Dense(5, 8, rng);
        var l2 = new Dense(8, 2, rng, WeightInit.GlorotUniform);
        var x = Const(6, 5, 23);
        Check(t => l2.Forward(t, t.Dropout(t.Tanh(l1.Forward(t, x)), 0.3f, new Rng(9))), l1.Weight, l1.Bias, l2.Weight, l2.Bias);
    }

    [Fact]
    public void VaeReparameterisationAndKl()
    {
        var mu = Param(4, 3, 24);
        var logVar = Param(4, 3, 25);
        var eps = Const(4, 3, 26);
        // z = μ + exp(½ logσ²) ⊙ ε ; KL = −½ Σ (1 + logσ² − μ² − exp(logσ²))
        Check(t => t.Add(mu, t.Multiply(t.Exp(t.Scale(logVar, 0.5f)), eps)), mu, logVar);
        Check(t => t.Scale(t.Sum(t.Subtract(t.Subtract(t.AddScalar(logVar, 1f), t.Square(mu)), t.Exp(logVar))), -0.5f), mu, logVar);
    }

    [Fact]
    public void LstmCellStep()
    {
        const int batch = 3, inputs = 4, hidden = 5;
        var w = Param(inputs + hidden, 4 * hidden, 27, -0.5, 0.5);
        var b = Param(1, 4 * hidden, 28);
        var x = Const(batch, inputs, 29);
        var h0 = Param(batch, hidden, 30);
        var c0 = Param(batch, hidden, 31);
        Tensor Cell(Tape t)
        {
            Tensor gates = t.AddBias(t.MatMul(t.ConcatColumns(x, h0), w), b);
            Tensor i = t.Sigmoid(t.SliceColumns(gates, 0, hidden));
            Tensor f = t.Sigmoid(t.SliceColumns(gates, hidden, hidden));
            Tensor g = t.Tanh(t.SliceColumns(gates, 2 * hidden, hidden));
            Tensor o = t.Sigmoid(t.SliceColumns(gates, 3 * hidden, hidden));
            Tensor c = t.Add(t.Multiply(f, c0), t.Multiply(i, g));
            return t.Multiply(o, t.Tanh(c));
        }
        Check(Cell, w, b, h0, c0);
    }

    [Fact]
    public void TrainingLoopReusesBuffersAndDoesNotAllocate()
    {
        var rng = new Rng(1);
        var l1 = new Dense(6, 16, rng);
        var l2 = new Dense(16, 6, rng, WeightInit.GlorotUniform);
        var ps = new ParameterCollection();
        l1.AddTo(ps);
        l2.AddTo(ps);
        var adam = new Adam(ps);
        var tape = new Tape();
        var x = Const(32, 6, 2, 0, 1);
        var dropRng = new Rng(3);
        double first = 0, last = 0;
        void StepOnce(int s)
        {
            tape.Reset();
            Tensor y = l2.Forward(tape, tape.Dropout(tape.Relu(l1.Forward(tape, x)), 0.1f, dropRng));
            Tensor loss = tape.MseLoss(y, x);
            tape.Backward(loss);
            adam.Step();
            if (s == 0) first = loss.Data[0];
            last = loss.Data[0];
        }
        for (int s = 0; s < 5; s++) StepOnce(s);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int s = 5; s < 300; s++) StepOnce(s);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.True(last < first * 0.5, $"loss {first} → {last}");
    }

    [Fact]
    public void BackwardNeedsScalarLoss()
    {
        var tape = new Tape();
        var a = Param(2, 2, 1);
        Assert.Throws<ArgumentException>(() => tape.Backward(tape.Relu(a)));
        Assert.Throws<ArgumentException>(() => tape.MatMul(a, Param(3, 2, 2)));
    }
}
