using Xainomaly.Detection;

namespace Xainomaly.Explanation;

/// <summary>Adapters that turn detectors and plain functions into an <see cref="IModelFunction"/>.</summary>
public static class ModelFunction
{
    /// <summary>f = the detector's anomaly score.</summary>
    public static IModelFunction FromDetector(IAnomalyDetector detector)
    {
        ArgumentNullException.ThrowIfNull(detector);
        return new FloatAdapter(detector.InputWidth, $"anomaly score ({detector.ScoreDescription})", detector.Score);
    }

    /// <summary>f = the head's anomaly probability σ(head(z)) of a semi-supervised detector.</summary>
    /// <exception cref="ArgumentException">The detector's network has no head.</exception>
    public static IModelFunction FromHeadProbability(SemiSupervisedDetector detector)
    {
        ArgumentNullException.ThrowIfNull(detector);
        var network = detector.Network;
        if (!network.HasHead)
            throw new ArgumentException($"The {network.Kind} network has no classification head, so it has no anomaly probability to explain; explain the anomaly score instead.", nameof(detector));
        return new HeadAdapter(network);
    }

    /// <summary>f given as a plain function over float rows (row-major, count rows) returning one output per row.</summary>
    public static IModelFunction FromFunc(int inputWidth, Func<float[], int, float[]> function, string description = "function")
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputWidth);
        return new FloatAdapter(inputWidth, description, (rows, count, scores) =>
        {
            var result = function(rows.ToArray(), count);
            if (result.Length < count)
                throw new InvalidOperationException($"The model function returned {result.Length} outputs for {count} rows; expected one per row.");
            result.AsSpan(0, count).CopyTo(scores);
        });
    }

    /// <summary>f given in double precision (e.g. a float64 reference model), evaluated without rounding.</summary>
    public static IModelFunction FromDoubleFunc(int inputWidth, Func<double[], int, double[]> function, string description = "function")
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputWidth);
        return new DoubleAdapter(inputWidth, description, function);
    }

    private delegate void FloatScorer(ReadOnlySpan<float> rows, int count, Span<float> scores);

    private sealed class FloatAdapter(int inputWidth, string description, FloatScorer score) : IFloatModelFunction
    {
        // Reused across calls: the value function scores in bounded chunks, so these stay small.
        private float[] _rows = [];
        private float[] _scores = [];

        public int InputWidth => inputWidth;

        public string Description => description;

        public void Evaluate(ReadOnlySpan<double> rows, int count, Span<double> outputs)
        {
            int n = count * inputWidth;
            if (_rows.Length < n) _rows = new float[n];
            if (_scores.Length < count) _scores = new float[count];
            for (int i = 0; i < n; i++) _rows[i] = (float)rows[i];
            score(_rows.AsSpan(0, n), count, _scores.AsSpan(0, count));
            for (int i = 0; i < count; i++) outputs[i] = _scores[i];
        }

        public void Evaluate(ReadOnlySpan<float> rows, int count, Span<float> outputs) => score(rows[..(count * inputWidth)], count, outputs[..count]);
    }

    private sealed class HeadAdapter(IComponentScorer network) : IFloatModelFunction
    {
        private float[] _rows = [];
        private float[] _re = [], _z = [], _p = [];

        public int InputWidth => network.InputWidth;

        public string Description => "head probability σ(head(z))";

        public void Evaluate(ReadOnlySpan<double> rows, int count, Span<double> outputs)
        {
            int n = count * InputWidth;
            if (_rows.Length < n) _rows = new float[n];
            if (_p.Length < count)
            {
                _re = new float[count];
                _z = new float[count];
                _p = new float[count];
            }
            for (int i = 0; i < n; i++) _rows[i] = (float)rows[i];
            Evaluate(_rows.AsSpan(0, n), count, _p.AsSpan(0, count));
            for (int i = 0; i < count; i++) outputs[i] = _p[i];
        }

        public void Evaluate(ReadOnlySpan<float> rows, int count, Span<float> outputs)
        {
            if (_re.Length < count)
            {
                _re = new float[count];
                _z = new float[count];
            }
            network.ScoreComponents(rows[..(count * InputWidth)], count, _re.AsSpan(0, count), _z.AsSpan(0, count), outputs[..count]);
        }
    }

    private sealed class DoubleAdapter(int inputWidth, string description, Func<double[], int, double[]> function) : IModelFunction
    {
        public int InputWidth => inputWidth;

        public string Description => description;

        public void Evaluate(ReadOnlySpan<double> rows, int count, Span<double> outputs)
        {
            var result = function(rows[..(count * inputWidth)].ToArray(), count);
            if (result.Length < count)
                throw new InvalidOperationException($"The model function returned {result.Length} outputs for {count} rows; expected one per row.");
            result.AsSpan(0, count).CopyTo(outputs);
        }
    }
}
