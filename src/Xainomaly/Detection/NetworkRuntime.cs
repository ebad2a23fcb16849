using Xainomaly.Numerics;

namespace Xainomaly.Detection;

/// <summary>
/// Plumbing shared by the tape-trained networks (autoencoder baselines, SLA-VAE, MLP): the training loop with
/// progress, loss curves and cancellation, block-wise (and for large batches parallel) scoring, and weight-file
/// framing.
/// </summary>
internal static class NetworkRuntime
{
    /// <summary>Steps between two points of the loss curve.</summary>
    public const int HistoryInterval = 100;

    /// <summary>Rows per scoring block.</summary>
    public const int BlockRows = 4096;

    /// <summary>
    /// Runs <paramref name="steps"/> calls of <paramref name="step"/> (which returns the batch loss), reporting progress
    /// about every 1 % and appending a curve point (mean batch loss of the interval, plus validation figures when
    /// <paramref name="validate"/> is given) every <see cref="HistoryInterval"/> steps and at the end.
    /// </summary>
    public static void Run(int steps, TrainingContext context, Func<double> step, Func<(double Loss, double Accuracy)>? validate)
    {
        int progressEvery = Math.Max(1, steps / 100);
        double sum = 0;
        int count = 0;
        for (int s = 1; s <= steps; s++)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            double loss = step();
            sum += loss;
            count++;
            if (s % HistoryInterval == 0 || s == steps)
            {
                (double Loss, double Accuracy)? v = validate?.Invoke();
                context.History.Add(new TrainingProgress(s, steps, sum / count, v?.Loss, v?.Accuracy));
                sum = 0;
                count = 0;
            }
            if (s % progressEvery == 0 || s == steps) context.Progress?.Report(new TrainingProgress(s, steps, loss));
        }
    }

    /// <summary>
    /// Calls <paramref name="block"/>(start, rows) for consecutive blocks of at most <see cref="BlockRows"/> rows;
    /// in parallel only when there is more than one block and more than one worker is allowed.
    /// </summary>
    public static void ForBlocks(int count, int maxDegreeOfParallelism, Action<int, int> block)
    {
        int blocks = (count + BlockRows - 1) / BlockRows;
        if (blocks <= 1 || maxDegreeOfParallelism <= 1)
        {
            for (int b = 0; b < blocks; b++) block(b * BlockRows, Math.Min(BlockRows, count - (b * BlockRows)));
            return;
        }
        Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism },
            b => block(b * BlockRows, Math.Min(BlockRows, count - (b * BlockRows))));
    }

    /// <summary>Checks a batch's input and output spans (an empty output span means "skip").</summary>
    public static void CheckBatch(int width, ReadOnlySpan<float> rows, int count, ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> c)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "The row count must be non-negative.");
        if (rows.Length < (long)count * width)
            throw new ArgumentException($"rows has {rows.Length} values; {count} rows of {width} features need {(long)count * width}.", nameof(rows));
        if ((!a.IsEmpty && a.Length < count) || (!b.IsEmpty && b.Length < count) || (!c.IsEmpty && c.Length < count))
            throw new ArgumentException($"Every output span needs at least {count} values (or none, to skip it).");
    }

    /// <summary>Draws the rows of <paramref name="rows"/> from <paramref name="data"/> into one row-major array.</summary>
    public static (float[] X, float[] Y) Gather(TrainingData data, int[] rows)
    {
        int d = data.Width;
        var x = new float[rows.Length * d];
        var y = new float[rows.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            data.X.AsSpan(rows[i] * d, d).CopyTo(x.AsSpan(i * d, d));
            y[i] = data.Labels[rows[i]];
        }
        return (x, y);
    }

    /// <summary>Mean binary cross-entropy of probabilities (clamped away from 0 and 1) and the accuracy at p &gt; 0.5.</summary>
    public static (double Bce, double Accuracy) BceAndAccuracy(ReadOnlySpan<float> p, ReadOnlySpan<float> y)
    {
        if (p.Length == 0) return (double.NaN, double.NaN);
        double bce = 0;
        int right = 0;
        for (int i = 0; i < p.Length; i++)
        {
            double q = Math.Clamp(p[i], 1e-7, 1 - 1e-7);
            bce -= y[i] > 0.5f ? Math.Log(q) : Math.Log(1 - q);
            if ((p[i] > 0.5f) == (y[i] > 0.5f)) right++;
        }
        return (bce / p.Length, (double)right / p.Length);
    }

    /// <summary>Writes a weight block's header.</summary>
    public static void WriteHeader(BinaryWriter writer, int magic, int version, int inputWidth)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(magic);
        writer.Write(version);
        writer.Write(inputWidth);
    }

    /// <summary>Reads and checks a weight block's header; returns the input width.</summary>
    public static int ReadHeader(BinaryReader reader, int magic, int version, string name)
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (reader.ReadInt32() != magic) throw new InvalidDataException($"{name} weights: bad magic number, not a {name} weight block.");
        int v = reader.ReadInt32();
        if (v != version) throw new InvalidDataException($"{name} weights: format version {v}, this build reads {version}.");
        int d = reader.ReadInt32();
        if (d <= 0) throw new InvalidDataException($"{name} weights: input width {d} must be positive.");
        return d;
    }

    /// <summary>Writes an int array (length first).</summary>
    public static void WriteInts(BinaryWriter writer, int[] values)
    {
        writer.Write(values.Length);
        foreach (int v in values) writer.Write(v);
    }

    /// <summary>Reads an int array written by <see cref="WriteInts"/>, each value in [1, 65,536].</summary>
    public static int[] ReadInts(BinaryReader reader, string name)
    {
        int n = reader.ReadInt32();
        if (n is < 1 or > 64) throw new InvalidDataException($"{name}: {n} layer widths stored, expected 1 to 64.");
        var v = new int[n];
        for (int i = 0; i < n; i++)
        {
            v[i] = reader.ReadInt32();
            if (v[i] is < 1 or > 65_536) throw new InvalidDataException($"{name}: layer width {v[i]} is out of range.");
        }
        return v;
    }

    /// <summary>A seeded generator for one purpose of a run (weights, batches, noise), independent of the others.</summary>
    public static Rng Stream(long seed, long purpose) => new Rng(seed).Fork(purpose);
}
