namespace Xainomaly.Detection;

/// <summary>
/// Shared bookkeeping of the neural trainers: progress about every 1 % of the steps, and every
/// <see cref="CurveInterval"/> steps a point of the loss curve with the validation rows' reconstruction error, label
/// loss and accuracy (head probability &gt; 0.5) — the data of the paper's Fig. 5.
/// </summary>
public sealed class TrainingMonitor
{
    /// <summary>Scores a block of rows: RE and head probability per row.</summary>
    public delegate void ScoreParts(ReadOnlySpan<float> rows, int count, Span<float> reconstructionError, Span<float> headProbability);

    private readonly NetworkFitRequest _request;
    private readonly int _steps;
    private readonly int _reportEvery;
    private readonly float[] _validationX;
    private readonly int[] _validationY;
    private readonly float[] _re, _p;
    private double _lossSum;
    private int _lossCount;
    private const int CurvePoints = 100;

    /// <summary>Creates the monitor for a run of <paramref name="steps"/> steps.</summary>
    public TrainingMonitor(NetworkFitRequest request, int steps)
    {
        _request = request;
        _steps = steps;
        _reportEvery = Math.Max(1, steps / 100);
        CurveInterval = Math.Max(1, steps / CurvePoints);
        var v = request.Validation;
        var sub = request.Data.Select(v);
        _validationX = sub.X;
        _validationY = sub.Labels;
        _re = new float[v.Length];
        _p = new float[v.Length];
    }

    /// <summary>Steps between two points of the loss curve.</summary>
    public int CurveInterval { get; }

    /// <summary>Call after every step with that step's training loss.</summary>
    public void After(int step, double loss, ScoreParts score)
    {
        _lossSum += loss;
        _lossCount++;
        if (step % CurveInterval == 0 || step == _steps)
        {
            double meanLoss = _lossSum / _lossCount;
            _lossSum = 0;
            _lossCount = 0;
            double? vLoss = null, vAcc = null;
            if (_validationY.Length > 0)
            {
                score(_validationX, _validationY.Length, _re, _p);
                double re = 0, bce = 0;
                int correct = 0;
                for (int i = 0; i < _validationY.Length; i++)
                {
                    re += _re[i];
                    double p = Math.Clamp(_p[i], 1e-7, 1 - 1e-7);
                    bce -= _validationY[i] == 1 ? Math.Log(p) : Math.Log(1 - p);
                    correct += (_p[i] > 0.5f ? 1 : 0) == _validationY[i] ? 1 : 0;
                }
                vLoss = (re + bce) / _validationY.Length;
                vAcc = (double)correct / _validationY.Length;
            }
            _request.Context.History.Add(new TrainingProgress(step, _steps, meanLoss, vLoss, vAcc));
        }
        if (step % _reportEvery == 0 || step == _steps)
            _request.Context.Progress?.Report(new TrainingProgress(step, _steps, loss));
    }
}
